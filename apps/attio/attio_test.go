package attio_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/internal/apptest"
)

func person(name, email string) map[string]any {
	return map[string]any{"name": name, "email": email, "timeZone": "Europe/Berlin", "language": map[string]string{"locale": "en"}}
}

// event is a booking called title.
func event(title string) map[string]any {
	return map[string]any{
		"type": "30min", "title": title, "startTime": "2026-12-01T10:00:00Z", "endTime": "2026-12-01T10:30:00Z",
		"organizer":   person("Alice Host", "alice@host.example"),
		"attendees":   []any{person("Bob Example", "bob@example.com"), person("", "carol@example.com")},
		"uid":         "bk_8f14e45fceea167a",
		"location":    "integrations:daily",
		"description": "Talk about the integration.",
		"videoCallData": map[string]any{
			"type": "daily_video", "id": "room", "password": "", "url": "https://slotbox-test.daily.co/room",
		},
	}
}

type contact struct {
	ID         string `json:"id"`
	Email      string `json:"email"`
	RecordType string `json:"recordType"`
}

type crmEvent struct {
	ID             string `json:"id"`
	Type           string `json:"type"`
	AdditionalInfo struct {
		Notes []struct {
			NoteID   string `json:"noteId"`
			RecordID string `json:"recordId"`
		} `json:"notes"`
	} `json:"additionalInfo"`
}

func TestManifest(t *testing.T) {
	m := realManifest(t)
	if got := m.Permissions.HTTP.AllowedHosts; !slices.Equal(got, []string{"api.attio.com"}) {
		t.Errorf("allowedHosts = %v, want exactly [api.attio.com]", got)
	}
	if m.Permissions.Vault != nil || m.Permissions.KV {
		t.Errorf("permissions grant more than http: %+v", m.Permissions)
	}
	if c := m.Credential; c == nil || c.Inject != abi.InjectBearer || c.Field != "api_key" {
		t.Errorf("credential = %+v, want the api_key injected as a bearer token", c)
	}
	if m.Type != "attio_other_calendar" || m.Variant != "crm" || m.Category() != abi.CategoryCRM {
		t.Errorf("type %q variant %q category %q", m.Type, m.Variant, m.Category())
	}
	for _, tc := range []struct {
		keys string
		ok   bool
	}{
		{`{"api_key":"` + testAPIKey + `"}`, true},
		{`{}`, false},
		{`{"api_key":"short"}`, false},
		{`{"api_key":"` + testAPIKey + `\r\nX-Evil: 1"}`, false},
		{`{"api_key":"` + testAPIKey + ` x"}`, false},
		{`{"api_key":"` + testAPIKey + `","apiBase":"http://127.0.0.1"}`, false},
	} {
		if err := m.ValidateKeys([]byte(tc.keys)); (err == nil) != tc.ok {
			t.Errorf("ValidateKeys(%s) = %v, want ok=%v", tc.keys, err, tc.ok)
		}
	}
	modules.Compile(t, "real", m) // the module uploads under the real manifest
}

func TestGetContacts(t *testing.T) {
	e := newEnv(t)
	alice := e.fake.addPerson("Alice Example", "alice@example.com", "alice@work.example")
	bob := e.fake.addPerson("Bob Example", "bob@example.com")
	e.fake.addPerson("Dan Example", "dan@example.com")

	var got []contact
	e.OK("crm.getContacts", map[string]any{"emails": []string{"Alice@Work.example", "nobody@example.com", " bob@example.com", "alice@work.example"}}, &got)
	want := []contact{{alice, "Alice@Work.example", "people"}, {bob, "bob@example.com", "people"}}
	if !slices.Equal(got, want) {
		t.Errorf("contacts = %+v, want %+v", got, want)
	}
	reqs := e.fake.requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPost || reqs[0].Path != "/v2/objects/people/records/query" {
		t.Fatalf("requests = %v, want one query", e.fake.routes())
	}
	var q struct {
		Filter struct {
			Or []emailEq `json:"$or"`
		} `json:"filter"`
	}
	if err := json.Unmarshal(reqs[0].Body, &q); err != nil {
		t.Fatal(err)
	}
	var asked []string
	for _, c := range q.Filter.Or {
		asked = append(asked, c.EmailAddresses.EmailAddress.Eq)
	}
	if want := []string{"alice@work.example", "nobody@example.com", "bob@example.com"}; !slices.Equal(asked, want) {
		t.Errorf("query asked for %v, want %v (normalised, no repeats)", asked, want)
	}
	if reqs[0].Auth != "Bearer "+testAPIKey {
		t.Errorf("auth = %q", reqs[0].Auth)
	}
}

