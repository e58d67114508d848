package make_test

// These tests load the BUILT module, testdata/wasm/apps/make.wasm (run
// apps/make/build.sh after changing src/make.c), into runtime.Engine with
// the real host functions devhost binds: http_request and vault_get over a
// throwaway SQLite vault.
//
// config.json allows *.make.com, which never resolves to the loopback fake,
// and the tests dial nothing but 127.0.0.1. So the delivery tests compile the
// same module with a test manifest that differs from config.json only in
// allowing "{{keys.webhookUrl}}" (the fake's address), and the tests with
// config.json itself check what happens before any connection: its keys, a
// webhook URL outside *.make.com refused with PERMISSION_DENIED, and checkKeys.
//
// The fake answers as Make's webhooks are documented to: 200 "Accepted";
// 410 "There is no scenario listening for this webhook." for a scenario that
// is off; 400 "Queue is full." and 400 for a payload the webhook's data
// structure refuses; 401 for a webhook with an API key; 429 over the rate
// limit; 5xx in an outage.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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

const modulePath = "../../testdata/wasm/apps/make.wasm"

// ---------------------------------------------------------------- fake Make

// hook is the state of one webhook of the fake.
type hook int

const (
	hookActive    hook = iota // a scenario listens: 200 Accepted
	hookOff                   // the scenario is off: 410
	hookQueueFull             // the queue is full: 400 Queue is full.
	hookStrict                // a data structure requiring payload.uid: 400 when it is missing
	hookAPIKey                // an API key is required: 401 without x-make-apikey
)

// fault is an answer given instead of the webhook's.
type fault struct {
	status int
	header map[string]string
	body   string
}

// delivery is one request the fake received.
type delivery struct {
	method, path, contentType, userAgent string
	body                                 string
}

type makeFake struct {
	srv   *httptest.Server
	mu    sync.Mutex
	hooks map[string]hook
	fault *fault
	got   []delivery
}

func newMake(tb testing.TB) *makeFake {
	f := &makeFake{hooks: map[string]hook{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.srv.Close)
	return f
}

// add registers a webhook and returns its URL.
func (f *makeFake) add(token string, h hook) string {
	f.mu.Lock()
	f.hooks[token] = h
	f.mu.Unlock()
	return f.srv.URL + "/" + token
}

func (f *makeFake) setFault(ft *fault) { f.mu.Lock(); f.fault = ft; f.mu.Unlock() }

func (f *makeFake) deliveries() []delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]delivery(nil), f.got...)
}

func (f *makeFake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	f.mu.Lock()
	f.got = append(f.got, delivery{method: r.Method, path: r.URL.Path, contentType: r.Header.Get("Content-Type"),
		userAgent: r.Header.Get("User-Agent"), body: string(body)})
	h, known := f.hooks[strings.TrimPrefix(r.URL.Path, "/")]
	ft := f.fault
	f.mu.Unlock()

	text := func(status int, s string) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, s)
	}
	switch {
	case ft != nil:
		for k, v := range ft.header {
			w.Header().Set(k, v)
		}
		text(ft.status, ft.body)
	case !known:
		text(http.StatusNotFound, "Not Found")
	case h == hookOff:
		text(http.StatusGone, "There is no scenario listening for this webhook.")
	case h == hookQueueFull:
		text(http.StatusBadRequest, "Queue is full.")
	case h == hookAPIKey && r.Header.Get("x-make-apikey") == "":
		text(http.StatusUnauthorized, "Unauthorized")
	case h == hookStrict:
		var v struct {
			Payload struct {
				UID *string `json:"uid"`
			} `json:"payload"`
		}
		if json.Unmarshal(body, &v) != nil || v.Payload.UID == nil {
			text(http.StatusBadRequest, "Missing value of required parameter 'payload.uid'.")
			return
		}
		text(http.StatusOK, "Accepted")
	default:
		text(http.StatusOK, "Accepted")
	}
}

// ------------------------------------------------------------------ harness

// apps holds the module compiled once with config.json and once with the
// test manifest.
var apps struct {
	once       sync.Once
	real, test *runtime.App
	err        error
}

var installations atomic.Int64

// testManifest is config.json with allowedHosts ["{{keys.webhookUrl}}"] and
// no URL pattern, so the fake on 127.0.0.1 is reachable; nothing else differs.
func testManifest(config []byte) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(config, &m); err != nil {
		return nil, err
	}
	m["permissions"].(map[string]any)["http"] = map[string]any{"allowedHosts": []string{"{{keys.webhookUrl}}"}}
	delete(m["keysSchema"].(map[string]any)["properties"].(map[string]any)["webhookUrl"].(map[string]any), "pattern")
	return json.Marshal(m)
}

