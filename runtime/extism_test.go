package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
)

const (
	extismDir    = "../testdata/extism"
	extismWATDir = "../testdata/extism/wat"
)

// extismCase is one row of testdata/extism/wat/cases.json: the slotbox/1
// fixture format plus log expectations.
type extismCase struct {
	fixtureCase
	Expect struct {
		OK              json.RawMessage `json:"ok"`
		Code            abi.Code        `json:"code"`
		AppCode         string          `json:"app_code"`
		MessageContains string          `json:"message_contains"`
		Rule            string          `json:"rule"`
		Name            string          `json:"name"`
		LogCapped       bool            `json:"log_capped"`
	} `json:"expect"`
}

// TestExtismFixtures runs the hand-written Extism plugins of
// testdata/extism/wat: the well-behaved ones and the hostile ones, which
// must fail with the codes the slotbox/1 hostile fixtures get. Every call
// case calls twice: after a host failure the second call runs on a new
// instance, after a success or the plugin's own error on the same one.
func TestExtismFixtures(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(extismWATDir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []extismCase
	if err := json.Unmarshal(b, &cases); err != nil || len(cases) == 0 {
		t.Fatalf("cases.json: %d cases, %v", len(cases), err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { runExtismCase(t, c) })
	}
}

func runExtismCase(t *testing.T, c extismCase) {
	ctx := context.Background()
	e := newTestEngine(t, c.config())
	wasm, m := readFixture(t, extismWATDir, c.Wasm, c.Config)
	app, err := e.Compile(ctx, wasm, m)
	if c.Phase == "validate" {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("error %v; want a *ValidationError with rule %q", err, c.Expect.Rule)
		}
		if !ve.Has(c.Expect.Rule, c.Expect.Name) {
			t.Fatalf("violations %+v lack rule %q name %q", ve.Violations, c.Expect.Rule, c.Expect.Name)
		}
		if !strings.Contains(err.Error(), c.Expect.MessageContains) {
			t.Fatalf("error %q lacks %q", err, c.Expect.MessageContains)
		}
		return
	}
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	defer app.Close(ctx)
	if app.ABI() != abi.ExtismVersion {
		t.Fatalf("ABI() = %q", app.ABI())
	}
	kv := &memKV{}
	funcs := kv.funcs()
	input, err := json.Marshal(c.Input)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		res := app.Call(ctx, CallRequest{Installation: "inst-1", Method: c.Method, Input: input, Funcs: funcs})
		checkExtismResult(t, c, res)
		hostFailure := c.Expect.Code != "" && c.Expect.Code != abi.CodeAppError && c.Expect.Code != abi.CodeNotImplemented
		if i == 1 && res.Instantiated != hostFailure {
			t.Fatalf("second call instantiated=%v; want %v (a new instance after a host failure only)", res.Instantiated, hostFailure)
		}
	}
	checkEngineHealthy(t, e)
}

func checkExtismResult(t *testing.T, c extismCase, res *Result) {
	t.Helper()
	env := res.Envelope
	if c.Expect.Code != "" {
		if env.Error == nil {
			t.Fatalf("ok %.200s; want error %s", env.OK, c.Expect.Code)
		}
		if env.Error.Code != c.Expect.Code {
			t.Fatalf("error %v; want code %s", env.Error, c.Expect.Code)
		}
		if c.Expect.AppCode != "" && env.Error.AppCode != c.Expect.AppCode {
			t.Fatalf("error %v; want app code %s", env.Error, c.Expect.AppCode)
		}
		if !strings.Contains(env.Error.Message, c.Expect.MessageContains) {
			t.Fatalf("error %q lacks %q", env.Error.Message, c.Expect.MessageContains)
		}
		return
	}
	if env.Error != nil {
		t.Fatalf("error %v; want ok %s", env.Error, c.Expect.OK)
	}
	if !jsonEqual(t, env.OK, c.Expect.OK) {
		t.Fatalf("ok %.200s; want %s", env.OK, c.Expect.OK)
	}
	if c.Expect.LogCapped != (res.LogsDropped > 0) {
		t.Fatalf("%d log lines kept, %d dropped; want capped=%v", len(res.Logs), res.LogsDropped, c.Expect.LogCapped)
	}
}