func TestGetContactsInChunks(t *testing.T) {
	e := newEnv(t)
	var emails []string
	for i := range 120 {
		emails = append(emails, fmt.Sprintf("p%d@example.com", i))
	}
	last := e.fake.addPerson("P 119", "p119@example.com")
	var got []contact
	e.OK("crm.getContacts", map[string]any{"emails": emails}, &got)
	if len(got) != 1 || got[0].ID != last {
		t.Errorf("contacts = %+v", got)
	}
	if n := len(e.fake.requests()); n != 3 {
		t.Errorf("%d queries for 120 emails, want 3 of at most 50", n)
	}

	e.OK("crm.getContacts", map[string]any{"emails": []string{}}, &got)
	if len(got) != 0 || len(e.fake.requests()) != 3 {
		t.Errorf("no emails: contacts %+v, %d requests", got, len(e.fake.requests()))
	}
}

func TestCreateContacts(t *testing.T) {
	e := newEnv(t)
	existing := e.fake.addPerson("Alice Example", "alice@example.com")
	var got []contact
	e.OK("crm.createContacts", map[string]any{"contacts": []map[string]string{
		{"email": "Carol@Example.com", "name": "Carol Ann  Example"},
		{"email": "alice@example.com", "name": "Alice"},
		{"email": "cher@example.com", "name": "Cher"},
		{"email": "anon@example.com", "name": ""},
		{"email": "carol@example.com", "name": "again"},
	}}, &got)
	if len(got) != 4 {
		t.Fatalf("contacts = %+v, want 4", got)
	}
	if got[1].ID != existing || got[1].Email != "alice@example.com" {
		t.Errorf("the existing person: %+v, want record %s", got[1], existing)
	}
	for i, want := range []struct{ first, last, full string }{
		{"Carol", "Ann  Example", "Carol Ann  Example"}, {}, {"Cher", "", "Cher"}, {"", "", ""},
	} {
		if i == 1 {
			continue
		}
		p := e.fake.person(got[i].ID)
		if p == nil {
			t.Fatalf("contact %d: no record %s", i, got[i].ID)
		}
		if p.First != want.first || p.Last != want.last || p.Full != want.full {
			t.Errorf("contact %d name = %q/%q/%q, want %q/%q/%q", i, p.First, p.Last, p.Full, want.first, want.last, want.full)
		}
	}
	wantRoutes := []string{
		"POST /v2/objects/people/records",
		"POST /v2/objects/people/records", "POST /v2/objects/people/records/query", // 409, then the lookup
		"POST /v2/objects/people/records", "POST /v2/objects/people/records",
	}
	if got := e.fake.routes(); !slices.Equal(got, wantRoutes) {
		t.Errorf("requests = %v, want %v", got, wantRoutes)
	}
}

