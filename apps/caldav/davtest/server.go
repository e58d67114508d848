// Package davtest is an in-memory CalDAV server for tests: go-webdav's
// caldav.Handler over a Backend that keeps calendars and calendar objects in
// memory with strong ETags, honours If-None-Match and If-Match on PUT and
// If-Match on DELETE, filters calendar-query REPORTs by time range with
// go-webdav's caldav.Filter, and sits behind HTTP basic auth. Tests inject
// faults (a status, headers and body for the next matching request) and
// hooks that change data between two requests of the app under test.
//
// go-webdav's server ignores CALDAV:expand and returns recurring events as
// stored, so the client's own expansion is what a test of recurrences sees.
package davtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"
)

// Server is the in-memory CalDAV server. It is an http.Handler and safe for
// concurrent use.
type Server struct {
	user, password, bearer string
	prefix                 string
	handler                *caldav.Handler

	mu       sync.Mutex
	cals     map[string]caldav.Calendar // by path, with a trailing slash
	objs     map[string]*stored         // by path
	faults   []*Fault
	hook     func(r *http.Request)
	requests []Request
	touches  int
}

// stored is one calendar object.
type stored struct {
	data    []byte
	etag    string // unquoted
	modTime time.Time
}

// Request is one request the server received, for assertions.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   string
}

// Fault answers requests of Method (any when empty) whose path ends in
// PathSuffix (any when empty) with Status, Header and Body instead of
// serving them, Times times (once when 0; forever when negative).
type Fault struct {
	Method     string
	PathSuffix string
	Status     int
	Header     http.Header
	Body       string
	Times      int
}

// New returns a server for one user, who authenticates with basic auth,
// serving under prefix ("/dav", or "" for the root). The principal is
// <prefix>/<user>/ and the calendar home <prefix>/<user>/calendars/.
func New(user, password, prefix string) *Server {
	s := &Server{
		user:     user,
		password: password,
		prefix:   strings.TrimSuffix(prefix, "/"),
		cals:     map[string]caldav.Calendar{},
		objs:     map[string]*stored{},
	}
	s.handler = &caldav.Handler{Backend: (*backend)(s), Prefix: s.prefix}
	return s
}

// AcceptBearer makes the server accept "Authorization: Bearer <token>"
// beside basic auth (package slotboxtest's host attaches a bearer token).
func (s *Server) AcceptBearer(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bearer = token
}

// Principal returns the user's principal path.
func (s *Server) Principal() string { return s.prefix + "/" + s.user + "/" }

// Home returns the user's calendar home path.
func (s *Server) Home() string { return s.Principal() + "calendars/" }

// AddCalendar creates the calendar <home>/<name>/ and returns its path.
// components lists what it takes (VEVENT when empty).
func (s *Server) AddCalendar(name, displayName string, components ...string) string {
	p := s.Home() + name + "/"
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cals[p] = caldav.Calendar{Path: p, Name: displayName, SupportedComponentSet: components}
	return p
}

// Put stores an iCalendar object at p, as a client's PUT would, and returns
// its ETag (unquoted).
func (s *Server) Put(p, ics string) (string, error) {
	cal, err := ical.NewDecoder(strings.NewReader(ics)).Decode()
	if err != nil {
		return "", fmt.Errorf("davtest: parse %s: %w", p, err)
	}
	co, err := (*backend)(s).PutCalendarObject(context.Background(), p, cal, &caldav.PutCalendarObjectOptions{})
	if err != nil {
		return "", err
	}
	return co.ETag, nil
}

// Object returns the stored object at p and its ETag (unquoted).
func (s *Server) Object(p string) (data, etag string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objs[p]
	if !ok {
		return "", "", false
	}
	return string(o.data), o.etag, true
}

