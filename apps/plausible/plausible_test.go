package plausible_test

// These tests load the BUILT module, testdata/wasm/apps/plausible.wasm (run
// apps/plausible/build.sh after changing src/plausible.c), into
// runtime.Engine with the real host functions devhost binds for
// config.json: http_request (the operator allowing the loopback fake with
// --allow-net and plain http) and vault_get over a throwaway SQLite vault.
// The fake follows Plausible's Events API (lib/plausible/ingestion/request.ex
// and PlausibleWeb.Api.ExternalController): POST /api/event, 202 "ok",
// 400 {"errors": {...}} for a missing domain, name or url or an over-long
// path, 202 with x-plausible-dropped for an event it drops (a site it does
// not know, a bot User-Agent). The statuses Plausible itself does not send
// (401, 429, 5xx) are what a proxy or an outage in front of it answers.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/internal/apptest"
	"github.com/slotbox/slotbox/internal/devhost"
	"github.com/slotbox/slotbox/runtime"
)

const modulePath = "../../testdata/wasm/apps/plausible.wasm"

// ----------------------------------------------------------- fake Plausible

// fault is an answer a proxy in front of Plausible gives instead of it.
type fault struct {
	status int
	header map[string]string
	body   string
}

// event is one request the fake received.
type event struct {
	method, path         string
	contentType          string
	userAgent, forwarded string
	body                 map[string]any
	raw                  string
}

// plausible is a loopback Plausible Events API.
type plausible struct {
	srv   *httptest.Server
	sites map[string]bool
	mu    sync.Mutex
	fault *fault
	got   []event
}

func newPlausible(t testing.TB, sites ...string) *plausible {
	p := &plausible{sites: map[string]bool{}}
	for _, s := range sites {
		p.sites[s] = true
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *plausible) setFault(f *fault) { p.mu.Lock(); p.fault = f; p.mu.Unlock() }

func (p *plausible) events() []event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]event(nil), p.got...)
}

func (p *plausible) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	ev := event{method: r.Method, path: r.URL.Path, contentType: r.Header.Get("Content-Type"),
		userAgent: r.Header.Get("User-Agent"), forwarded: r.Header.Get("X-Forwarded-For"), raw: string(raw)}
	_ = json.Unmarshal(raw, &ev.body)
	p.mu.Lock()
	p.got = append(p.got, ev)
	f := p.fault
	p.mu.Unlock()

	if r.URL.Path != "/api/event" || r.Method != http.MethodPost {
		http.Error(w, "Not found", http.StatusNotFound)
		return
	}
	if f != nil {
		for k, v := range f.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(f.status)
		io.WriteString(w, f.body)
		return
	}
	if ev.body == nil {
		badRequest(w, map[string][]string{"request": {"Unable to parse request body as json"}})
		return
	}
	pick := func(short, long string) (string, bool) {
		if v, ok := ev.body[short].(string); ok {
			return v, true
		}
		v, ok := ev.body[long].(string)
		return v, ok
	}
	errs := map[string][]string{}
	name, _ := pick("n", "name")
	if name == "" {
		errs["event_name"] = []string{"can't be blank"}
	}
	url, hasURL := pick("u", "url")
	if !hasURL {
		errs["url"] = []string{"is required"}
	}
	domain, _ := pick("d", "domain")
	if strings.TrimSpace(domain) == "" {
		errs["domain"] = []string{"can't be blank"}
	}
	if path := pathOf(url); len(path) > 2000 {
		errs["pathname"] = []string{"should be at most 2000 character(s)"}
	}
	if len(errs) > 0 {
		badRequest(w, errs)
		return
	}
	dropped := strings.Contains(strings.ToLower(ev.userAgent), "bot")
	for _, d := range strings.Split(domain, ",") {
		if !p.sites[strings.TrimPrefix(strings.TrimSpace(d), "www.")] {
			dropped = true
		}
	}
	if dropped {
		w.Header().Set("x-plausible-dropped", "1")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, "ok")
}

func badRequest(w http.ResponseWriter, errs map[string][]string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": errs})
}