func TestCreateEvent(t *testing.T) {
	e := newEnv(t)
	bob := e.fake.addPerson("Bob Example", "bob@example.com")
	carol := e.fake.addPerson("", "carol@example.com")
	var got crmEvent
	e.OK("crm.createEvent", map[string]any{"event": event("Intro call"), "contacts": []map[string]string{
		{"id": bob, "email": "bob@example.com"}, {"id": carol, "email": "carol@example.com"}, {"id": bob, "email": "bob@example.com"},
	}}, &got)
	if got.Type != "attio_other_calendar" || len(got.AdditionalInfo.Notes) != 2 {
		t.Fatalf("result = %+v", got)
	}
	ids := strings.Split(got.ID, ",")
	if len(ids) != 2 {
		t.Fatalf("id = %q, want two note ids", got.ID)
	}
	wantContent := strings.Join([]string{
		"When: 2026-12-01T10:00:00Z to 2026-12-01T10:30:00Z",
		"Organizer: Alice Host <alice@host.example>",
		"Attendees: Bob Example <bob@example.com>, carol@example.com",
		"Video: https://slotbox-test.daily.co/room",
		"Description: Talk about the integration.",
		"Booking: bk_8f14e45fceea167a",
	}, "\n")
	for i, record := range []string{bob, carol} {
		n := e.fake.note(ids[i])
		if n == nil {
			t.Fatalf("no note %s", ids[i])
		}
		if n.ParentObject != "people" || n.ParentRecord != record || n.Title != "Intro call" || n.Format != "plaintext" {
			t.Errorf("note %d = %+v", i, n)
		}
		if n.Content != wantContent {
			t.Errorf("note %d content:\n%s\nwant:\n%s", i, n.Content, wantContent)
		}
		if info := got.AdditionalInfo.Notes[i]; info.NoteID != ids[i] || info.RecordID != record {
			t.Errorf("additionalInfo.notes[%d] = %+v", i, info)
		}
	}
}

func TestCreateEventUndoesPartialWork(t *testing.T) {
	e := newEnv(t)
	bob := e.fake.addPerson("Bob Example", "bob@example.com")
	gone := "0b7e2c4a-1d3f-4e5a-8b6c-9d0e1f2a3b4c"
	err := e.Fail("crm.createEvent", map[string]any{"event": event("Intro call"), "contacts": []map[string]string{
		{"id": bob, "email": "bob@example.com"}, {"id": gone, "email": "gone@example.com"},
	}})
	if err.AppCode != "NOT_FOUND" || !strings.Contains(err.Message, gone) {
		t.Errorf("error = %+v, want NOT_FOUND naming the record", err)
	}
	if n := e.fake.notesOn(bob); len(n) != 0 {
		t.Errorf("bob keeps %d notes after the failed booking", len(n))
	}
	want := []string{"POST /v2/notes", "POST /v2/notes", "DELETE /v2/notes/"}
	got := e.fake.routes()
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || !strings.HasPrefix(got[2], want[2]) {
		t.Errorf("requests = %v", got)
	}
}

func TestUpdateEvent(t *testing.T) {
	e := newEnv(t)
	bob := e.fake.addPerson("Bob Example", "bob@example.com")
	carol := e.fake.addPerson("Carol Example", "carol@example.com")
	var created, updated crmEvent
	e.OK("crm.createEvent", map[string]any{"event": event("Intro call"), "contacts": []map[string]string{
		{"id": bob, "email": "bob@example.com"}, {"id": carol, "email": "carol@example.com"},
	}}, &created)
	moved := event("Intro call, moved")
	moved["startTime"], moved["endTime"] = "2026-12-03T15:00:00Z", "2026-12-03T15:30:00Z"
	e.OK("crm.updateEvent", map[string]any{"uid": created.ID, "event": moved}, &updated)

	old, now := strings.Split(created.ID, ","), strings.Split(updated.ID, ",")
	if len(now) != 2 || slices.Contains(now, old[0]) || slices.Contains(now, old[1]) {
		t.Fatalf("updated id %q, created %q: want two new notes", updated.ID, created.ID)
	}
	for i, record := range []string{bob, carol} {
		if e.fake.note(old[i]) != nil {
			t.Errorf("old note %s still exists", old[i])
		}
		n := e.fake.note(now[i])
		if n == nil || n.ParentRecord != record || n.Title != "Intro call, moved" || !strings.HasPrefix(n.Content, "When: 2026-12-03T15:00:00Z to 2026-12-03T15:30:00Z\n") {
			t.Errorf("new note %d = %+v", i, n)
		}
	}

	// A note deleted in Attio is skipped; with none left the update fails.
	e.OK("crm.deleteEvent", map[string]any{"uid": strings.Split(updated.ID, ",")[0]}, nil)
	var again crmEvent
	e.OK("crm.updateEvent", map[string]any{"uid": updated.ID, "event": moved}, &again)
	if ids := strings.Split(again.ID, ","); len(ids) != 1 || e.fake.note(ids[0]).ParentRecord != carol {
		t.Errorf("update with one note gone = %q", again.ID)
	}
	e.OK("crm.deleteEvent", map[string]any{"uid": again.ID}, nil)
	if err := e.Fail("crm.updateEvent", map[string]any{"uid": again.ID, "event": moved}); err.AppCode != "NOT_FOUND" {
		t.Errorf("update with every note gone = %+v, want NOT_FOUND", err)
	}
}