// Objects returns the paths of the stored objects, sorted.
func (s *Server) Objects() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.objs))
	for p := range s.objs {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Touch rewrites the object at p unchanged but for a new ETag, as another
// client's edit would.
func (s *Server) Touch(p string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objs[p]
	if !ok {
		return fmt.Errorf("davtest: touch %s: no such object", p)
	}
	s.touches++
	o.etag = etagOf(fmt.Appendf(slices.Clone(o.data), "touch %d", s.touches))
	return nil
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times == 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// OnRequest sets a hook run on every authenticated request before it is
// served (nil removes it). It runs without the server's lock held.
func (s *Server) OnRequest(hook func(r *http.Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = hook
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// ServeHTTP authenticates, records, applies faults and If-Match on DELETE,
// then serves the request with go-webdav's CalDAV handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: string(body)})
	authed := s.authorized(r)
	hook := s.hook
	s.mu.Unlock()
	if !authed {
		w.Header().Set("WWW-Authenticate", `Basic realm="davtest"`)
		http.Error(w, "authentication required", http.StatusUnauthorized)
		return
	}
	if hook != nil {
		hook(r)
	}
	if f := s.fault(r); f != nil {
		for k, vs := range f.Header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.Body)
		return
	}
	if r.Method == http.MethodDelete {
		if status := s.checkDelete(r); status != 0 {
			http.Error(w, http.StatusText(status), status)
			return
		}
	}
	s.handler.ServeHTTP(w, r)
}

// authorized checks basic auth (or the bearer token); s.mu is held.
func (s *Server) authorized(r *http.Request) bool {
	if u, p, ok := r.BasicAuth(); ok {
		return u == s.user && p == s.password
	}
	if s.bearer != "" {
		return r.Header.Get("Authorization") == "Bearer "+s.bearer
	}
	return false
}

// fault returns the fault that answers r, counting it down.
func (s *Server) fault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == r.Method) && strings.HasSuffix(r.URL.Path, f.PathSuffix) {
			if f.Times > 0 {
				f.Times--
				if f.Times == 0 {
					s.faults = slices.Delete(s.faults, i, i+1)
				}
			}
			return f
		}
	}
	return nil
}

// checkDelete applies If-Match to a DELETE (go-webdav's Backend does not
// see the header): 404 for a missing object, 412 for a stale ETag.
func (s *Server) checkDelete(r *http.Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objs[r.URL.Path]
	if !ok {
		if _, isCal := s.cals[withSlash(r.URL.Path)]; isCal {
			return 0
		}
		return http.StatusNotFound
	}
	if m := r.Header.Get("If-Match"); m != "" && m != "*" && unquote(m) != o.etag {
		return http.StatusPreconditionFailed
	}
	return 0
}

// backend implements caldav.Backend over a Server.
type backend Server

var _ caldav.Backend = (*backend)(nil)

// CurrentUserPrincipal implements webdav.UserPrincipalBackend.
func (b *backend) CurrentUserPrincipal(context.Context) (string, error) {
	return (*Server)(b).Principal(), nil
}

// CalendarHomeSetPath implements caldav.Backend.
func (b *backend) CalendarHomeSetPath(context.Context) (string, error) {
	return (*Server)(b).Home(), nil
}

// CreateCalendar implements caldav.Backend (MKCOL).
func (b *backend) CreateCalendar(_ context.Context, cal *caldav.Calendar) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := withSlash(cal.Path)
	if _, ok := b.cals[p]; ok {
		return webdav.NewHTTPError(http.StatusMethodNotAllowed, errors.New("calendar exists"))
	}
	c := *cal
	c.Path = p
	b.cals[p] = c
	return nil
}

