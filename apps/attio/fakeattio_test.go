package attio_test

// fakeAttio is a loopback stand-in for Attio's REST API v2, following its
// documentation (https://docs.attio.com/rest-api): bearer-token
// authentication, people records with email-address and personal-name
// values, the records query with verbose $or/$eq filters, notes, /v2/self,
// and errors as {"status_code", "type", "code", "message"} (401
// auth_error, 404 not_found, 409 uniqueness_conflict, 429
// rate_limit_exceeded with a Retry-After date, 5xx).

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

const (
	fakeWorkspaceID   = "14beef7a-99f7-4534-a87e-70b564330a4c"
	fakePeopleID      = "97052eb9-e65e-443f-a297-f2d9a4a7f795"
	fakeWorkspaceName = "Slotbox Test"
	// fullScopes are the scopes of a key that may do everything the app needs.
	fullScopes = "record_permission:read-write object_configuration:read note:read-write user_management:read"
)

// fakePerson is a people record.
type fakePerson struct {
	ID                         string
	Emails                     []string
	First, Last, Full, Created string
}

// fakeNote is a note.
type fakeNote struct {
	ID, ParentObject, ParentRecord, Title, Format, Content, Created string
}

type fakeRequest struct {
	Method, Path, Auth, ContentType string
	Body                            []byte
}

type canned struct {
	status int
	header map[string]string
	body   string
}

type fakeAttio struct {
	mux *http.ServeMux

	mu     sync.Mutex
	apiKey string
	scope  string
	active bool
	people map[string]*fakePerson
	notes  map[string]*fakeNote
	queue  []canned
	served []fakeRequest
	// cannedFor answers requests to a path (after auth) instead of the API.
	cannedFor map[string]canned
}

func newFakeAttio(apiKey string) *fakeAttio {
	f := &fakeAttio{
		mux: http.NewServeMux(), apiKey: apiKey, scope: fullScopes, active: true,
		people: map[string]*fakePerson{}, notes: map[string]*fakeNote{}, cannedFor: map[string]canned{},
	}
	f.mux.HandleFunc("GET /v2/self", f.self)
	f.mux.HandleFunc("POST /v2/objects/people/records/query", f.queryPeople)
	f.mux.HandleFunc("POST /v2/objects/people/records", f.createPerson)
	f.mux.HandleFunc("POST /v2/notes", f.createNote)
	f.mux.HandleFunc("GET /v2/notes/{id}", f.getNote)
	f.mux.HandleFunc("DELETE /v2/notes/{id}", f.deleteNote)
	return f
}

// inject makes the next request answer status with body and headers given
// as name, value pairs.
func (f *fakeAttio) inject(status int, body string, header ...string) {
	f.mu.Lock()
	f.queue = append(f.queue, newCanned(status, body, header))
	f.mu.Unlock()
}

// injectFor makes every request to "METHOD /path" answer status with body.
func (f *fakeAttio) injectFor(route string, status int, body string, header ...string) {
	f.mu.Lock()
	f.cannedFor[route] = newCanned(status, body, header)
	f.mu.Unlock()
}

func newCanned(status int, body string, header []string) canned {
	c := canned{status: status, body: body, header: map[string]string{}}
	for i := 0; i+1 < len(header); i += 2 {
		c.header[header[i]] = header[i+1]
	}
	return c
}

// set changes the fake's key, its scopes and whether the key is active.
func (f *fakeAttio) set(apiKey, scope string, active bool) {
	f.mu.Lock()
	f.apiKey, f.scope, f.active = apiKey, scope, active
	f.mu.Unlock()
}

// addPerson stores a person with emails and returns its record id.
func (f *fakeAttio) addPerson(full string, emails ...string) string {
	p := &fakePerson{ID: newID(), Full: full, Created: now()}
	for _, e := range emails {
		p.Emails = append(p.Emails, strings.ToLower(e))
	}
	f.mu.Lock()
	f.people[p.ID] = p
	f.mu.Unlock()
	return p.ID
}

func (f *fakeAttio) requests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.served...)
}

