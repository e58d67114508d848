//go:build !wasip1

package slotbox_test

// These tests load the committed example modules (testdata/wasm/go-*.wasm,
// rebuilt by build.sh) into plain wazero, with a minimal Go implementation of
// the slotbox host module backed by slotboxtest.Host, and call slotbox_call
// as the runtime does.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/guest-sdk/go/examples/bench/benchevent"
	"github.com/slotbox/slotbox/guest-sdk/go/slotboxtest"
)

// fixtureDir holds the committed modules and manifests.
const fixtureDir = "../../testdata/wasm"

// compileCache lets the tests compile each module once: compiling a Go
// guest takes about a second per 3 MB.
var compileCache = wazero.NewCompilationCache()

// guest is one instantiated module with its fake host.
type guest struct {
	t   testing.TB
	mod api.Module
	// The exports, looked up once: each lookup builds a call engine.
	alloc, callFn, free api.Function
	host                *slotboxtest.Host
	stderr              *bytes.Buffer
}

// loadGuest instantiates testdata/wasm/<name>.wasm with WASI (real clocks)
// and a slotbox host module that serves host's functions.
func loadGuest(t testing.TB, name string, host *slotboxtest.Host) *guest {
	t.Helper()
	ctx := t.Context()
	bin, err := os.ReadFile(filepath.Join(fixtureDir, name+".wasm"))
	if err != nil {
		t.Fatal(err)
	}
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCompilationCache(compileCache))
	t.Cleanup(func() { r.Close(context.Background()) })
	wasi_snapshot_preview1.MustInstantiate(ctx, r)

	var pending []byte // the envelope take_result hands out next
	b := r.NewHostModuleBuilder(abi.HostModule)
	for _, fn := range []string{abi.ImportHTTPRequest, abi.ImportVaultGet, abi.ImportKVGet, abi.ImportKVSet, abi.ImportKVDelete} {
		b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, m api.Module, stack []uint64) {
			in, ok := m.Memory().Read(api.DecodeU32(stack[0]), api.DecodeU32(stack[1]))
			if !ok {
				stack[0] = api.EncodeI32(-1)
				return
			}
			env, err := host.Call(fn, bytes.Clone(in))
			if err != nil {
				stack[0] = api.EncodeI32(-1)
				return
			}
			pending = env
			stack[0] = api.EncodeI32(int32(len(env)))
		}), []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}).Export(fn)
	}
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, m api.Module, stack []uint64) {
		if !m.Memory().Write(api.DecodeU32(stack[0]), pending) {
			stack[0] = api.EncodeI32(-1)
			return
		}
		stack[0] = api.EncodeI32(int32(len(pending)))
		pending = nil
	}), []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}).Export(abi.ImportTakeResult)
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, m api.Module, stack []uint64) {
		msg, _ := m.Memory().Read(api.DecodeU32(stack[1]), api.DecodeU32(stack[2]))
		host.Log(api.DecodeI32(stack[0]), bytes.Clone(msg))
	}), []api.ValueType{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32}, nil).Export(abi.ImportLog)
	if _, err := b.Instantiate(ctx); err != nil {
		t.Fatal(err)
	}

	compiled, err := r.CompileModule(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	stderr := &bytes.Buffer{}
	cfg := wazero.NewModuleConfig().WithName("").
		WithSysNanotime().WithSysWalltime().WithSysNanosleep().
		WithStdout(stderr).WithStderr(stderr).
		WithStartFunctions(abi.InitializeExport)
	mod, err := r.InstantiateModule(ctx, compiled, cfg)
	if err != nil {
		t.Fatalf("instantiate %s: %v; stderr: %s", name, err, stderr)
	}
	for _, e := range []string{abi.MarkerExport, abi.AllocExport, abi.CallExport, abi.FreeExport} {
		if mod.ExportedFunction(e) == nil {
			t.Fatalf("%s does not export %s", name, e)
		}
	}
	return &guest{t: t, mod: mod, host: host, stderr: stderr,
		alloc: mod.ExportedFunction(abi.AllocExport), callFn: mod.ExportedFunction(abi.CallExport), free: mod.ExportedFunction(abi.FreeExport)}
}