func loadApps(tb testing.TB) (real, test *runtime.App) {
	tb.Helper()
	apps.once.Do(func() {
		config, err := os.ReadFile("config.json")
		if err != nil {
			apps.err = err
			return
		}
		realM, err := abi.ParseManifest(config)
		if err != nil {
			apps.err = fmt.Errorf("config.json: %w", err)
			return
		}
		tm, err := testManifest(config)
		if err != nil {
			apps.err = err
			return
		}
		testM, err := abi.ParseManifest(tm)
		if err != nil {
			apps.err = fmt.Errorf("test manifest: %w", err)
			return
		}
		wasm, err := os.ReadFile(modulePath)
		if err != nil {
			apps.err = fmt.Errorf("read the built module (run apps/make/build.sh): %w", err)
			return
		}
		ctx := context.Background()
		e, err := runtime.NewEngine(ctx, runtime.NewConfig().WithTimeout(30*time.Second))
		if err != nil {
			apps.err = err
			return
		}
		if apps.real, err = e.Compile(ctx, wasm, realM); err != nil {
			apps.err = err
			return
		}
		apps.test, apps.err = e.Compile(ctx, wasm, testM)
	})
	if apps.err != nil {
		tb.Fatal(apps.err)
	}
	return apps.real, apps.test
}

type install struct {
	tb   testing.TB
	app  *runtime.App
	host *devhost.Host
	inst string
}

// openInstall binds the host functions of app's manifest for keys; allow
// are the loopback addresses the operator lets it reach. The caller closes
// in.host.
func openInstall(tb testing.TB, app *runtime.App, keys map[string]string, allow ...string) *install {
	tb.Helper()
	host, err := devhost.New(context.Background(), app.Manifest(), keys, devhost.Options{AllowNet: allow, AllowHTTP: len(allow) > 0})
	if err != nil {
		tb.Fatal(err)
	}
	return &install{tb: tb, app: app, host: host, inst: fmt.Sprintf("inst-%d", installations.Add(1))}
}

func newInstall(tb testing.TB, app *runtime.App, keys map[string]string, allow ...string) *install {
	in := openInstall(tb, app, keys, allow...)
	tb.Cleanup(in.host.Close)
	return in
}

// toFake installs the test-manifest app with webhookUrl url on f.
func toFake(tb testing.TB, f *makeFake, url string) *install {
	_, test := loadApps(tb)
	return newInstall(tb, test, map[string]string{"webhookUrl": url}, strings.TrimPrefix(f.srv.URL, "http://"))
}

func (in *install) call(method, input string) *runtime.Result {
	in.tb.Helper()
	return in.app.Call(context.Background(), runtime.CallRequest{
		Installation: in.inst, Method: method, Input: []byte(input), Funcs: in.host.Funcs,
	})
}

// booking is a BOOKING_CREATED payload as Cal.com's webhooks send it, with
// numbers that must arrive exactly as written.
const booking = `{"type":"intro","title":"Intro call with Ann","startTime":"2025-05-12T09:00:00Z","endTime":"2025-05-12T09:30:00Z",` +
	`"organizer":{"name":"Olga","email":"olga@example.com","timeZone":"Europe/Berlin","language":{"locale":"en"},"utcOffset":120},` +
	`"attendees":[{"name":"Ann","email":"ann@example.net","timeZone":"UTC","language":{"locale":"en"},"utcOffset":0}],` +
	`"uid":"booking-uid-1","bookingId":12345678901234567,"price":1.50,"currency":"eur","length":30,"status":"ACCEPTED",` +
	`"metadata":{"videoCallUrl":"https://meet.jit.si/abc"},"responses":{"notes":{"label":"Notes","value":"line 1\nline \"2\" \u00e9 \ud83d\ude00 </script>"}}}`

func trigger(event, payload string) string {
	return fmt.Sprintf(`{"triggerEvent":%q,"createdAt":"2025-05-12T08:59:59.123Z","payload":%s}`, event, payload)
}

// --------------------------------------------------------------------- tests