// pathOf is the path of an absolute URL ("/" when it has none).
func pathOf(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return "/"
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return strings.SplitN(rest[i:], "?", 2)[0]
	}
	return "/"
}

// ------------------------------------------------------------------ harness

// compiled is the module compiled once with config.json.
var compiled struct {
	once sync.Once
	app  *runtime.App
	man  *abi.Manifest
	err  error
}

var installations atomic.Int64

func loadApp(tb testing.TB) (*runtime.App, *abi.Manifest) {
	tb.Helper()
	compiled.once.Do(func() {
		b, err := os.ReadFile("config.json")
		if err != nil {
			compiled.err = err
			return
		}
		if compiled.man, err = abi.ParseManifest(b); err != nil {
			compiled.err = fmt.Errorf("config.json: %w", err)
			return
		}
		wasm, err := os.ReadFile(modulePath)
		if err != nil {
			compiled.err = fmt.Errorf("read the built module (run apps/plausible/build.sh): %w", err)
			return
		}
		ctx := context.Background()
		e, err := runtime.NewEngine(ctx, runtime.NewConfig().WithTimeout(30*time.Second))
		if err != nil {
			compiled.err = err
			return
		}
		compiled.app, compiled.err = e.Compile(ctx, wasm, compiled.man)
	})
	if compiled.err != nil {
		tb.Fatal(compiled.err)
	}
	return compiled.app, compiled.man
}

// install is one installation with keys; allow are the loopback host:ports
// the operator lets it reach.
type install struct {
	tb   testing.TB
	app  *runtime.App
	host *devhost.Host
	inst string
}

func newInstall(tb testing.TB, keys map[string]string, allow ...string) *install {
	tb.Helper()
	in := openInstall(tb, keys, allow...)
	tb.Cleanup(in.host.Close)
	return in
}

// openInstall is newInstall without the cleanup: the caller closes in.host.
func openInstall(tb testing.TB, keys map[string]string, allow ...string) *install {
	tb.Helper()
	app, m := loadApp(tb)
	host, err := devhost.New(context.Background(), m, keys, devhost.Options{AllowNet: allow, AllowHTTP: true})
	if err != nil {
		tb.Fatal(err)
	}
	return &install{tb: tb, app: app, host: host, inst: fmt.Sprintf("inst-%d", installations.Add(1))}
}

// fakeKeys are the keys of an installation pointed at p with site domain,
// and the loopback address the operator allows.
func fakeKeys(p *plausible, domain string) (map[string]string, string) {
	return map[string]string{"baseUrl": p.srv.URL, "domain": domain}, strings.TrimPrefix(p.srv.URL, "http://")
}

// forFake installs the app pointed at p with site domain.
func forFake(tb testing.TB, p *plausible, domain string) *install {
	keys, allow := fakeKeys(p, domain)
	return newInstall(tb, keys, allow)
}

func (in *install) call(method, input string) *runtime.Result {
	in.tb.Helper()
	if json.Valid([]byte(input)) {
		if err := abi.ValidateInput(method, []byte(input)); err != nil {
			in.tb.Fatalf("test input of %s breaks its schema: %v", method, err)
		}
	}
	return in.app.Call(context.Background(), runtime.CallRequest{
		Installation: in.inst, Method: method, Input: []byte(input), Funcs: in.host.Funcs,
	})
}

// booking is the data of a booking event: the booking as a CalendarEvent.
const booking = `{"type":"intro","title":"Intro call with Ann","startTime":"2025-05-12T09:00:00Z","endTime":"2025-05-12T09:30:00Z",` +
	`"organizer":{"name":"Olga Organizer","email":"olga@example.com","timeZone":"Europe/Berlin","language":{"locale":"en"}},` +
	`"attendees":[{"name":"Ann Attendee","email":"ann@example.net","timeZone":"UTC","language":{"locale":"en"}}],` +
	`"uid":"booking-uid-1","bookerUrl":"https://cal.example.com"`

