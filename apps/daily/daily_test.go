package daily_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/internal/apptest"
)

// expiryBuffer is how long a room outlives its booking.
const expiryBuffer = 14 * 24 * time.Hour

func person(name, email string) map[string]any {
	return map[string]any{"name": name, "email": email, "timeZone": "Europe/Berlin", "language": map[string]string{"locale": "en"}}
}

// event is a booking ending at end.
func event(end string) map[string]any {
	return map[string]any{
		"type": "30min", "title": "Intro call", "startTime": "2026-12-01T10:00:00Z", "endTime": end,
		"organizer": person("Alice Example", "alice@example.com"),
		"attendees": []any{person("Bob Example", "bob@example.com")},
		"uid":       "bk_8f14e45fceea167a",
		"location":  "integrations:daily",
	}
}

type videoCallData struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	Password string `json:"password"`
	URL      string `json:"url"`
}

func unix(t *testing.T, rfc3339 string) int64 {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, rfc3339)
	if err != nil {
		t.Fatal(err)
	}
	return ts.Unix()
}

func TestManifest(t *testing.T) {
	m := realManifest(t)
	if got := m.Permissions.HTTP.AllowedHosts; !slices.Equal(got, []string{"api.daily.co"}) {
		t.Errorf("allowedHosts = %v, want exactly [api.daily.co]", got)
	}
	if m.Permissions.Vault != nil || m.Permissions.KV {
		t.Errorf("permissions grant more than http: %+v", m.Permissions)
	}
	if c := m.Credential; c == nil || c.Inject != abi.InjectBearer || c.Field != "api_key" {
		t.Errorf("credential = %+v, want the api_key injected as a bearer token", c)
	}
	if m.Type != "daily_video" || m.Category() != abi.CategoryConferencing {
		t.Errorf("type %q category %q", m.Type, m.Category())
	}
	if loc := m.AppData.Location; loc.Type != "integrations:daily" || loc.LinkType != "dynamic" {
		t.Errorf("appData.location = %+v", loc)
	}
	for _, tc := range []struct {
		keys string
		ok   bool
	}{
		{`{"api_key":"` + testAPIKey + `"}`, true},
		{`{}`, false},
		{`{"api_key":"short"}`, false},
		{`{"api_key":"` + testAPIKey + `\r\nX-Evil: 1"}`, false},
		{`{"api_key":"` + testAPIKey + `","apiBase":"http://127.0.0.1"}`, false},
	} {
		if err := m.ValidateKeys([]byte(tc.keys)); (err == nil) != tc.ok {
			t.Errorf("ValidateKeys(%s) = %v, want ok=%v", tc.keys, err, tc.ok)
		}
	}
	// The module uploads under the real manifest: it imports nothing the
	// manifest does not grant.
	modules.Compile(t, "real", m)
}

func TestCreateMeeting(t *testing.T) {
	for _, tc := range []struct {
		name, end string
	}{
		{"utc", "2026-12-01T10:30:00Z"},
		{"fraction", "2026-12-01T10:30:00.123Z"},
		{"offset", "2026-12-01T11:30:00+01:00"},
		{"negative offset", "2026-12-01T05:30:00-05:00"},
		{"leap day", "2028-02-29T23:59:59Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			var got videoCallData
			e.OK("video.createMeeting", map[string]any{"event": event(tc.end)}, &got)
			room := e.fake.room(got.ID)
			if room == nil {
				t.Fatalf("no room %q at the fake", got.ID)
			}
			want := videoCallData{Type: "daily_video", ID: room.Name, Password: "", URL: room.URL}
			if got != want {
				t.Errorf("result = %+v, want %+v", got, want)
			}
			if wantExp := unix(t, tc.end) + int64(expiryBuffer/time.Second); room.exp() != wantExp {
				t.Errorf("exp = %d, want end + 14 days = %d", room.exp(), wantExp)
			}
			if room.Privacy != "public" || room.Config["enable_prejoin_ui"] != true {
				t.Errorf("room = %+v", room)
			}
			reqs := e.fake.requests()
			if len(reqs) != 1 || reqs[0].Method != http.MethodPost || reqs[0].Path != "/v1/rooms" {
				t.Fatalf("requests = %+v, want one POST /v1/rooms", reqs)
			}
			if reqs[0].Auth != "Bearer "+testAPIKey || reqs[0].ContentType != "application/json" {
				t.Errorf("auth %q content-type %q", reqs[0].Auth, reqs[0].ContentType)
			}
		})
	}
}

