package booking

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

// AvailabilityQuery asks for a tenant's busy times over [From, To): of an
// event type's calendars when EventTypeID is set, else of every valid
// calendar installation. Partial accepts an answer that misses calendars
// that failed, with warnings.
type AvailabilityQuery struct {
	From, To    time.Time
	EventTypeID string
	Partial     bool
}

// BusyTime is one busy interval and the installation that reported it.
type BusyTime struct {
	Start          time.Time `json:"start"`
	End            time.Time `json:"end"`
	InstallationID string    `json:"installationId"`
	App            string    `json:"app"`
}

// CalendarFailure is a calendar that could not answer.
type CalendarFailure struct {
	InstallationID string `json:"installationId"`
	App            string `json:"app"`
	Code           string `json:"code"`
	Message        string `json:"message"`
}

// Availability is the merged busy times, sorted by start then end, and the
// calendars that failed (only with Partial: otherwise a failure is an
// *UnavailableError).
type Availability struct {
	Busy     []BusyTime        `json:"busy"`
	Warnings []CalendarFailure `json:"warnings,omitempty"`
}

// UnavailableError is an availability answer refused because calendars
// failed: never a silent empty list (Cal.com's getBusyCalendarTimes fails
// open).
type UnavailableError struct {
	Failures []CalendarFailure
}

// Error implements the error interface.
func (e *UnavailableError) Error() string {
	names := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		names[i] = fmt.Sprintf("%s[%s]: %s", f.App, f.InstallationID, f.Code)
	}
	return "calendars failed: " + strings.Join(names, ", ")
}

// ErrBadRange means the range is empty, reversed or too long.
var ErrBadRange = errors.New("the range must end after it starts and span at most the configured maximum")

// maxBusyPerCalendar bounds what one calendar may answer.
const maxBusyPerCalendar = 10000

// calendarSource is one calendar installation to ask.
type calendarSource struct {
	info     appInfo
	selected []abi.IntegrationCalendar
}

// Availability asks every calendar of the query at once, each within the
// configured time, and merges their busy times. Answers are cached per
// installation and range for a short time; the tenant's booking writes
// drop its cache.
func (s *Service) Availability(ctx context.Context, tenantID string, q AvailabilityQuery) (Availability, error) {
	if !q.To.After(q.From) || q.To.Sub(q.From) > s.cfg.availMaxRange {
		return Availability{}, fmt.Errorf("availability %s to %s: %w", q.From, q.To, ErrBadRange)
	}
	sources, err := s.calendarSources(ctx, tenantID, q.EventTypeID)
	if err != nil {
		return Availability{}, err
	}
	type answer struct {
		busy []BusyTime
		fail *CalendarFailure
	}
	answers := make([]answer, len(sources))
	gen := s.avail.generation(tenantID)
	var wg sync.WaitGroup
	for i, src := range sources {
		wg.Go(func() {
			busy, fail := s.busyOf(ctx, tenantID, src, q.From, q.To, gen)
			answers[i] = answer{busy, fail}
		})
	}
	wg.Wait()
	out := Availability{Busy: []BusyTime{}}
	var fails []CalendarFailure
	for _, a := range answers {
		if a.fail != nil {
			fails = append(fails, *a.fail)
			continue
		}
		out.Busy = append(out.Busy, a.busy...)
	}
	if len(fails) > 0 && !q.Partial {
		return Availability{}, &UnavailableError{Failures: fails}
	}
	out.Warnings = fails
	sort.SliceStable(out.Busy, func(i, j int) bool {
		if !out.Busy[i].Start.Equal(out.Busy[j].Start) {
			return out.Busy[i].Start.Before(out.Busy[j].Start)
		}
		return out.Busy[i].End.Before(out.Busy[j].End)
	})
	return out, nil
}

// calendarSources lists the calendars to ask, with the calendars each one's
// settings select (appData.selectedCalendars; none means the app's own
// choice, usually its primary calendar).
func (s *Service) calendarSources(ctx context.Context, tenantID, eventTypeID string) ([]calendarSource, error) {
	var out []calendarSource
	if eventTypeID != "" {
		apps, err := s.eventApps(ctx, tenantID, eventTypeID)
		if err != nil {
			return nil, err
		}
		for _, a := range apps {
			if a.Category != abi.CategoryCalendar || !a.Enabled || !a.Valid {
				continue
			}
			var set struct {
				Selected []abi.IntegrationCalendar `json:"selectedCalendars"`
			}
			_ = json.Unmarshal(a.AppData, &set) // no or malformed selection: the app's default
			out = append(out, calendarSource{info: a.appInfo, selected: set.Selected})
		}
		return out, nil
	}
	page := store.Page{Limit: store.MaxPageLimit}
	for {
		ins, next, err := s.st.ListInstallations(ctx, tenantID, store.InstallationFilter{Category: string(abi.CategoryCalendar),
			Status: store.StatusValid}, page)
		if err != nil {
			return nil, err
		}
		for _, in := range ins {
			info, err := s.app(ctx, tenantID, in.ID)
			if err != nil || !info.Enabled {
				continue
			}
			out = append(out, calendarSource{info: info})
		}
		if next == "" {
			return out, nil
		}
		page.After = next
	}
}