// track is an analytics.track input; extra fields join the booking's data.
func track(event, extra string) string {
	data := booking + "}"
	if extra != "" {
		data = booking + "," + extra + "}"
	}
	return fmt.Sprintf(`{"event":%q,"data":%s}`, event, data)
}

// -------------------------------------------------------------------- tests

func TestManifest(t *testing.T) {
	_, m := loadApp(t)
	if m.Category() != abi.CategoryAnalytics || m.Credential != nil || m.Permissions.KV {
		t.Fatalf("category %q credential %+v kv %v", m.Category(), m.Credential, m.Permissions.KV)
	}
	if got := m.Permissions.HTTP.AllowedHosts; len(got) != 1 || got[0] != "{{keys.baseUrl}}" {
		t.Fatalf("allowedHosts = %v", got)
	}
	for _, tc := range []struct {
		keys string
		ok   bool
	}{
		{`{"baseUrl":"https://plausible.io","domain":"example.com"}`, true},
		{`{"baseUrl":"https://stats.example.com/plausible","domain":"shop.example.co.uk"}`, true},
		{`{"baseUrl":"https://plausible.io"}`, false},
		{`{"domain":"example.com"}`, false},
		{`{"baseUrl":"https://plausible.io","domain":"https://example.com"}`, false},
		{`{"baseUrl":"https://plausible.io","domain":"Example.com"}`, false},
		{`{"baseUrl":"ftp://plausible.io","domain":"example.com"}`, false},
		{`{"baseUrl":"https://user@plausible.io","domain":"example.com"}`, false},
	} {
		if err := m.ValidateKeys([]byte(tc.keys)); (err == nil) != tc.ok {
			t.Errorf("ValidateKeys(%s) = %v, want ok=%v", tc.keys, err, tc.ok)
		}
	}
	for _, tc := range []struct {
		data string
		ok   bool
	}{
		{`{}`, true},
		{`{"domain":"example.com","goal":"Booking"}`, true},
		{`{"goal":""}`, false},
		{`{"goal":"` + strings.Repeat("g", 121) + `"}`, false},
		{`{"domain":"example.com/path"}`, false},
		{`{"webhook":"x"}`, false},
	} {
		if err := m.ValidateAppData([]byte(tc.data)); (err == nil) != tc.ok {
			t.Errorf("ValidateAppData(%s) = %v, want ok=%v", tc.data, err, tc.ok)
		}
	}
}

func TestTrack(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		input                string
		event                string
		wantName, wantDomain string
		wantURL              string
		wantUA, wantIP       string
	}{
		{"trigger as goal", track("BOOKING_CREATED", ""),
			"BOOKING_CREATED", "BOOKING_CREATED", "example.com", "https://cal.example.com", "Slotbox-Plausible/1.0", "127.0.0.1"},
		{"appData goal and domain", track("BOOKING_CANCELLED", `"appData":{"goal":"Booking cancelled","domain":"shop.example.com"}`),
			"BOOKING_CANCELLED", "Booking cancelled", "shop.example.com", "https://cal.example.com", "Slotbox-Plausible/1.0", "127.0.0.1"},
		{"booker's page, browser and address", track("BOOKING_CREATED", `"url":"https://cal.example.com/olga/intro?month=2025-05","userAgent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0","ip":"203.0.113.9"`),
			"BOOKING_CREATED", "BOOKING_CREATED", "example.com", "https://cal.example.com/olga/intro?month=2025-05", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "203.0.113.9"},
		{"unusable hints fall back", track("BOOKING_CREATED", `"url":"javascript:alert(1)","userAgent":"a\u0007b","ip":"203.0.113.9, 10.0.0.1","appData":null`),
			"BOOKING_CREATED", "BOOKING_CREATED", "example.com", "https://cal.example.com", "Slotbox-Plausible/1.0", "127.0.0.1"},
		{"no booker url", `{"event":"BOOKING_PAID","data":{"type":"intro"}}`,
			"BOOKING_PAID", "BOOKING_PAID", "example.com", "https://example.com/", "Slotbox-Plausible/1.0", "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlausible(t, "example.com", "shop.example.com")
			in := forFake(t, p, "example.com")
			if got := apptest.WantOK(t, abi.MethodAnalyticsTrack, in.call(abi.MethodAnalyticsTrack, tc.input)); len(got) != 0 {
				t.Fatalf("track = %v, want {}", got)
			}
			evs := p.events()
			if len(evs) != 1 {
				t.Fatalf("fake got %d requests, want 1", len(evs))
			}
			ev := evs[0]
			if ev.method != http.MethodPost || ev.path != "/api/event" || ev.contentType != "application/json" {
				t.Fatalf("request %s %s content-type %q", ev.method, ev.path, ev.contentType)
			}
			if ev.userAgent != tc.wantUA || ev.forwarded != tc.wantIP {
				t.Fatalf("User-Agent %q X-Forwarded-For %q, want %q %q", ev.userAgent, ev.forwarded, tc.wantUA, tc.wantIP)
			}
			want := map[string]any{"name": tc.wantName, "domain": tc.wantDomain, "url": tc.wantURL,
				"props": map[string]any{"event": tc.event, "eventType": "intro"}}
			if !reflect.DeepEqual(ev.body, want) {
				t.Fatalf("body = %v\nwant   %v", ev.body, want)
			}
			for _, personal := range []string{"olga@example.com", "ann@example.net", "Ann Attendee", "Olga Organizer", "booking-uid-1", "Intro call"} {
				if strings.Contains(ev.raw, personal) {
					t.Fatalf("the event carries personal data %q: %s", personal, ev.raw)
				}
			}
		})
	}
}