// goCalEngine is an engine whose fuel budget fits a standard-Go guest's
// _initialize, which runs in its first call.
func goCalEngine(t testing.TB) *Engine {
	return newTestEngine(t, NewConfig().WithFuel(5_000_000_000).WithTimeout(30*time.Second))
}

func compileExtismFixture(t testing.TB, e *Engine, wasmName, config string) *App {
	t.Helper()
	wasm, m := readFixture(t, extismDir, wasmName, config)
	app, err := e.Compile(context.Background(), wasm, m)
	if err != nil {
		t.Fatalf("compile %s: %v", wasmName, err)
	}
	t.Cleanup(func() { _ = app.Close(context.Background()) })
	return app
}

// recordingKV is memKV plus a count of the host calls it served.
type recordingKV struct {
	memKV
	mu    sync.Mutex
	calls []string
}

func (kv *recordingKV) funcs() map[string]hostfuncs.Func {
	base := kv.memKV.funcs()
	out := map[string]hostfuncs.Func{}
	for name, f := range base {
		out[name] = func(ctx context.Context, in []byte) (json.RawMessage, error) {
			kv.mu.Lock()
			kv.calls = append(kv.calls, name)
			kv.mu.Unlock()
			return f(ctx, in)
		}
	}
	out[abi.ImportKVDelete] = func(_ context.Context, in []byte) (json.RawMessage, error) {
		var req struct{ Key string }
		if err := json.Unmarshal(in, &req); err != nil {
			return nil, abi.Errorf(abi.CodeInvalidInput, "%v", err)
		}
		kv.mu.Lock()
		defer kv.mu.Unlock()
		kv.calls = append(kv.calls, abi.ImportKVDelete)
		kv.memKV.mu.Lock()
		delete(kv.memKV.m, req.Key)
		kv.memKV.mu.Unlock()
		return json.RawMessage(`{}`), nil
	}
	return out
}

const calEvent = `{"title":"Planning","startTime":"2026-05-04T09:00:00Z","endTime":"2026-05-04T09:30:00Z",` +
	`"organizer":{"name":"Ana","email":"ana@example.com","timeZone":"Europe/Berlin","language":{"locale":"de"}},` +
	`"attendees":[{"name":"Bo","email":"bo@example.com","timeZone":"UTC","language":{"locale":"en"}}],"uid":"bk-42"}`

// TestExtismGoPDK runs the calendar plugin built with the Extism Go PDK on
// standard Go (testdata/extism/gocal) through Engine.Compile and App.Call:
// the methods, the kv and log host functions, errors set with the PDK, vars
// kept by the instance, real clocks and randomness.
func TestExtismGoPDK(t *testing.T) {
	e := goCalEngine(t)
	app := compileExtismFixture(t, e, "gocal.wasm", "gocal.config.json")
	t.Run("methods", func(t *testing.T) { testGoPDKMethods(t, app) })
	t.Run("clock_and_random", func(t *testing.T) { testGoPDKClockAndRandom(t, app) })
	t.Run("vars_per_installation", func(t *testing.T) { testGoPDKVars(t, app) })
}

// testGoPDKVars checks that Extism vars stay with their instance, so never
// cross from one installation to another.
func testGoPDKVars(t *testing.T, app *App) {
	ctx := context.Background()
	for i, tt := range []struct{ inst, want string }{
		{"vars-a", `{"n":1}`}, {"vars-a", `{"n":2}`}, {"vars-b", `{"n":1}`}, {"vars-a", `{"n":3}`},
	} {
		res := app.Call(ctx, CallRequest{Installation: tt.inst, Method: "test.vars", Input: []byte(`{}`)})
		if res.Envelope.Error != nil || string(res.Envelope.OK) != tt.want {
			t.Fatalf("%d %s: %s %v; want %s", i, tt.inst, res.Envelope.OK, res.Envelope.Error, tt.want)
		}
	}
}