func TestDeleteEvent(t *testing.T) {
	e := newEnv(t)
	bob := e.fake.addPerson("Bob Example", "bob@example.com")
	var created crmEvent
	e.OK("crm.createEvent", map[string]any{"event": event("Intro call"), "contacts": []map[string]string{{"id": bob, "email": "bob@example.com"}}}, &created)
	e.OK("crm.deleteEvent", map[string]any{"uid": created.ID}, nil)
	if len(e.fake.notesOn(bob)) != 0 {
		t.Fatal("the note is still there")
	}
	// Again: Attio answers 404, which counts as deleted.
	res := e.Call("crm.deleteEvent", map[string]any{"uid": created.ID})
	if res.Envelope.Error != nil || string(res.Envelope.OK) != "{}" {
		t.Errorf("second delete = %+v", res.Envelope)
	}
	routes := e.fake.routes()
	if want := "DELETE /v2/notes/" + created.ID; routes[len(routes)-1] != want {
		t.Errorf("last request %q, want %q", routes[len(routes)-1], want)
	}
}

func TestInvalidInput(t *testing.T) {
	id := "0b7e2c4a-1d3f-4e5a-8b6c-9d0e1f2a3b4c"
	var many []string
	for range 26 {
		many = append(many, id)
	}
	var emails []string
	for i := range 501 {
		emails = append(emails, fmt.Sprintf("p%d@example.com", i))
	}
	for _, tc := range []struct {
		name, method string
		input        any
	}{
		{"no contacts", "crm.createEvent", map[string]any{"event": event("x"), "contacts": []any{}}},
		{"contact id with a slash", "crm.createEvent", map[string]any{"event": event("x"), "contacts": []map[string]string{{"id": "../self", "email": "a@b.c"}}}},
		{"contact id empty", "crm.createEvent", map[string]any{"event": event("x"), "contacts": []map[string]string{{"id": "", "email": "a@b.c"}}}},
		{"update uid with a path", "crm.updateEvent", map[string]any{"uid": id + "/../x", "event": event("x")}},
		{"update uid empty", "crm.updateEvent", map[string]any{"uid": "", "event": event("x")}},
		{"delete uid with a query", "crm.deleteEvent", map[string]any{"uid": id + "?x=1"}},
		{"delete 26 notes", "crm.deleteEvent", map[string]any{"uid": strings.Join(many, ",")}},
		{"delete empty item", "crm.deleteEvent", map[string]any{"uid": id + ","}},
		{"create a non-email", "crm.createContacts", map[string]any{"contacts": []map[string]string{{"email": "a@b.c", "name": "ok"}, {"email": "nope", "name": "x"}}}},
		{"create an email with a space", "crm.createContacts", map[string]any{"contacts": []map[string]string{{"email": "a b@c.d", "name": "x"}}}},
		{"501 emails", "crm.getContacts", map[string]any{"emails": emails}},
		{"not JSON", "crm.getContacts", []byte(`{"emails":[`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if err := e.Fail(tc.method, tc.input); err.Code != abi.CodeInvalidInput {
				t.Errorf("error = %v, want INVALID_INPUT", err)
			}
			if n := len(e.fake.requests()); n != 0 {
				t.Errorf("the fake got %d requests for invalid input", n)
			}
		})
	}
}