func TestManifest(t *testing.T) {
	real, _ := loadApps(t)
	m := real.Manifest()
	if m.Category() != abi.CategoryAutomation || m.Credential != nil || m.Permissions.KV || len(m.AppDataSchema) != 0 {
		t.Fatalf("category %q credential %+v kv %v appDataSchema %s", m.Category(), m.Credential, m.Permissions.KV, m.AppDataSchema)
	}
	if got := m.Permissions.HTTP.AllowedHosts; !reflect.DeepEqual(got, []string{"*.make.com"}) {
		t.Fatalf("allowedHosts = %v", got)
	}
	if got := m.Permissions.Vault.Reveal; !reflect.DeepEqual(got, []string{"webhookUrl"}) {
		t.Fatalf("reveal = %v", got)
	}
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://hook.eu1.make.com/abcdefgh1234567890abcdefgh123456", true},
		{"https://hook.us2.make.com/Ab_cd-ef12", true},
		{"https://hook.make.com/abcdefgh1234", true},
		{"http://hook.eu1.make.com/abcdefgh1234", false},
		{"https://hook.eu1.make.com.evil.example/abcdefgh1234", false},
		{"https://hooks.example.com/abcdefgh1234", false},
		{"https://hook.eu1.make.com/abcdefgh1234?x=1", false},
		{"https://hook.eu1.make.com/short", false},
		{"https://user@hook.eu1.make.com/abcdefgh1234", false},
	} {
		keys, _ := json.Marshal(map[string]string{"webhookUrl": tc.url})
		if err := m.ValidateKeys(keys); (err == nil) != tc.ok {
			t.Errorf("ValidateKeys(%s) = %v, want ok=%v", tc.url, err, tc.ok)
		}
	}
	if err := m.ValidateKeys([]byte(`{}`)); err == nil {
		t.Error("ValidateKeys({}) accepted keys without webhookUrl")
	}
}

func TestOnTriggerForwards(t *testing.T) {
	big := `{"uid":"big","blob":"` + strings.Repeat("0123456789abcdef", 20000) + `"}` // 320 KB
	for _, tc := range []struct {
		name, input string
		exact       []string // text the forwarded body must hold byte for byte
	}{
		{"booking created", trigger("BOOKING_CREATED", booking),
			[]string{`12345678901234567`, `1.50`, `"createdAt":"2025-05-12T08:59:59.123Z"`}},
		{"form submitted", trigger("FORM_SUBMITTED", `{"formId":"f1","responses":{"email":{"value":"x@example.com"}}}`), nil},
		{"large payload", trigger("BOOKING_RESCHEDULED", big), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := abi.ValidateInput(abi.MethodAutomationOnTrigger, []byte(tc.input)); err != nil {
				t.Fatalf("test input breaks the schema: %v", err)
			}
			f := newMake(t)
			in := toFake(t, f, f.add("abcdefgh1234567890", hookActive))
			if got := apptest.WantOK(t, abi.MethodAutomationOnTrigger, in.call(abi.MethodAutomationOnTrigger, tc.input)); len(got) != 0 {
				t.Fatalf("onTrigger = %v, want {}", got)
			}
			ds := f.deliveries()
			if len(ds) != 1 {
				t.Fatalf("fake got %d requests, want 1", len(ds))
			}
			d := ds[0]
			if d.method != http.MethodPost || d.path != "/abcdefgh1234567890" || d.contentType != "application/json" || d.userAgent != "Slotbox-Make/1.0" {
				t.Fatalf("request %s %s content-type %q user-agent %q", d.method, d.path, d.contentType, d.userAgent)
			}
			var sent, want any
			if err := json.Unmarshal([]byte(d.body), &sent); err != nil {
				t.Fatalf("forwarded body is not JSON: %v", err)
			}
			_ = json.Unmarshal([]byte(tc.input), &want)
			if !reflect.DeepEqual(sent, want) {
				t.Fatalf("forwarded body differs from the trigger:\n%.300s\nwant\n%.300s", d.body, tc.input)
			}
			for _, s := range tc.exact {
				if !strings.Contains(d.body, s) {
					t.Fatalf("forwarded body lost %q: %.400s", s, d.body)
				}
			}
		})
	}
}