// busyOf asks one calendar, or answers from the cache.
func (s *Service) busyOf(ctx context.Context, tenantID string, src calendarSource, from, to time.Time, gen uint64) ([]BusyTime, *CalendarFailure) {
	sel := src.selected
	if sel == nil {
		sel = []abi.IntegrationCalendar{}
	}
	in := abi.CalendarGetAvailabilityInput{DateFrom: from.UTC().Format(time.RFC3339), DateTo: to.UTC().Format(time.RFC3339), SelectedCalendars: sel}
	raw, _ := json.Marshal(in)
	key := src.info.InstallationID + "\x00" + string(raw)
	if busy, ok := s.avail.get(tenantID, key); ok {
		return busy, nil
	}
	fail := func(code, msg string) *CalendarFailure {
		return &CalendarFailure{InstallationID: src.info.InstallationID, App: src.info.Slug, Code: code, Message: msg}
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.availTimeout)
	defer cancel()
	res, err := s.apps.Call(cctx, tenantID, src.info.InstallationID, abi.MethodCalendarGetAvailability, raw)
	switch {
	case err != nil && errors.Is(cctx.Err(), context.DeadlineExceeded):
		return nil, fail(string(abi.CodeTimeout), fmt.Sprintf("no answer within %s", s.cfg.availTimeout))
	case err != nil:
		return nil, fail(string(abi.CodeHostError), "the calendar could not be asked: "+err.Error())
	case res.Envelope.Error != nil:
		e := res.Envelope.Error
		code := string(e.Code)
		if e.AppCode != "" {
			code = e.AppCode
		}
		return nil, fail(code, e.Message)
	}
	var dates []abi.EventBusyDate
	if err := json.Unmarshal(res.Envelope.OK, &dates); err != nil || len(dates) > maxBusyPerCalendar {
		return nil, fail(string(abi.CodeBadOutput), fmt.Sprintf("the answer is not a list of at most %d busy times", maxBusyPerCalendar))
	}
	busy := make([]BusyTime, 0, len(dates))
	for i, d := range dates {
		start, err1 := time.Parse(time.RFC3339, d.Start)
		end, err2 := time.Parse(time.RFC3339, d.End)
		if err1 != nil || err2 != nil || end.Before(start) {
			return nil, fail(string(abi.CodeBadOutput), fmt.Sprintf("busy time %d has no valid RFC 3339 start and end", i))
		}
		busy = append(busy, BusyTime{Start: start.UTC(), End: end.UTC(), InstallationID: src.info.InstallationID, App: src.info.Slug})
	}
	s.avail.put(tenantID, key, busy, gen)
	return busy, nil
}

// availCache keeps busy times per installation and query for a short
// time. Each tenant has a generation that its booking writes bump: an
// answer fetched under an older generation is neither served nor stored.
type availCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	max     int
	now     func() time.Time
	gens    map[string]uint64
	entries map[string]availEntry
}

type availEntry struct {
	busy    []BusyTime
	gen     uint64
	expires time.Time
}

func newAvailCache(ttl time.Duration, max int, now func() time.Time) *availCache {
	return &availCache{ttl: ttl, max: max, now: now, gens: map[string]uint64{}, entries: map[string]availEntry{}}
}

func (c *availCache) generation(tenantID string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gens[tenantID]
}

// invalidate drops a tenant's cached answers.
func (c *availCache) invalidate(tenantID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[tenantID]++
}

func (c *availCache) get(tenantID, key string) ([]BusyTime, bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[tenantID+"\x00"+key]
	if !ok || e.gen != c.gens[tenantID] || !c.now().Before(e.expires) {
		return nil, false
	}
	return slices.Clone(e.busy), true
}

func (c *availCache) put(tenantID, key string, busy []BusyTime, gen uint64) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gens[tenantID] {
		return // a booking write happened while the calendar answered
	}
	now := c.now()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.expires) || e.gen != c.gens[k[:strings.IndexByte(k, 0)]] {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.max {
			clear(c.entries)
		}
	}
	c.entries[tenantID+"\x00"+key] = availEntry{busy: slices.Clone(busy), gen: gen, expires: now.Add(c.ttl)}
}