func TestCheckKeys(t *testing.T) {
	for _, tc := range []struct {
		name    string
		key     string
		scope   string
		active  bool
		valid   bool
		message string
	}{
		{"full scopes", testAPIKey, fullScopes, true, true, "Attio workspace " + fakeWorkspaceName},
		{"read-write covers read", testAPIKey, "record_permission:read-write object_configuration:read-write note:read-write", true, true, "Attio workspace"},
		{"no note scope", testAPIKey, "record_permission:read-write object_configuration:read note:read", true, false, "lacks the scopes note:read-write"},
		{"read-only records", testAPIKey, "record_permission:read object_configuration:read", true, false, "record_permission:read-write, note:read-write"},
		{"inactive", testAPIKey, fullScopes, false, false, "not active"},
		{"refused key", "another-key", fullScopes, true, false, "401"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.set(tc.key, tc.scope, tc.active)
			var got abi.AppCheckKeysResult
			e.OK("app.checkKeys", map[string]any{}, &got)
			if got.Valid != tc.valid || !strings.Contains(got.Message, tc.message) {
				t.Errorf("checkKeys = %+v, want valid=%v and %q", got, tc.valid, tc.message)
			}
			if r := e.fake.routes(); !slices.Equal(r, []string{"GET /v2/self"}) {
				t.Errorf("requests = %v", r)
			}
		})
	}
}

// TestProviderFailures drives every method into each failure Attio
// documents and checks the error code, its retryability and the message.
func TestProviderFailures(t *testing.T) {
	note := "0b7e2c4a-1d3f-4e5a-8b6c-9d0e1f2a3b4c"
	calls := []struct {
		method string
		input  any
	}{
		{"crm.getContacts", map[string]any{"emails": []string{"bob@example.com"}}},
		{"crm.createContacts", map[string]any{"contacts": []map[string]string{{"email": "bob@example.com", "name": "Bob"}}}},
		{"crm.createEvent", map[string]any{"event": event("x"), "contacts": []map[string]string{{"id": note, "email": "bob@example.com"}}}},
		{"crm.updateEvent", map[string]any{"uid": note, "event": event("x")}},
		{"crm.deleteEvent", map[string]any{"uid": note}},
		{"app.checkKeys", map[string]any{}},
	}
	retryDate := "Tue, 23 May 2023 14:42:01 GMT"
	failures := []struct {
		name      string
		status    int
		body      string
		header    []string
		code      string
		retryable bool
		message   string
	}{
		{"unauthorized", 401, `{"status_code":401,"type":"auth_error","code":"invalid_token","message":"The access token is invalid."}`, nil, "UNAUTHORIZED", false, "401 invalid_token: The access token is invalid."},
		{"forbidden", 403, `{"status_code":403,"type":"auth_error","code":"missing_scope","message":"note:read-write"}`, nil, "FORBIDDEN", false, "403 missing_scope"},
		{"rate limited", 429, `{"status_code":429,"type":"rate_limit_error","code":"rate_limit_exceeded","message":"Rate limit exceeded, please try again later"}`, []string{"Retry-After", retryDate}, "RATE_LIMITED", true, "retry after " + retryDate},
		{"server error", 500, `{"status_code":500,"type":"internal_server_error","code":"internal_server_error","message":"oops"}`, nil, "UPSTREAM_UNAVAILABLE", true, "500 internal_server_error: oops"},
		{"bad gateway, HTML", 502, `<html>bad gateway</html>`, []string{"Content-Type", "text/html"}, "UPSTREAM_UNAVAILABLE", true, "502"},
		{"unavailable", 503, ``, nil, "UPSTREAM_UNAVAILABLE", true, "503"},
		{"validation", 400, `{"status_code":400,"type":"invalid_request_error","code":"validation_type","message":"Body payload validation error."}`, nil, "BAD_REQUEST", false, "validation_type"},
		{"multiple choices", 300, ``, nil, "BAD_RESPONSE", false, "300: unexpected status"},
		{"redirect elsewhere", 302, ``, []string{"Location", "https://elsewhere.example/"}, "PERMISSION_DENIED", false, "redirect"},
	}
	for _, c := range calls {
		for _, f := range failures {
			t.Run(c.method+"/"+f.name, func(t *testing.T) {
				e := newEnv(t)
				e.fake.inject(f.status, f.body, f.header...)
				res := e.Call(c.method, c.input)
				if c.method == "app.checkKeys" && f.status == 401 {
					var got abi.AppCheckKeysResult
					if res.Envelope.Error != nil || json.Unmarshal(res.Envelope.OK, &got) != nil || got.Valid {
						t.Errorf("checkKeys on 401 = %+v, want valid=false", res.Envelope)
					}
					return
				}
				err := res.Envelope.Error
				if err == nil {
					t.Fatalf("succeeded with %s", res.Envelope.OK)
				}
				if err.Code != abi.CodeAppError || err.AppCode != f.code || err.Retryable != f.retryable {
					t.Errorf("error = %+v, want APP_ERROR[%s] retryable=%v", err, f.code, f.retryable)
				}
				if !strings.Contains(err.Message, f.message) || !strings.HasPrefix(err.Message, "attio: ") {
					t.Errorf("message %q does not say %q", err.Message, f.message)
				}
			})
		}
	}
}