// TestTrackFailures checks every way the event can fail to be counted: each
// answers an error with a clear code, retryable only where a retry can help.
func TestTrackFailures(t *testing.T) {
	longPath := `"url":"https://cal.example.com/` + strings.Repeat("p", 2100) + `"`
	for _, tc := range []struct {
		name      string
		domain    string // the domain key
		input     string
		fault     *fault
		code      abi.Code
		appCode   string
		retryable bool
		msg       string
		requests  int
	}{
		{"unknown site is dropped", "unknown.example.org", track("BOOKING_CREATED", ""), nil,
			abi.CodeAppError, "EVENT_DROPPED", false, "unknown.example.org", 1},
		{"bot user agent is dropped", "example.com", track("BOOKING_CREATED", `"userAgent":"Googlebot/2.1"`), nil,
			abi.CodeAppError, "EVENT_DROPPED", false, "dropped", 1},
		{"400 from plausible", "example.com", track("BOOKING_CREATED", longPath), nil,
			abi.CodeAppError, "EVENT_REJECTED", false, "pathname should be at most 2000 character(s)", 1},
		{"401", "example.com", track("BOOKING_CREATED", ""), &fault{status: 401, body: "Unauthorized"},
			abi.CodeAppError, "UNAUTHORIZED", false, "(401): Unauthorized", 1},
		{"403", "example.com", track("BOOKING_CREATED", ""), &fault{status: 403, body: "Forbidden"},
			abi.CodeAppError, "UNAUTHORIZED", false, "(403)", 1},
		{"429 with Retry-After", "example.com", track("BOOKING_CREATED", ""),
			&fault{status: 429, header: map[string]string{"Retry-After": "30"}, body: "Too Many Requests"},
			abi.CodeAppError, "UPSTREAM_RATE_LIMITED", true, "retry after 30", 1},
		{"500", "example.com", track("BOOKING_CREATED", ""), &fault{status: 500, body: "Internal Server Error"},
			abi.CodeAppError, "UPSTREAM_UNAVAILABLE", true, "(500): Internal Server Error", 1},
		{"503", "example.com", track("BOOKING_CREATED", ""), &fault{status: 503, body: "<html>\n<h1>down</h1></html>"},
			abi.CodeAppError, "UPSTREAM_UNAVAILABLE", true, "(503): <html> <h1>down</h1></html>", 1},
		{"long error body is clipped on a character", "example.com", track("BOOKING_CREATED", ""),
			&fault{status: 502, body: "x" + strings.Repeat("é", 300)},
			abi.CodeAppError, "UPSTREAM_UNAVAILABLE", true, "éé...", 1},
		{"301 without location", "example.com", track("BOOKING_CREATED", ""), &fault{status: 301},
			abi.CodeAppError, "UPSTREAM_ERROR", false, "answered 301", 1},
		{"no domain anywhere", "", track("BOOKING_CREATED", ""), nil,
			abi.CodeAppError, "NOT_CONFIGURED", false, "domain", 0},
		{"malformed domain key", "https://example.com", track("BOOKING_CREATED", ""), nil,
			abi.CodeAppError, "INVALID_SETTINGS", false, "the domain key", 0},
		{"malformed appData domain", "example.com", track("BOOKING_CREATED", `"appData":{"domain":"Shop.Example.com"}`), nil,
			abi.CodeAppError, "INVALID_SETTINGS", false, "appData.domain", 0},
		{"overlong goal", "example.com", track("BOOKING_CREATED", `"appData":{"goal":"`+strings.Repeat("g", 121)+`"}`), nil,
			abi.CodeAppError, "INVALID_SETTINGS", false, "goal", 0},
		{"appData not an object", "example.com", track("BOOKING_CREATED", `"appData":"x"`), nil,
			abi.CodeInvalidInput, "", false, "appData", 0},
		{"data not an object", "example.com", `{"event":"BOOKING_CREATED","data":[]}`, nil,
			abi.CodeInvalidInput, "", false, "data", 0},
		{"no event", "example.com", `{"data":{}}`, nil,
			abi.CodeInvalidInput, "", false, "event", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlausible(t, "example.com")
			p.setFault(tc.fault)
			keys := map[string]string{"baseUrl": p.srv.URL}
			if tc.domain != "" {
				keys["domain"] = tc.domain
			}
			in := newInstall(t, keys, strings.TrimPrefix(p.srv.URL, "http://"))
			res := in.app.Call(context.Background(), runtime.CallRequest{
				Installation: in.inst, Method: abi.MethodAnalyticsTrack, Input: []byte(tc.input), Funcs: in.host.Funcs,
			})
			apptest.WantError(t, res, tc.code, tc.appCode, tc.retryable, tc.msg)
			if n := len(p.events()); n != tc.requests {
				t.Fatalf("fake got %d requests, want %d", n, tc.requests)
			}
		})
	}
}