// ListCalendars implements caldav.Backend, in path order.
func (b *backend) ListCalendars(context.Context) ([]caldav.Calendar, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]caldav.Calendar, 0, len(b.cals))
	for _, c := range b.cals {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// GetCalendar implements caldav.Backend.
func (b *backend) GetCalendar(_ context.Context, p string) (*caldav.Calendar, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.cals[withSlash(p)]
	if !ok {
		return nil, webdav.NewHTTPError(http.StatusNotFound, fmt.Errorf("no calendar %s", p))
	}
	return &c, nil
}

// GetCalendarObject implements caldav.Backend.
func (b *backend) GetCalendarObject(_ context.Context, p string, _ *caldav.CalendarCompRequest) (*caldav.CalendarObject, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objs[p]
	if !ok {
		return nil, webdav.NewHTTPError(http.StatusNotFound, fmt.Errorf("no object %s", p))
	}
	return o.object(p)
}

// ListCalendarObjects implements caldav.Backend.
func (b *backend) ListCalendarObjects(_ context.Context, p string, _ *caldav.CalendarCompRequest) ([]caldav.CalendarObject, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.listLocked(p)
}

func (b *backend) listLocked(calPath string) ([]caldav.CalendarObject, error) {
	calPath = withSlash(calPath)
	if _, ok := b.cals[calPath]; !ok {
		return nil, webdav.NewHTTPError(http.StatusNotFound, fmt.Errorf("no calendar %s", calPath))
	}
	paths := make([]string, 0, len(b.objs))
	for p := range b.objs {
		if path.Dir(p)+"/" == calPath {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	out := make([]caldav.CalendarObject, 0, len(paths))
	for _, p := range paths {
		co, err := b.objs[p].object(p)
		if err != nil {
			return nil, err
		}
		out = append(out, *co)
	}
	return out, nil
}

// QueryCalendarObjects implements caldav.Backend with go-webdav's Filter.
func (b *backend) QueryCalendarObjects(_ context.Context, p string, q *caldav.CalendarQuery) ([]caldav.CalendarObject, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	all, err := b.listLocked(p)
	if err != nil {
		return nil, err
	}
	return caldav.Filter(q, all)
}

// PutCalendarObject implements caldav.Backend with If-None-Match and
// If-Match.
func (b *backend) PutCalendarObject(_ context.Context, p string, cal *ical.Calendar, opts *caldav.PutCalendarObjectOptions) (*caldav.CalendarObject, error) {
	if _, _, err := caldav.ValidateCalendarObject(cal); err != nil {
		return nil, caldav.NewPreconditionError(caldav.PreconditionValidCalendarObjectResource)
	}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, webdav.NewHTTPError(http.StatusBadRequest, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.cals[path.Dir(p)+"/"]; !ok {
		return nil, webdav.NewHTTPError(http.StatusConflict, fmt.Errorf("no calendar holds %s", p))
	}
	old, exists := b.objs[p]
	if opts != nil {
		if opts.IfNoneMatch.IsWildcard() && exists {
			return nil, webdav.NewHTTPError(http.StatusPreconditionFailed, errors.New("the resource exists"))
		}
		if opts.IfMatch.IsSet() {
			if !exists {
				return nil, webdav.NewHTTPError(http.StatusPreconditionFailed, errors.New("the resource does not exist"))
			}
			if !opts.IfMatch.IsWildcard() {
				want, err := opts.IfMatch.ETag()
				if err != nil || want != old.etag {
					return nil, webdav.NewHTTPError(http.StatusPreconditionFailed, errors.New("the ETag does not match"))
				}
			}
		}
	}
	o := &stored{data: buf.Bytes(), etag: etagOf(buf.Bytes()), modTime: time.Now().UTC().Truncate(time.Second)}
	b.objs[p] = o
	return o.object(p)
}

// DeleteCalendarObject implements caldav.Backend.
func (b *backend) DeleteCalendarObject(_ context.Context, p string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.objs[p]; !ok {
		return webdav.NewHTTPError(http.StatusNotFound, fmt.Errorf("no object %s", p))
	}
	delete(b.objs, p)
	return nil
}

// object decodes a stored object.
func (o *stored) object(p string) (*caldav.CalendarObject, error) {
	cal, err := ical.NewDecoder(bytes.NewReader(o.data)).Decode()
	if err != nil {
		return nil, fmt.Errorf("davtest: stored object %s: %w", p, err)
	}
	return &caldav.CalendarObject{Path: p, ModTime: o.modTime, ContentLength: int64(len(o.data)), ETag: o.etag, Data: cal}, nil
}

// etagOf is a strong ETag of data.
func etagOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12])
}

// unquote strips W/ and the quotes of an ETag.
func unquote(etag string) string {
	etag = strings.TrimPrefix(strings.TrimSpace(etag), "W/")
	return strings.Trim(etag, `"`)
}

func withSlash(p string) string {
	if strings.HasSuffix(p, "/") {
		return p
	}
	return p + "/"
}