func TestBadResponses(t *testing.T) {
	for _, tc := range []struct {
		name, method, route, body string
		input                     any
	}{
		{"query without data", "crm.getContacts", "POST /v2/objects/people/records/query", `{"data":{}}`, map[string]any{"emails": []string{"a@b.c"}}},
		{"query record without id", "crm.getContacts", "POST /v2/objects/people/records/query", `{"data":[{"id":{"record_id":"x/y"}}]}`, map[string]any{"emails": []string{"a@b.c"}}},
		{"person not JSON", "crm.createContacts", "POST /v2/objects/people/records", `created!`, map[string]any{"contacts": []map[string]string{{"email": "a@b.c", "name": "A"}}}},
		{"note without id", "crm.createEvent", "POST /v2/notes", `{"data":{"id":{}}}`, nil},
		{"note parent missing", "crm.updateEvent", "", `{"data":{"id":{"note_id":"abc"}}}`, nil},
		{"self without active", "app.checkKeys", "GET /v2/self", `{"scope":"x"}`, map[string]any{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			input := tc.input
			switch tc.method {
			case "crm.createEvent":
				input = map[string]any{"event": event("x"), "contacts": []map[string]string{{"id": e.fake.addPerson("A", "a@b.c"), "email": "a@b.c"}}}
			case "crm.updateEvent":
				bob := e.fake.addPerson("Bob", "bob@example.com")
				var created crmEvent
				e.OK("crm.createEvent", map[string]any{"event": event("x"), "contacts": []map[string]string{{"id": bob, "email": "bob@example.com"}}}, &created)
				tc.route = "GET /v2/notes/" + created.ID
				input = map[string]any{"uid": created.ID, "event": event("y")}
			}
			e.fake.injectFor(tc.route, 200, tc.body)
			err := e.Fail(tc.method, input)
			if err.Code != abi.CodeAppError || err.AppCode != "BAD_RESPONSE" || err.Retryable {
				t.Errorf("error = %+v, want APP_ERROR[BAD_RESPONSE]", err)
			}
		})
	}
}