// write copies s into a buffer the guest allocates.
func (g *guest) write(s string) uint32 {
	g.t.Helper()
	res, err := g.alloc.Call(g.t.Context(), uint64(len(s)))
	if err != nil || res[0] == 0 {
		g.t.Fatalf("slotbox_alloc(%d) = %v, %v", len(s), res, err)
	}
	ptr := uint32(res[0])
	if !g.mod.Memory().WriteString(ptr, s) {
		g.t.Fatalf("write %d bytes at %#x", len(s), ptr)
	}
	return ptr
}

// call runs one method and returns its envelope.
func (g *guest) call(method, input string) string {
	g.t.Helper()
	mp, ip := g.write(method), g.write(input)
	res, err := g.callFn.Call(g.t.Context(),
		uint64(mp), uint64(len(method)), uint64(ip), uint64(len(input)))
	if err != nil {
		g.t.Fatalf("slotbox_call(%s): %v; stderr: %s", method, err, g.stderr)
	}
	out, ok := g.mod.Memory().Read(uint32(res[0]>>32), uint32(res[0]))
	if !ok {
		g.t.Fatalf("slotbox_call(%s) returned (%#x, %d) outside memory", method, res[0]>>32, uint32(res[0]))
	}
	env := string(out) // copies
	if _, err := g.free.Call(g.t.Context(), res[0]>>32, uint64(uint32(res[0]))); err != nil {
		g.t.Fatal(err)
	}
	return env
}

// checkEnvelope compares env with want (as JSON) and, for an ok result,
// validates it against the method's result schema.
func checkEnvelope(t *testing.T, method, env, want string) {
	t.Helper()
	if !jsonEqual(t, env, want) {
		t.Fatalf("%s answered\n %s\nwant\n %s", method, env, want)
	}
	var e abi.Envelope
	if err := json.Unmarshal([]byte(env), &e); err != nil {
		t.Fatal(err)
	}
	if e.OK != nil {
		if err := abi.ValidateResult(method, e.OK); err != nil {
			t.Fatalf("%s result fails its schema: %v", method, err)
		}
	}
}

func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("not JSON: %v: %s", err, a)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("bad want: %v: %s", err, b)
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return bytes.Equal(xs, ys)
}