func testGoPDKMethods(t *testing.T, app *App) {
	ctx := context.Background()
	kv := &recordingKV{}
	funcs := kv.funcs()
	call := func(method, input string) *Result {
		t.Helper()
		return app.Call(ctx, CallRequest{Installation: "inst-1", Method: method, Input: []byte(input), Funcs: funcs})
	}
	tests := []struct {
		method, input string
		ok            string
		code          abi.Code
		appCode       string
		message       string
		logs          []string
		kvCalls       []string
	}{
		{method: "calendar.createEvent", input: `{"event":` + calEvent + `}`,
			ok: `{"uid":"57668b683090421b","id":"20260504090000","type":"appointment","password":"","url":"https://bench.slotbox.invalid/events/57668b683090421b"}`},
		{method: "calendar.updateEvent", input: `{"uid":"cal-1","event":` + calEvent + `}`,
			ok:      `{"uid":"cal-1","id":"20260504090000","type":"appointment","password":"","url":"https://bench.slotbox.invalid/events/57668b683090421b"}`,
			kvCalls: []string{abi.ImportKVSet}},
		{method: "calendar.listCalendars", input: `{}`,
			ok:      `[{"externalId":"cal-1","integration":"extism-gocal_calendar","name":"Planning","primary":true}]`,
			logs:    []string{"info listCalendars: Planning"},
			kvCalls: []string{abi.ImportKVGet}},
		{method: "calendar.deleteEvent", input: `{"uid":"cal-1","event":` + calEvent + `}`, ok: `{}`,
			kvCalls: []string{abi.ImportKVDelete}},
		{method: "calendar.listCalendars", input: `{}`,
			ok:      `[{"externalId":"cal-1","integration":"extism-gocal_calendar","name":"Go calendar","primary":true}]`,
			logs:    []string{"info listCalendars: Go calendar"},
			kvCalls: []string{abi.ImportKVGet}},
		{method: "calendar.getAvailability", input: `{"dateFrom":"2026-05-04T00:00:00Z","dateTo":"2026-05-05T00:00:00Z","selectedCalendars":[]}`,
			ok: `[]`, logs: []string{"warn getAvailability from 2026-05-04T00:00:00Z"}},
		{method: "calendar.createEvent", input: `{"event":`, code: abi.CodeInvalidInput},
		{method: "test.fail", input: `{}`, code: abi.CodeAppError, appCode: "UPSTREAM_DOWN", message: "the calendar server is down"},
		{method: "test.failText", input: `{}`, code: abi.CodeAppError, message: "plain failure"},
		{method: "video.createMeeting", input: `{}`, code: abi.CodeNotImplemented},
		{method: "test.vars", input: `{}`, ok: `{"n":1}`},
		{method: "test.vars", input: `{}`, ok: `{"n":2}`},
	}
	for i, tt := range tests {
		kv.calls = nil
		res := call(tt.method, tt.input)
		env := res.Envelope
		if tt.code != "" {
			if env.Error == nil || env.Error.Code != tt.code || env.Error.AppCode != tt.appCode || !strings.Contains(env.Error.Message, tt.message) {
				t.Fatalf("%d %s: %+v %v; want %s[%s] %q", i, tt.method, env.OK, env.Error, tt.code, tt.appCode, tt.message)
			}
		} else if env.Error != nil || !jsonEqual(t, env.OK, []byte(tt.ok)) {
			t.Fatalf("%d %s: ok %s error %v; want %s", i, tt.method, env.OK, env.Error, tt.ok)
		}
		var logs []string
		for _, l := range res.Logs {
			logs = append(logs, l.Level.String()+" "+l.Message)
		}
		if strings.Join(logs, "|") != strings.Join(tt.logs, "|") {
			t.Fatalf("%d %s: logs %q; want %q", i, tt.method, logs, tt.logs)
		}
		if strings.Join(kv.calls, ",") != strings.Join(tt.kvCalls, ",") {
			t.Fatalf("%d %s: host calls %v; want %v", i, tt.method, kv.calls, tt.kvCalls)
		}
		if i > 0 && res.Instantiated {
			t.Fatalf("%d %s: a new instance; the pooled one should have served it", i, tt.method)
		}
	}
}

// testGoPDKClockAndRandom checks that a plugin gets the real clock (the
// go-sdk's default is a fixed 2022 clock) and crypto randomness (its default
// is deterministic): two fresh instances draw different bytes.
func testGoPDKClockAndRandom(t *testing.T, app *App) {
	ctx := context.Background()
	seen := map[string]bool{}
	for inst := range 2 {
		res := app.Call(ctx, CallRequest{Installation: fmt.Sprintf("clock-%d", inst), Method: "test.clock", Input: []byte(`{}`)})
		if res.Envelope.Error != nil {
			t.Fatal(res.Envelope.Error)
		}
		var got struct {
			Unix int64  `json:"unix"`
			Rand string `json:"rand"`
		}
		if err := json.Unmarshal(res.Envelope.OK, &got); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(time.Unix(got.Unix, 0)); d < -time.Minute || d > time.Minute {
			t.Fatalf("guest clock says %s, host %s", time.Unix(got.Unix, 0).UTC(), time.Now().UTC())
		}
		if seen[got.Rand] {
			t.Fatalf("two fresh instances drew the same random bytes %s", got.Rand)
		}
		seen[got.Rand] = true
	}
}