// TestOnTriggerFailures checks that every answer but a 2xx is an error with
// a clear code, retryable only where waiting helps, never a silent success.
func TestOnTriggerFailures(t *testing.T) {
	input := trigger("BOOKING_CREATED", booking)
	for _, tc := range []struct {
		name      string
		hook      hook
		token     string // "" registers "tok12345678"
		fault     *fault
		input     string
		code      abi.Code
		appCode   string
		retryable bool
		msg       string
		requests  int
	}{
		{"scenario off (410)", hookOff, "", nil, input,
			abi.CodeAppError, "NO_SCENARIO", false, "410: There is no scenario listening for this webhook.", 1},
		{"no scenario listening (400)", hookActive, "", &fault{status: 400, body: "There is no scenario listening for this webhook."}, input,
			abi.CodeAppError, "NO_SCENARIO", false, "turn the scenario on", 1},
		{"no scenario listening (404)", hookActive, "", &fault{status: 404, body: "There is no scenario listening for this webhook."}, input,
			abi.CodeAppError, "NO_SCENARIO", false, "turn the scenario on", 1},
		{"queue full", hookQueueFull, "", nil, input,
			abi.CodeAppError, "QUEUE_FULL", true, "400: Queue is full.", 1},
		{"data structure refuses", hookStrict, "", nil, trigger("FORM_SUBMITTED", `{"formId":"f1"}`),
			abi.CodeAppError, "REJECTED", false, "required parameter 'payload.uid'", 1},
		{"api key required", hookAPIKey, "", nil, input,
			abi.CodeAppError, "UNAUTHORIZED", false, "401: Unauthorized", 1},
		{"forbidden", hookActive, "", &fault{status: 403, body: "Forbidden"}, input,
			abi.CodeAppError, "UNAUTHORIZED", false, "403", 1},
		{"unknown webhook", hookActive, "other12345678", nil, input,
			abi.CodeAppError, "NOT_FOUND", false, "404: Not Found", 1},
		{"429 with Retry-After", hookActive, "", &fault{status: 429, header: map[string]string{"Retry-After": "10"}, body: "Too Many Requests"}, input,
			abi.CodeAppError, "UPSTREAM_RATE_LIMITED", true, "retry after 10", 1},
		{"429 without Retry-After", hookActive, "", &fault{status: 429, body: "Too Many Requests"}, input,
			abi.CodeAppError, "UPSTREAM_RATE_LIMITED", true, "429: Too Many Requests", 1},
		{"500", hookActive, "", &fault{status: 500, body: "Internal Server Error"}, input,
			abi.CodeAppError, "UPSTREAM_UNAVAILABLE", true, "500", 1},
		{"502 with html", hookActive, "", &fault{status: 502, body: "<html>\r\n<body>Bad Gateway</body>\r\n</html>"}, input,
			abi.CodeAppError, "UPSTREAM_UNAVAILABLE", true, "502: <html> <body>Bad Gateway</body> </html>", 1},
		{"503", hookActive, "", &fault{status: 503, body: "Service Unavailable"}, input,
			abi.CodeAppError, "UPSTREAM_UNAVAILABLE", true, "503", 1},
		{"unexpected status", hookActive, "", &fault{status: 418, body: strings.Repeat("€", 200)}, input,
			abi.CodeAppError, "UPSTREAM_ERROR", false, "€€...", 1},
		{"no triggerEvent", hookActive, "", nil, `{"createdAt":"2025-05-12T08:59:59Z","payload":{}}`,
			abi.CodeInvalidInput, "", false, "triggerEvent", 0},
		{"no createdAt", hookActive, "", nil, `{"triggerEvent":"BOOKING_CREATED","payload":{}}`,
			abi.CodeInvalidInput, "", false, "createdAt", 0},
		{"payload not an object", hookActive, "", nil, `{"triggerEvent":"BOOKING_CREATED","createdAt":"2025-05-12T08:59:59Z","payload":[1]}`,
			abi.CodeInvalidInput, "", false, "payload", 0},
		{"not json", hookActive, "", nil, `{"triggerEvent":`,
			abi.CodeInvalidInput, "", false, "not valid JSON", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newMake(t)
			url := f.add("tok12345678", tc.hook)
			if tc.token != "" {
				url = f.srv.URL + "/" + tc.token
			}
			f.setFault(tc.fault)
			in := toFake(t, f, url)
			apptest.WantError(t, in.call(abi.MethodAutomationOnTrigger, tc.input), tc.code, tc.appCode, tc.retryable, tc.msg)
			if n := len(f.deliveries()); n != tc.requests {
				t.Fatalf("fake got %d requests, want %d", n, tc.requests)
			}
		})
	}
}