func TestWasmEcho(t *testing.T) {
	host := &slotboxtest.Host{Vault: map[string]string{"api_key": "k-123"}}
	g := loadGuest(t, "go-echo", host)

	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%s", "Intro", "2026-03-02T14:00:00Z", "2026-03-02T14:30:00Z")
	hashUID := strconv.FormatUint(h.Sum64(), 16) + "@echo.slotbox.invalid"
	event := func(extra string) string {
		return `{"event":{"type":"30min","title":"Intro","startTime":"2026-03-02T14:00:00Z","endTime":"2026-03-02T14:30:00Z",` +
			`"organizer":{"name":"A","email":"a@x.test","timeZone":"UTC","language":{"locale":"en"}},"attendees":[]` + extra + `}}`
	}
	busy := `[{"start":"2026-03-02T09:00:00Z","end":"2026-03-02T10:00:00Z"},` +
		`{"start":"2026-03-03T09:00:00Z","end":"2026-03-03T10:00:00Z"},{"start":"bad","end":"bad"}]`
	window := `{"dateFrom":"2026-03-02T00:00:00Z","dateTo":"2026-03-03T00:00:00Z","selectedCalendars":[]}`

	tests := []struct {
		name   string
		setup  func()
		method string
		input  string
		want   string
	}{
		{"createEvent keeps iCalUID", nil, abi.MethodCalendarCreateEvent, event(`,"iCalUID":"ical-1@x"`),
			`{"ok":{"uid":"ical-1@x","id":"echo-ical-1@x","type":"go-echo_calendar","password":"",
			"url":"https://echo.slotbox.invalid/events/ical-1@x","iCalUID":"ical-1@x"}}`},
		{"createEvent hashes without iCalUID", nil, abi.MethodCalendarCreateEvent, event(``),
			`{"ok":{"uid":"` + hashUID + `","id":"echo-` + hashUID + `","type":"go-echo_calendar","password":"",
			"url":"https://echo.slotbox.invalid/events/` + hashUID + `","iCalUID":"` + hashUID + `"}}`},
		{"createEvent app error", nil, abi.MethodCalendarCreateEvent, `{"event":{"title":""}}`,
			`{"error":{"code":"INVALID_INPUT","message":"event needs title, startTime and endTime","retryable":false}}`},
		{"a Go panic answers INTERNAL", nil, abi.MethodCalendarCreateEvent, `{"event":{"title":"panic","startTime":"s","endTime":"e"}}`,
			`{"error":{"code":"INTERNAL","message":"panic in calendar.createEvent: runtime error: index out of range [0] with length 0","retryable":false}}`},
		{"listCalendars", nil, abi.MethodCalendarListCalendars, `{}`,
			`{"ok":[{"externalId":"echo-primary","integration":"go-echo_calendar","name":"Echo","primary":true,"email":"echo@slotbox.invalid"}]}`},
		{"getAvailability with nothing stored", nil, abi.MethodCalendarGetAvailability, window, `{"ok":[]}`},
		{"getAvailability filters the stored busy times", func() { host.SetKV("busy", busy) },
			abi.MethodCalendarGetAvailability, window,
			`{"ok":[{"start":"2026-03-02T09:00:00Z","end":"2026-03-02T10:00:00Z"}]}`},
		{"getAvailability with corrupt state", func() { host.SetKV("busy", "{") }, abi.MethodCalendarGetAvailability, window,
			`{"error":{"code":"CORRUPT_STATE","message":"stored busy times: unexpected end of JSON input","retryable":false}}`},
		{"getAvailability bad date", nil, abi.MethodCalendarGetAvailability, `{"dateFrom":"x","dateTo":"y"}`,
			`{"error":{"code":"INVALID_INPUT","message":"dateFrom: parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"x\" as \"2006\"","retryable":false}}`},
		{"checkKeys valid", nil, abi.MethodAppCheckKeys, `{}`, `{"ok":{"valid":true}}`},
		{"checkKeys empty key", func() { host.Vault["api_key"] = "" }, abi.MethodAppCheckKeys, `{}`,
			`{"ok":{"valid":false,"message":"api_key is required"}}`},
		{"checkKeys host refuses the field", func() { delete(host.Vault, "api_key") }, abi.MethodAppCheckKeys, `{}`,
			`{"error":{"code":"PERMISSION_DENIED","message":"read keys: vault get [\"api_key\"]: vault_get: PERMISSION_DENIED: vault field [api_key] is not revealable","retryable":false}}`},
		{"updateEvent not implemented", nil, abi.MethodCalendarUpdateEvent, `{"uid":"u","event":{}}`,
			`{"error":{"code":"NOT_IMPLEMENTED","message":"method \"calendar.updateEvent\" is not implemented by this app","retryable":false}}`},
		{"other category not implemented", nil, abi.MethodCRMCreateEvent, `{"event":{},"contacts":[]}`,
			`{"error":{"code":"NOT_IMPLEMENTED","message":"method \"crm.createEvent\" is not implemented by this app","retryable":false}}`},
		{"bad JSON", nil, abi.MethodCalendarCreateEvent, `{"event":[`,
			`{"error":{"code":"INVALID_INPUT","message":"decode input: unexpected end of JSON input","retryable":false}}`},
		{"wrong field type", nil, abi.MethodCalendarGetAvailability, `{"dateFrom":5}`,
			`{"error":{"code":"INVALID_INPUT","message":"decode input: json: cannot unmarshal number into Go struct field CalendarGetAvailabilityInput.dateFrom of type string","retryable":false}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			g.t = t
			checkEnvelope(t, tt.method, g.call(tt.method, tt.input), tt.want)
		})
	}

	logs := host.Logs()
	var sawCreate, sawWarn, sawPanic bool
	for _, l := range logs {
		sawCreate = sawCreate || (l.Level == abi.LogInfo && l.Message == "created event uid=ical-1@x attendees=0")
		sawWarn = sawWarn || (l.Level == abi.LogWarn && strings.HasPrefix(l.Message, "skipping unreadable busy time"))
		sawPanic = sawPanic || (l.Level == abi.LogError && strings.HasPrefix(l.Message, "panic in calendar.createEvent") &&
			strings.Contains(l.Message, "main.app.CreateEvent"))
	}
	if !sawCreate || !sawWarn || !sawPanic {
		t.Fatalf("logs lack the createEvent info line, the busy-time warning or the panic's stack: %+v", logs)
	}
	if g.stderr.Len() > 0 {
		t.Fatalf("module wrote to stdout/stderr: %s", g.stderr)
	}
}

// TestWasmEchoManyCalls runs many calls on one instance: buffers are
// released and reused, and every envelope stays correct.
func TestWasmEchoManyCalls(t *testing.T) {
	g := loadGuest(t, "go-echo", &slotboxtest.Host{})
	want := `{"ok":[{"externalId":"echo-primary","integration":"go-echo_calendar","name":"Echo","primary":true,"email":"echo@slotbox.invalid"}]}`
	pages := g.mod.Memory().Size()
	for i := range 2000 {
		if got := g.call(abi.MethodCalendarListCalendars, `{}`); got != want {
			t.Fatalf("call %d answered %s", i, got)
		}
	}
	if grown := g.mod.Memory().Size() - pages; grown > 16<<20 {
		t.Fatalf("memory grew by %d bytes over 2000 calls", grown)
	}
}

func TestWasmBenchMatchesNative(t *testing.T) {
	g := loadGuest(t, "go-bench", &slotboxtest.Host{})
	native, err := benchevent.Process(benchevent.Sample())
	if err != nil {
		t.Fatal(err)
	}
	got := g.call(abi.MethodCalendarCreateEvent, string(benchevent.Sample()))
	if want := `{"ok":` + string(native) + `}`; got != want {
		t.Fatalf("wasm answered\n %s\nnative\n %s", got, want)
	}
	checkEnvelope(t, abi.MethodCalendarCreateEvent, got, got)
}

func TestWasmHTTPCal(t *testing.T) {
	var gotAuth, gotPath string
	api := http.NewServeMux()
	api.HandleFunc("GET /calendars", func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[{"id":"cal-1","name":"Work","primary":true,"email":"w@x.test"}]`)
	})
	api.HandleFunc("GET /events", func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.RequestURI()
		fmt.Fprint(w, `[{"start":"2026-03-02T09:00:00Z","end":"2026-03-02T10:00:00Z"}]`)
	})
	api.HandleFunc("POST /events", func(w http.ResponseWriter, r *http.Request) {
		var ev map[string]any
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil || ev["title"] != "Intro" {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, `{"id":"ev-9","url":"http://calendar.test/e/9"}`)
	})
	api.HandleFunc("DELETE /events/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "gone" {
			http.Error(w, "no", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	host := &slotboxtest.Host{Vault: map[string]string{"base_url": "http://calendar.test/v1/"}, Credential: "tok", HTTP: http.StripPrefix("/v1", api)}
	g := loadGuest(t, "go-httpcal", host)

	tests := []struct {
		name   string
		method string
		input  string
		want   string
	}{
		{"listCalendars", abi.MethodCalendarListCalendars, `{}`,
			`{"ok":[{"externalId":"cal-1","name":"Work","primary":true,"email":"w@x.test"}]}`},
		{"getAvailability", abi.MethodCalendarGetAvailability,
			`{"dateFrom":"2026-03-02T00:00:00Z","dateTo":"2026-03-03T00:00:00Z","selectedCalendars":[]}`,
			`{"ok":[{"start":"2026-03-02T09:00:00Z","end":"2026-03-02T10:00:00Z"}]}`},
		{"createEvent", abi.MethodCalendarCreateEvent, `{"event":{"title":"Intro","startTime":"a","endTime":"b","attendees":[{"email":"b@x.test"}]}}`,
			`{"ok":{"uid":"ev-9","id":"ev-9","type":"go-httpcal_calendar","password":"","url":"http://calendar.test/e/9"}}`},
		{"deleteEvent", abi.MethodCalendarDeleteEvent, `{"uid":"ev-9","event":{}}`, `{"ok":{}}`},
		{"upstream failure is retryable", abi.MethodCalendarDeleteEvent, `{"uid":"gone","event":{}}`,
			`{"error":{"code":"UPSTREAM_UNAVAILABLE","message":"DELETE /events/gone: 503 Service Unavailable","retryable":true}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g.t = t
			env := g.call(tt.method, tt.input)
			if !jsonEqual(t, env, tt.want) {
				t.Fatalf("%s answered\n %s\nwant\n %s", tt.method, env, tt.want)
			}
		})
	}
	if gotAuth != "Bearer tok" {
		t.Fatalf("API saw Authorization %q, want the credential", gotAuth)
	}
	if gotPath != "/events?from=2026-03-02T00%3A00%3A00Z&to=2026-03-03T00%3A00%3A00Z" {
		t.Fatalf("API saw %q", gotPath)
	}

	t.Run("no credential", func(t *testing.T) {
		host.Credential = ""
		g.t = t
		env := g.call(abi.MethodCalendarListCalendars, `{}`)
		want := `{"error":{"code":"PERMISSION_DENIED","message":"GET /calendars: Get \"http://calendar.test/v1/calendars\": ` +
			`http GET [http://calendar.test/v1/calendars]: http_request: PERMISSION_DENIED: the installation has no credential","retryable":false}}`
		if !jsonEqual(t, env, want) {
			t.Fatalf("answered %s", env)
		}
	})
}

// TestWasmManifestsGrantImports checks each example's manifest: it parses,
// and it grants every host function the module imports, and the module
// imports nothing outside the slotbox and WASI modules.
func TestWasmManifestsGrantImports(t *testing.T) {
	for _, name := range []string{"go-echo", "go-httpcal", "go-bench"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(fixtureDir, name+".config.json"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := abi.ParseManifest(data)
			if err != nil {
				t.Fatalf("manifest: %v", err)
			}
			if m.ABI != abi.Version {
				t.Fatalf("abi = %q", m.ABI)
			}
			bin, err := os.ReadFile(filepath.Join(fixtureDir, name+".wasm"))
			if err != nil {
				t.Fatal(err)
			}
			// Listing imports needs no machine code: the interpreter compiles fast.
			r := wazero.NewRuntimeWithConfig(t.Context(), wazero.NewRuntimeConfigInterpreter())
			defer r.Close(t.Context())
			compiled, err := r.CompileModule(t.Context(), bin)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range compiled.ImportedFunctions() {
				mod, fn, _ := f.Import()
				switch mod {
				case abi.WASIModule:
				case abi.HostModule:
					perm, ok := abi.ImportPermission(fn)
					if !ok || !m.Permissions.Grants(perm) {
						t.Errorf("imports %s.%s, which needs permission %q", mod, fn, perm)
					}
				default:
					t.Errorf("imports %s.%s from an unknown module", mod, fn)
				}
			}
		})
	}
}

// BenchmarkWasmBenchCall is the wasm side of the native-versus-wasm
// comparison (the native side is benchevent.BenchmarkProcess): per op, what
// the runtime does for one call on a warm instance: two slotbox_alloc, two
// writes, slotbox_call, reading the envelope and slotbox_free. The
// not-implemented case measures the SDK's fixed cost per call.
func BenchmarkWasmBenchCall(b *testing.B) {
	g := loadGuest(b, "go-bench", &slotboxtest.Host{})
	for _, bc := range []struct{ name, method, in string }{
		{"createEvent", abi.MethodCalendarCreateEvent, string(benchevent.Sample())},
		{"not-implemented", abi.MethodAppCheckKeys, `{}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			g.t = b
			want := g.call(bc.method, bc.in)
			for range 1000 { // warm the guest's heap
				g.call(bc.method, bc.in)
			}
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			for b.Loop() {
				if got := g.call(bc.method, bc.in); len(got) != len(want) {
					b.Fatalf("answered %s", got)
				}
			}
		})
	}
}