// TestRealManifestRefusesOtherHosts runs the module under config.json: the
// host refuses the loopback fake, which is not api.attio.com, before any
// connection, and the guest passes the refusal on.
func TestRealManifestRefusesOtherHosts(t *testing.T) {
	e := newEnvWith(t, "real", realManifest(t), false)
	err := e.Fail("crm.getContacts", map[string]any{"emails": []string{"bob@example.com"}})
	if err.Code != abi.CodeAppError || err.AppCode != string(abi.CodePermissionDenied) || err.Retryable {
		t.Errorf("error = %+v, want APP_ERROR[PERMISSION_DENIED]", err)
	}
	if !strings.Contains(err.Message, "allowedHosts") {
		t.Errorf("message %q does not name the allow-list", err.Message)
	}
	if n := len(e.fake.requests()); n != 0 {
		t.Errorf("the fake got %d requests", n)
	}
}

// TestAPIKeyStaysInTheHost checks the key never crosses into the guest.
func TestAPIKeyStaysInTheHost(t *testing.T) {
	e := newEnv(t)
	bob := e.fake.addPerson("Bob", "bob@example.com")
	var out []json.RawMessage
	for _, c := range []struct {
		method string
		input  any
	}{
		{"crm.getContacts", map[string]any{"emails": []string{"bob@example.com"}}},
		{"crm.createContacts", map[string]any{"contacts": []map[string]string{{"email": "new@example.com", "name": "New"}}}},
		{"crm.createEvent", map[string]any{"event": event("x"), "contacts": []map[string]string{{"id": bob, "email": "bob@example.com"}}}},
		{"app.checkKeys", map[string]any{}},
	} {
		res := e.Call(c.method, c.input)
		if res.Envelope.Error != nil {
			t.Fatalf("%s: %v", c.method, res.Envelope.Error)
		}
		out = append(out, res.Envelope.OK)
	}
	for _, in := range e.Requests() {
		var req struct {
			Auth    string            `json:"auth"`
			Headers map[string]string `json:"headers"`
		}
		if err := json.Unmarshal(in, &req); err != nil {
			t.Fatal(err)
		}
		if req.Auth != "credential" || req.Headers["Authorization"] != "" || bytes.Contains(in, []byte(testAPIKey)) {
			t.Errorf("request %s: want auth credential and no key", in)
		}
	}
	for _, o := range out {
		if bytes.Contains(o, []byte(testAPIKey)) {
			t.Errorf("result %s carries the API key", o)
		}
	}
}

func TestNotImplemented(t *testing.T) {
	e := newEnv(t)
	if err := e.Fail("video.createMeeting", map[string]any{}); err.Code != abi.CodeNotImplemented {
		t.Errorf("error = %v, want NOT_IMPLEMENTED", err)
	}
}

// BenchmarkCreateEvent is a warm crm.createEvent for one contact: one
// POST /v2/notes to the loopback fake through the real host functions.
func BenchmarkCreateEvent(b *testing.B) {
	e := newEnvWith(b, "test", testManifest(b), true)
	bob := e.fake.addPerson("Bob Example", "bob@example.com")
	in, _ := json.Marshal(map[string]any{"event": event("Intro call"), "contacts": []map[string]string{{"id": bob, "email": "bob@example.com"}}})
	e.OK("crm.createEvent", in, nil) // instantiate outside the loop
	b.ReportAllocs()
	for b.Loop() {
		if res := e.Call("crm.createEvent", in); res.Envelope.Error != nil {
			b.Fatal(res.Envelope.Error)
		}
	}
}

// BenchmarkCompile compiles the module under config.json in a new engine.
func BenchmarkCompile(b *testing.B) {
	apptest.BenchCompile(b, apptest.ReadModule(b, slug), realManifest(b))
}

// BenchmarkInstantiate is a call on a fresh instance every time (no pool):
// instantiation and _initialize, plus crm.getContacts, which makes no request.
func BenchmarkInstantiate(b *testing.B) {
	apptest.BenchInstantiate(b, apptest.ReadModule(b, slug), realManifest(b), "crm.getContacts", []byte(`{"emails":[]}`), "")
}