// TestTrackHostFailures checks what the host answers before Plausible does.
func TestTrackHostFailures(t *testing.T) {
	t.Run("wrong path is 404", func(t *testing.T) {
		p := newPlausible(t, "example.com")
		in := newInstall(t, map[string]string{"baseUrl": p.srv.URL + "/not-plausible", "domain": "example.com"},
			strings.TrimPrefix(p.srv.URL, "http://"))
		apptest.WantError(t, in.call(abi.MethodAnalyticsTrack, track("BOOKING_CREATED", "")),
			abi.CodeAppError, "NOT_FOUND", false, "no Plausible Events API")
		if evs := p.events(); len(evs) != 1 || evs[0].path != "/not-plausible/api/event" {
			t.Fatalf("requests %+v", evs)
		}
	})
	t.Run("server down is a retryable network error", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		in := newInstall(t, map[string]string{"baseUrl": "http://" + addr, "domain": "example.com"}, addr)
		apptest.WantError(t, in.call(abi.MethodAnalyticsTrack, track("BOOKING_CREATED", "")),
			abi.CodeAppError, string(abi.CodeNetworkError), true, "")
	})
	t.Run("address policy refuses loopback the operator did not allow", func(t *testing.T) {
		p := newPlausible(t, "example.com")
		in := newInstall(t, map[string]string{"baseUrl": p.srv.URL, "domain": "example.com"})
		apptest.WantError(t, in.call(abi.MethodAnalyticsTrack, track("BOOKING_CREATED", "")),
			abi.CodeAppError, string(abi.CodePermissionDenied), false, "")
		if n := len(p.events()); n != 0 {
			t.Fatalf("the fake got %d requests", n)
		}
	})
}