func TestInvalidInput(t *testing.T) {
	for _, tc := range []struct {
		name, method string
		input        any
	}{
		{"create without end", "video.createMeeting", map[string]any{"event": event("")}},
		{"create with a date only", "video.createMeeting", map[string]any{"event": event("2026-12-01")}},
		{"create with month 13", "video.createMeeting", map[string]any{"event": event("2026-13-01T10:00:00Z")}},
		{"create with Feb 30", "video.createMeeting", map[string]any{"event": event("2026-02-30T10:00:00Z")}},
		{"create without zone", "video.createMeeting", map[string]any{"event": event("2026-12-01T10:00:00")}},
		{"update a path", "video.updateMeeting", map[string]any{"bookingRef": map[string]any{"type": "daily_video", "uid": "../domain"}, "event": event("2026-12-01T10:30:00Z")}},
		{"update a query", "video.updateMeeting", map[string]any{"bookingRef": map[string]any{"type": "daily_video", "uid": "room?x=1"}, "event": event("2026-12-01T10:30:00Z")}},
		{"update bad end", "video.updateMeeting", map[string]any{"bookingRef": map[string]any{"type": "daily_video", "uid": "room"}, "event": event("soon")}},
		{"delete empty", "video.deleteMeeting", map[string]any{"uid": ""}},
		{"delete slash", "video.deleteMeeting", map[string]any{"uid": "a/b"}},
		{"delete unicode", "video.deleteMeeting", map[string]any{"uid": "räum"}},
		{"delete too long", "video.deleteMeeting", map[string]any{"uid": strings.Repeat("a", 129)}},
		{"not JSON", "video.createMeeting", []byte(`{"event":`)},
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

func TestUpdateMeeting(t *testing.T) {
	const newEnd = "2026-12-02T16:45:00Z"
	for _, tc := range []struct {
		name string
		ref  func(created videoCallData) map[string]any
	}{
		{"by uid", func(c videoCallData) map[string]any {
			return map[string]any{"type": "daily_video", "uid": c.ID, "meetingUrl": c.URL}
		}},
		{"by meetingId", func(c videoCallData) map[string]any {
			return map[string]any{"type": "daily_video", "uid": "ignored-when-meetingId-is-set", "meetingId": c.ID}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			var created, updated videoCallData
			e.OK("video.createMeeting", map[string]any{"event": event("2026-12-01T10:30:00Z")}, &created)
			e.OK("video.updateMeeting", map[string]any{"bookingRef": tc.ref(created), "event": event(newEnd)}, &updated)
			if updated != created {
				t.Errorf("updated = %+v, want the same room %+v", updated, created)
			}
			if got, want := e.fake.room(created.ID).exp(), unix(t, newEnd)+int64(expiryBuffer/time.Second); got != want {
				t.Errorf("exp = %d, want %d", got, want)
			}
			reqs := e.fake.requests()
			last := reqs[len(reqs)-1]
			if last.Method != http.MethodPost || last.Path != "/v1/rooms/"+created.ID {
				t.Errorf("update sent %s %s", last.Method, last.Path)
			}
			var body map[string]map[string]json.Number
			if err := json.Unmarshal(last.Body, &body); err != nil || len(body) != 1 || len(body["properties"]) != 1 {
				t.Errorf("update body %s: want only properties.exp", last.Body)
			}
		})
	}
}

func TestUpdateMeetingRecreatesAGoneRoom(t *testing.T) {
	e := newEnv(t)
	var got videoCallData
	ref := map[string]any{"type": "daily_video", "uid": "deletedRoom123"}
	e.OK("video.updateMeeting", map[string]any{"bookingRef": ref, "event": event("2026-12-01T10:30:00Z")}, &got)
	if got.ID == "deletedRoom123" || e.fake.room(got.ID) == nil {
		t.Fatalf("result %+v: want a new room", got)
	}
	var paths []string
	for _, r := range e.fake.requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	if want := []string{"POST /v1/rooms/deletedRoom123", "POST /v1/rooms"}; !slices.Equal(paths, want) {
		t.Errorf("requests = %v, want %v", paths, want)
	}
}

func TestDeleteMeeting(t *testing.T) {
	e := newEnv(t)
	var created videoCallData
	e.OK("video.createMeeting", map[string]any{"event": event("2026-12-01T10:30:00Z")}, &created)
	e.OK("video.deleteMeeting", map[string]any{"uid": created.ID}, nil)
	if e.fake.room(created.ID) != nil {
		t.Fatal("the room still exists")
	}
	// Deleting it again finds it gone (404), which counts as deleted.
	res := e.Call("video.deleteMeeting", map[string]any{"uid": created.ID})
	if res.Envelope.Error != nil || string(res.Envelope.OK) != "{}" {
		t.Errorf("second delete = %+v, want ok {}", res.Envelope)
	}
	reqs := e.fake.requests()
	if last := reqs[len(reqs)-1]; last.Method != http.MethodDelete || last.Path != "/v1/rooms/"+created.ID {
		t.Errorf("delete sent %s %s", last.Method, last.Path)
	}
}

func TestGetAvailability(t *testing.T) {
	e := newEnv(t)
	res := e.Call("video.getAvailability", map[string]any{"dateFrom": "2026-12-01T00:00:00Z", "dateTo": "2026-12-08T00:00:00Z"})
	if res.Envelope.Error != nil || string(res.Envelope.OK) != "[]" {
		t.Errorf("getAvailability = %+v, want []", res.Envelope)
	}
}

func TestCheckKeys(t *testing.T) {
	e := newEnv(t)
	var got abi.AppCheckKeysResult
	e.OK("app.checkKeys", map[string]any{}, &got)
	if !got.Valid || got.Message != "Daily domain "+fakeDomain {
		t.Errorf("checkKeys = %+v", got)
	}
	if r := e.fake.requests(); len(r) != 1 || r[0].Method != http.MethodGet || r[0].Path != "/v1/" {
		t.Errorf("requests = %+v, want GET /v1/", r)
	}

	// A key Daily refuses makes the check answer invalid, not fail.
	e.fake.setKey("another-key")
	e.OK("app.checkKeys", map[string]any{}, &got)
	if got.Valid || !strings.Contains(got.Message, "401") {
		t.Errorf("checkKeys with a refused key = %+v, want valid=false", got)
	}
}

// TestProviderFailures drives every method into each failure Daily
// documents and checks the error code, its retryability and the message.
func TestProviderFailures(t *testing.T) {
	calls := []struct {
		method string
		input  any
	}{
		{"video.createMeeting", map[string]any{"event": event("2026-12-01T10:30:00Z")}},
		{"video.updateMeeting", map[string]any{"bookingRef": map[string]any{"type": "daily_video", "uid": "someRoom"}, "event": event("2026-12-01T10:30:00Z")}},
		{"video.deleteMeeting", map[string]any{"uid": "someRoom"}},
		{"app.checkKeys", map[string]any{}},
	}
	failures := []struct {
		name      string
		status    int
		body      string
		header    []string
		code      string
		retryable bool
		message   string
	}{
		{"unauthorized", 401, `{"error":"authentication-error","info":"Invalid API key"}`, nil, "UNAUTHORIZED", false, "401 authentication-error: Invalid API key"},
		{"forbidden", 403, `{"error":"forbidden-error","info":"not allowed"}`, nil, "FORBIDDEN", false, "403 forbidden-error"},
		{"rate limited", 429, `{"error":"rate-limit-error","info":"slow down"}`, []string{"Retry-After", "7"}, "RATE_LIMITED", true, "retry after 7"},
		{"rate limited without Retry-After", 429, `{"error":"rate-limit-error"}`, nil, "RATE_LIMITED", true, "429 rate-limit-error"},
		{"server error", 500, `{"error":"server-error","info":"oops"}`, nil, "UPSTREAM_UNAVAILABLE", true, "500 server-error: oops"},
		{"bad gateway, HTML", 502, `<html>bad gateway</html>`, []string{"Content-Type", "text/html"}, "UPSTREAM_UNAVAILABLE", true, "502"},
		{"unavailable", 503, `{"error":"server-error"}`, []string{"Retry-After", "30"}, "UPSTREAM_UNAVAILABLE", true, "503"},
		{"bad request", 400, `{"error":"invalid-request-error","info":"exp must be in the future"}`, nil, "BAD_REQUEST", false, "exp must be in the future"},
		{"not found", 404, `{"error":"not-found","info":"no such thing"}`, nil, "NOT_FOUND", false, "404 not-found"},
		{"multiple choices", 300, ``, nil, "BAD_RESPONSE", false, "300: unexpected status"},
		// The host follows redirects only inside allowedHosts.
		{"redirect elsewhere", 302, ``, []string{"Location", "https://elsewhere.example/"}, "PERMISSION_DENIED", false, "redirect"},
	}
	for _, c := range calls {
		for _, f := range failures {
			if f.status == 404 && c.method != "video.createMeeting" {
				continue // update recreates and delete succeeds on 404 (tested above)
			}
			t.Run(c.method+"/"+f.name, func(t *testing.T) {
				e := newEnv(t)
				e.fake.inject(f.status, f.body, f.header...)
				res := e.Call(c.method, c.input)
				if c.method == "app.checkKeys" && (f.status == 401 || f.status == 403) {
					var got abi.AppCheckKeysResult
					if res.Envelope.Error != nil || json.Unmarshal(res.Envelope.OK, &got) != nil || got.Valid {
						t.Errorf("checkKeys on %d = %+v, want valid=false", f.status, res.Envelope)
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
				if !strings.Contains(err.Message, f.message) || !strings.HasPrefix(err.Message, "daily: ") {
					t.Errorf("message %q does not say %q", err.Message, f.message)
				}
			})
		}
	}
}

func TestBadResponses(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"not JSON", `rooms!`},
		{"array", `[]`},
		{"no name", `{"url":"https://slotbox-test.daily.co/x"}`},
		{"name with a slash", `{"name":"a/b","url":"https://slotbox-test.daily.co/a"}`},
		{"plain http url", `{"name":"abc","url":"http://slotbox-test.daily.co/abc"}`},
		{"javascript url", `{"name":"abc","url":"javascript:alert(1)"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.inject(200, tc.body)
			err := e.Fail("video.createMeeting", map[string]any{"event": event("2026-12-01T10:30:00Z")})
			if err.Code != abi.CodeAppError || err.AppCode != "BAD_RESPONSE" || err.Retryable {
				t.Errorf("error = %+v, want APP_ERROR[BAD_RESPONSE]", err)
			}
		})
	}
}

// TestRealManifestRefusesOtherHosts runs the module under config.json: the
// host refuses the loopback fake, which is not api.daily.co, before any
// connection, and the guest passes the refusal on.
func TestRealManifestRefusesOtherHosts(t *testing.T) {
	e := newEnvWith(t, "real", realManifest(t), false)
	err := e.Fail("video.createMeeting", map[string]any{"event": event("2026-12-01T10:30:00Z")})
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

// TestAPIKeyStaysInTheHost checks the key never crosses into the guest: the
// guest asks for the credential and the host attaches it on the way out.
func TestAPIKeyStaysInTheHost(t *testing.T) {
	e := newEnv(t)
	var created videoCallData
	e.OK("video.createMeeting", map[string]any{"event": event("2026-12-01T10:30:00Z")}, &created)
	res := e.Call("app.checkKeys", map[string]any{})
	sent := e.Requests()
	if len(sent) != 2 {
		t.Fatalf("guest sent %d requests, want 2", len(sent))
	}
	for _, in := range sent {
		var req struct {
			Auth    string            `json:"auth"`
			Headers map[string]string `json:"headers"`
		}
		if err := json.Unmarshal(in, &req); err != nil {
			t.Fatal(err)
		}
		if req.Auth != "credential" || req.Headers["Authorization"] != "" {
			t.Errorf("request %s: want auth credential and no Authorization header", in)
		}
		if bytes.Contains(in, []byte(testAPIKey)) {
			t.Errorf("request %s carries the API key", in)
		}
	}
	if bytes.Contains(res.Envelope.OK, []byte(testAPIKey)) {
		t.Error("a result carries the API key")
	}
}

func TestNotImplemented(t *testing.T) {
	e := newEnv(t)
	if err := e.Fail("crm.createEvent", map[string]any{}); err.Code != abi.CodeNotImplemented {
		t.Errorf("error = %v, want NOT_IMPLEMENTED", err)
	}
}

// BenchmarkCreateMeeting is a warm video.createMeeting: one POST /v1/rooms
// to the loopback fake through the real host functions.
func BenchmarkCreateMeeting(b *testing.B) {
	e := newEnvWith(b, "test", testManifest(b), true)
	in, _ := json.Marshal(map[string]any{"event": event("2026-12-01T10:30:00Z")})
	e.OK("video.createMeeting", in, nil) // instantiate outside the loop
	b.ReportAllocs()
	for b.Loop() {
		if res := e.Call("video.createMeeting", in); res.Envelope.Error != nil {
			b.Fatal(res.Envelope.Error)
		}
	}
}

// BenchmarkCompile compiles the module under config.json in a new engine.
func BenchmarkCompile(b *testing.B) {
	apptest.BenchCompile(b, apptest.ReadModule(b, slug), realManifest(b))
}

// BenchmarkInstantiate is a call on a fresh instance every time (no pool):
// instantiation and _initialize, plus video.getAvailability, which makes no request.
func BenchmarkInstantiate(b *testing.B) {
	apptest.BenchInstantiate(b, apptest.ReadModule(b, slug), realManifest(b), "video.getAvailability", []byte(`{"dateFrom":"2026-12-01T00:00:00Z","dateTo":"2026-12-02T00:00:00Z"}`), "")
}