// TestExtismASPDK runs the conferencing plugin built with @extism/as-pdk
// (testdata/extism/asvideo).
func TestExtismASPDK(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	app := compileExtismFixture(t, e, "asvideo.wasm", "asvideo.config.json")
	ctx := context.Background()
	kv := &recordingKV{}
	funcs := kv.funcs()
	tests := []struct {
		method, input string
		ok            string
		code          abi.Code
		appCode       string
		logs          []string
		kvCalls       []string
	}{
		{method: "video.createMeeting", input: `{"event":` + calEvent + `}`,
			ok:      `{"type":"extism-asvideo_video","id":"m-bk-42","password":"","url":"https://video.slotbox.invalid/m-bk-42"}`,
			logs:    []string{"info createMeeting m-bk-42"},
			kvCalls: []string{abi.ImportKVSet}},
		{method: "video.deleteMeeting", input: `{"uid":"m-bk-42"}`, ok: `{}`, kvCalls: []string{abi.ImportKVGet, abi.ImportKVDelete}},
		{method: "video.deleteMeeting", input: `{"uid":"m-bk-42"}`, code: abi.CodeAppError, appCode: "NOT_FOUND", kvCalls: []string{abi.ImportKVGet}},
		{method: "video.createMeeting", input: `{"event":{"title":"no uid"}}`, code: abi.CodeInvalidInput},
		{method: "video.getAvailability", input: `{"dateFrom":"2026-05-04T00:00:00Z","dateTo":"2026-05-05T00:00:00Z"}`, ok: `[]`},
		{method: "video.updateMeeting", input: `{}`, code: abi.CodeNotImplemented},
	}
	for i, tt := range tests {
		kv.calls = nil
		res := app.Call(ctx, CallRequest{Installation: "inst-1", Method: tt.method, Input: []byte(tt.input), Funcs: funcs})
		env := res.Envelope
		if tt.code != "" {
			if env.Error == nil || env.Error.Code != tt.code || env.Error.AppCode != tt.appCode {
				t.Fatalf("%d %s: %s %v; want %s[%s]", i, tt.method, env.OK, env.Error, tt.code, tt.appCode)
			}
		} else if env.Error != nil || !jsonEqual(t, env.OK, []byte(tt.ok)) {
			t.Fatalf("%d %s: ok %s error %v; want %s", i, tt.method, env.OK, env.Error, tt.ok)
		}
		var logs []string
		for _, l := range res.Logs {
			logs = append(logs, l.Level.String()+" "+l.Message)
		}
		if strings.Join(logs, "|") != strings.Join(tt.logs, "|") {
			t.Fatalf("%d %s: logs %q; want %q", i, tt.method, logs, tt.logs)
		}
		if strings.Join(kv.calls, ",") != strings.Join(tt.kvCalls, ",") {
			t.Fatalf("%d %s: host calls %v; want %v", i, tt.method, kv.calls, tt.kvCalls)
		}
	}
}

// TestExtismASPDKStartFunction runs an @extism/as-pdk plugin built as the
// PDK's README builds it, whose top-level state AssemblyScript initialises
// in a start function: Slotbox runs it (as _initialize) before the first
// call, and the state lives as long as the instance.
func TestExtismASPDKStartFunction(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	app := compileExtismFixture(t, e, "ascounter.wasm", "ascounter.config.json")
	ctx := context.Background()
	for i, tt := range []struct{ inst, input, want string }{
		{"a", `"x"`, `{"count":1}`}, {"a", `"x"`, `{"count":2}`}, {"a", `"y"`, `{"count":1}`}, {"b", `"x"`, `{"count":1}`},
	} {
		res := app.Call(ctx, CallRequest{Installation: tt.inst, Method: "test.count", Input: []byte(tt.input)})
		if res.Envelope.Error != nil || string(res.Envelope.OK) != tt.want {
			t.Fatalf("%d: %s %v; want %s", i, res.Envelope.OK, res.Envelope.Error, tt.want)
		}
	}
}