func TestIdentifySendsNothing(t *testing.T) {
	p := newPlausible(t, "example.com")
	in := forFake(t, p, "example.com")
	got := apptest.WantOK(t, abi.MethodAnalyticsIdentify,
		in.call(abi.MethodAnalyticsIdentify, `{"userId":"42","traits":{"email":"ann@example.net"}}`))
	if len(got) != 0 || len(p.events()) != 0 {
		t.Fatalf("identify = %v with %d requests, want {} and none", got, len(p.events()))
	}
}

func TestCheckKeys(t *testing.T) {
	for _, tc := range []struct {
		name  string
		keys  map[string]string
		valid bool
		msg   string
	}{
		{"valid", map[string]string{"baseUrl": "https://plausible.io", "domain": "example.com"}, true, ""},
		{"self-hosted under a path", map[string]string{"baseUrl": "https://stats.example.com/plausible/", "domain": "a.example.com"}, true, ""},
		{"no domain", map[string]string{"baseUrl": "https://plausible.io"}, false, "domain key is missing"},
		{"domain with scheme", map[string]string{"baseUrl": "https://plausible.io", "domain": "https://example.com"}, false, "site domain"},
		{"upper-case domain", map[string]string{"baseUrl": "https://plausible.io", "domain": "Example.com"}, false, "lower case"},
		{"domain ends with a dot", map[string]string{"baseUrl": "https://plausible.io", "domain": "example.com."}, false, "site domain"},
		{"baseUrl with a query", map[string]string{"baseUrl": "https://plausible.io/?x=1", "domain": "example.com"}, false, "baseUrl"},
		{"baseUrl with user info", map[string]string{"baseUrl": "https://me@plausible.io", "domain": "example.com"}, false, "baseUrl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := newInstall(t, tc.keys)
			got := apptest.WantOK(t, abi.MethodAppCheckKeys, in.call(abi.MethodAppCheckKeys, `{}`))
			msg, _ := got["message"].(string)
			if got["valid"] != tc.valid || !strings.Contains(msg, tc.msg) {
				t.Fatalf("checkKeys = %v, want valid=%v message containing %q", got, tc.valid, tc.msg)
			}
		})
	}
}

// ---------------------------------------------------------------- benchmarks

// BenchmarkMainTrack is a warm analytics.track against the loopback fake,
// with the real http_request and vault_get. devhost's HTTP client keeps the
// server's default rate limit (burst 20), so the host is rebuilt, outside
// the timer, every 15 calls.
func BenchmarkMainTrack(b *testing.B) {
	p := newPlausible(b, "example.com")
	input := track("BOOKING_CREATED", `"appData":{"goal":"Booking"}`)
	keys, allow := fakeKeys(p, "example.com")
	var in *install
	b.Cleanup(func() {
		if in != nil {
			in.host.Close()
		}
	})
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		if n%15 == 0 {
			b.StopTimer()
			if in != nil {
				in.host.Close()
			}
			in = openInstall(b, keys, allow)
			in.call(abi.MethodAnalyticsIdentify, `{"userId":"1","traits":{}}`) // instantiate
			b.StartTimer()
		}
		n++
		if res := in.call(abi.MethodAnalyticsTrack, input); res.Envelope.Error != nil {
			b.Fatal(res.Envelope.Error)
		}
	}
}

// BenchmarkCompile is Engine.Compile of the module on a fresh engine.
func BenchmarkCompile(b *testing.B) {
	_, m := loadApp(b)
	apptest.BenchCompile(b, apptest.ReadModule(b, "plausible"), m)
}

// BenchmarkInstantiate is the first call of a new installation: a new
// instance (instantiation and _initialize) and analytics.identify, which
// makes no host call.
func BenchmarkInstantiate(b *testing.B) {
	_, m := loadApp(b)
	apptest.BenchInstantiate(b, apptest.ReadModule(b, "plausible"), m, abi.MethodAnalyticsIdentify, []byte(`{"userId":"1","traits":{}}`), "")
}