// TestRealManifest runs the module with config.json itself: only *.make.com
// over https is reachable, so any other webhook URL is refused by the host
// before a connection is made.
func TestRealManifest(t *testing.T) {
	real, _ := loadApps(t)
	input := trigger("BOOKING_CREATED", booking)
	for _, tc := range []struct {
		name      string
		url       string // "" means no webhookUrl key
		code      abi.Code
		appCode   string
		retryable bool
		msg       string
	}{
		{"another host", "https://hooks.example.com/abcdefgh1234", abi.CodeAppError, string(abi.CodePermissionDenied), false, "hooks.example.com"},
		{"make.com itself", "https://make.com/abcdefgh1234", abi.CodeAppError, string(abi.CodePermissionDenied), false, "make.com"},
		{"lookalike suffix", "https://hook.eu1.make.com.evil.example/abcdefgh1234", abi.CodeAppError, string(abi.CodePermissionDenied), false, "evil.example"},
		{"plain http", "http://hook.eu1.make.com/abcdefgh1234", abi.CodeAppError, string(abi.CodePermissionDenied), false, ""},
		{"other port", "https://hook.eu1.make.com:8443/abcdefgh1234", abi.CodeAppError, string(abi.CodePermissionDenied), false, ""},
		{"loopback", "https://127.0.0.1/abcdefgh1234", abi.CodeAppError, string(abi.CodePermissionDenied), false, ""},
		{"no webhook", "", abi.CodeAppError, "NOT_CONFIGURED", false, "webhookUrl"},
		{"not a url", "hook.eu1.make.com/abcdefgh1234", abi.CodeAppError, "INVALID_SETTINGS", false, "webhookUrl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := map[string]string{}
			if tc.url != "" {
				keys["webhookUrl"] = tc.url
			}
			in := newInstall(t, real, keys)
			apptest.WantError(t, in.call(abi.MethodAutomationOnTrigger, input), tc.code, tc.appCode, tc.retryable, tc.msg)
		})
	}
}

func TestCheckKeys(t *testing.T) {
	real, _ := loadApps(t)
	for _, tc := range []struct {
		name  string
		url   string
		valid bool
	}{
		{"eu1", "https://hook.eu1.make.com/abcdefgh1234567890abcdefgh123456", true},
		{"us2", "https://hook.us2.make.com/Ab_cd-ef12", true},
		{"no region", "https://hook.make.com/abcdefgh1234", true},
		{"missing", "", false},
		{"http", "http://hook.eu1.make.com/abcdefgh1234", false},
		{"other host", "https://hooks.example.com/abcdefgh1234", false},
		{"lookalike", "https://hook.eu1.make.com.evil.example/abcdefgh1234", false},
		{"short token", "https://hook.eu1.make.com/abc", false},
		{"query", "https://hook.eu1.make.com/abcdefgh1234?x=1", false},
		{"path", "https://hook.eu1.make.com/abcdefgh1234/more", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := map[string]string{}
			if tc.url != "" {
				keys["webhookUrl"] = tc.url
			}
			in := newInstall(t, real, keys)
			got := apptest.WantOK(t, abi.MethodAppCheckKeys, in.call(abi.MethodAppCheckKeys, `{}`))
			msg, _ := got["message"].(string)
			if got["valid"] != tc.valid || (!tc.valid && !strings.Contains(msg, "webhookUrl")) {
				t.Fatalf("checkKeys = %v, want valid=%v", got, tc.valid)
			}
		})
	}
}

// ---------------------------------------------------------------- benchmarks

// BenchmarkMainOnTrigger is a warm automation.onTrigger of a booking against
// the loopback fake with the real http_request and vault_get. devhost's
// HTTP client keeps the server's default rate limit (burst 20), so the host
// is rebuilt, outside the timer, every 15 calls.
func BenchmarkMainOnTrigger(b *testing.B) {
	f := newMake(b)
	url := f.add("abcdefgh1234567890", hookActive)
	_, test := loadApps(b)
	input := trigger("BOOKING_CREATED", booking)
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
			in = openInstall(b, test, map[string]string{"webhookUrl": url}, strings.TrimPrefix(f.srv.URL, "http://"))
			in.call(abi.MethodAutomationOnTrigger, `{}`) // instantiate
			b.StartTimer()
		}
		n++
		if res := in.call(abi.MethodAutomationOnTrigger, input); res.Envelope.Error != nil {
			b.Fatal(res.Envelope.Error)
		}
	}
}

// BenchmarkCompile is Engine.Compile of the module on a fresh engine.
func BenchmarkCompile(b *testing.B) {
	real, _ := loadApps(b)
	apptest.BenchCompile(b, apptest.ReadModule(b, "make"), real.Manifest())
}

// BenchmarkInstantiate is the first call of a new installation: a new
// instance (instantiation and _initialize) and an onTrigger that the app
// refuses before any host call (INVALID_INPUT).
func BenchmarkInstantiate(b *testing.B) {
	real, _ := loadApps(b)
	apptest.BenchInstantiate(b, apptest.ReadModule(b, "make"), real.Manifest(), abi.MethodAutomationOnTrigger, []byte(`{}`), abi.CodeInvalidInput)
}