// routes lists the requests as "METHOD /path".
func (f *fakeAttio) routes() []string {
	var out []string
	for _, r := range f.requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func (f *fakeAttio) person(id string) *fakePerson {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.people[id]
}

func (f *fakeAttio) note(id string) *fakeNote {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.notes[id]
}

// notesOn returns the notes whose parent is record id.
func (f *fakeAttio) notesOn(id string) []*fakeNote {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*fakeNote
	for _, n := range f.notes {
		if n.ParentRecord == id {
			out = append(out, n)
		}
	}
	return out
}

func (f *fakeAttio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	f.served = append(f.served, fakeRequest{Method: r.Method, Path: r.URL.RequestURI(), Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type"), Body: body})
	var c *canned
	if len(f.queue) > 0 {
		c = &f.queue[0]
		f.queue = f.queue[1:]
	} else if cf, ok := f.cannedFor[r.Method+" "+r.URL.Path]; ok {
		c = &cf
	}
	key := f.apiKey
	f.mu.Unlock()
	if c != nil {
		for k, v := range c.header {
			w.Header().Set(k, v)
		}
		if c.header["Content-Type"] == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(c.status)
		_, _ = io.WriteString(w, c.body)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+key {
		attioError(w, http.StatusUnauthorized, "auth_error", "invalid_token", "The access token is invalid or has expired.")
		return
	}
	if _, pattern := f.mux.Handler(r); pattern == "" {
		attioError(w, http.StatusNotFound, "invalid_request_error", "not_found", "No route "+r.Method+" "+r.URL.Path)
		return
	}
	f.mux.ServeHTTP(w, r)
}

func attioError(w http.ResponseWriter, status int, typ, code, message string) {
	writeJSON(w, status, map[string]any{"status_code": status, "type": typ, "code": code, "message": message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decode reads a JSON body strictly, answering 400 itself when it is bad.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		attioError(w, http.StatusBadRequest, "invalid_request_error", "validation_type", "Content-Type must be application/json")
		return false
	}
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		attioError(w, http.StatusBadRequest, "invalid_request_error", "validation_type", "Body payload validation error: "+err.Error())
		return false
	}
	return true
}

func (f *fakeAttio) self(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	active, scope := f.active, f.scope
	f.mu.Unlock()
	if !active {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"active": true, "scope": scope, "client_id": "app_slotbox", "token_type": "Bearer",
		"exp": nil, "iat": 1735603200, "sub": fakeWorkspaceID, "aud": "app_slotbox", "iss": "attio.com",
		"authorized_by_workspace_member_id": "50cf242c-7fa3-4cad-87d0-75b1af71c57b",
		"workspace_id":                      fakeWorkspaceID, "workspace_name": fakeWorkspaceName, "workspace_slug": "slotbox-test",
		"workspace_logo_url": nil,
	})
}

// emailEq is one verbose condition {"email_addresses":{"email_address":{"$eq":E}}}.
type emailEq struct {
	EmailAddresses struct {
		EmailAddress struct {
			Eq string `json:"$eq"`
		} `json:"email_address"`
	} `json:"email_addresses"`
}

func (f *fakeAttio) queryPeople(w http.ResponseWriter, r *http.Request) {
	var q struct {
		Filter struct {
			Or []emailEq `json:"$or"`
		} `json:"filter"`
		Limit  *int `json:"limit"`
		Offset *int `json:"offset"`
	}
	if !decode(w, r, &q) {
		return
	}
	if q.Limit != nil && (*q.Limit < 1 || *q.Limit > 500) {
		attioError(w, http.StatusBadRequest, "invalid_request_error", "validation_type", "limit must be between 1 and 500")
		return
	}
	want := map[string]bool{}
	for _, c := range q.Filter.Or {
		if c.EmailAddresses.EmailAddress.Eq == "" {
			attioError(w, http.StatusBadRequest, "invalid_request_error", "filter_error", "email_address $eq needs a value")
			return
		}
		want[strings.ToLower(c.EmailAddresses.EmailAddress.Eq)] = true
	}
	f.mu.Lock()
	var data []any
	for _, p := range f.people {
		for _, e := range p.Emails {
			if want[e] {
				data = append(data, recordJSON(p))
				break
			}
		}
	}
	f.mu.Unlock()
	if data == nil {
		data = []any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

// createPersonBody is POST /v2/objects/people/records.
type createPersonBody struct {
	Data struct {
		Values struct {
			EmailAddresses []string `json:"email_addresses"`
			Name           []struct {
				First *string `json:"first_name"`
				Last  *string `json:"last_name"`
				Full  *string `json:"full_name"`
			} `json:"name"`
		} `json:"values"`
	} `json:"data"`
}

func (f *fakeAttio) createPerson(w http.ResponseWriter, r *http.Request) {
	var b createPersonBody
	if !decode(w, r, &b) {
		return
	}
	v := b.Data.Values
	p := &fakePerson{ID: newID(), Created: now()}
	for _, e := range v.EmailAddresses {
		if at := strings.IndexByte(e, '@'); at <= 0 || at == len(e)-1 {
			attioError(w, http.StatusBadRequest, "invalid_request_error", "validation_type", fmt.Sprintf("%q is not a valid email address", e))
			return
		}
		p.Emails = append(p.Emails, strings.ToLower(e))
	}
	if len(v.Name) > 1 {
		attioError(w, http.StatusBadRequest, "invalid_request_error", "validation_type", "name takes one value")
		return
	}
	if len(v.Name) == 1 {
		n := v.Name[0]
		if n.First == nil || n.Last == nil || n.Full == nil {
			attioError(w, http.StatusBadRequest, "invalid_request_error", "validation_type", "a personal-name needs first_name, last_name and full_name")
			return
		}
		p.First, p.Last, p.Full = *n.First, *n.Last, *n.Full
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, other := range f.people {
		for _, e := range other.Emails {
			for _, mine := range p.Emails {
				if e == mine {
					attioError(w, http.StatusConflict, "invalid_request_error", "uniqueness_conflict",
						fmt.Sprintf("A record with email address %q already exists (attribute email_addresses is unique)", e))
					return
				}
			}
		}
	}
	f.people[p.ID] = p
	writeJSON(w, http.StatusOK, map[string]any{"data": recordJSON(p)})
}

func recordJSON(p *fakePerson) map[string]any {
	emails := []any{}
	for _, e := range p.Emails {
		at := strings.IndexByte(e, '@')
		emails = append(emails, map[string]any{
			"active_from": p.Created, "active_until": nil,
			"created_by_actor":       map[string]any{"type": "api-token", "id": "token"},
			"original_email_address": e, "email_address": e,
			"email_domain": e[at+1:], "email_root_domain": e[at+1:], "email_local_specifier": e[:at],
			"attribute_type": "email-address",
		})
	}
	names := []any{}
	if p.Full != "" {
		names = append(names, map[string]any{
			"active_from": p.Created, "active_until": nil,
			"created_by_actor": map[string]any{"type": "api-token", "id": "token"},
			"first_name":       p.First, "last_name": p.Last, "full_name": p.Full,
			"attribute_type": "personal-name",
		})
	}
	return map[string]any{
		"id":         map[string]string{"workspace_id": fakeWorkspaceID, "object_id": fakePeopleID, "record_id": p.ID},
		"created_at": p.Created,
		"web_url":    "https://app.attio.com/slotbox-test/person/" + p.ID,
		"values":     map[string]any{"email_addresses": emails, "name": names},
	}
}

func (f *fakeAttio) createNote(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Data struct {
			ParentObject   string  `json:"parent_object"`
			ParentRecordID string  `json:"parent_record_id"`
			Title          *string `json:"title"`
			Format         string  `json:"format"`
			Content        *string `json:"content"`
		} `json:"data"`
	}
	if !decode(w, r, &b) {
		return
	}
	d := b.Data
	switch {
	case d.Title == nil || d.Content == nil:
		attioError(w, http.StatusBadRequest, "invalid_request_error", "validation_type", "title and content are required")
		return
	case d.Format != "plaintext" && d.Format != "markdown":
		attioError(w, http.StatusBadRequest, "invalid_request_error", "validation_type", "format must be plaintext or markdown")
		return
	case d.ParentObject != "people":
		attioError(w, http.StatusNotFound, "invalid_request_error", "not_found", "Object with slug/ID \""+d.ParentObject+"\" not found.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.people[d.ParentRecordID] == nil {
		attioError(w, http.StatusNotFound, "invalid_request_error", "not_found", "Record with ID \""+d.ParentRecordID+"\" not found.")
		return
	}
	n := &fakeNote{ID: newID(), ParentObject: d.ParentObject, ParentRecord: d.ParentRecordID, Title: *d.Title, Format: d.Format, Content: *d.Content, Created: now()}
	f.notes[n.ID] = n
	writeJSON(w, http.StatusOK, map[string]any{"data": noteJSON(n)})
}

func noteJSON(n *fakeNote) map[string]any {
	return map[string]any{
		"id":            map[string]string{"workspace_id": fakeWorkspaceID, "note_id": n.ID},
		"parent_object": n.ParentObject, "parent_record_id": n.ParentRecord,
		"title": n.Title, "content_plaintext": n.Content, "content_markdown": n.Content,
		"tags": []any{}, "created_by_actor": map[string]any{"type": "api-token", "id": "token"},
		"created_at": n.Created,
	}
}

func noteNotFound(w http.ResponseWriter, id string) {
	attioError(w, http.StatusNotFound, "invalid_request_error", "not_found", "Note with ID \""+id+"\" was not found.")
}

func (f *fakeAttio) getNote(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f.mu.Lock()
	n := f.notes[id]
	f.mu.Unlock()
	if n == nil {
		noteNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": noteJSON(n)})
}

func (f *fakeAttio) deleteNote(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f.mu.Lock()
	n := f.notes[id]
	delete(f.notes, id)
	f.mu.Unlock()
	if n == nil {
		noteNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

// newID is a random UUID, the form of every Attio id.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func now() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000000000Z") }
