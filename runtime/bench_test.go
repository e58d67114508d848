package runtime

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	"github.com/tetratelabs/wazero"
)

// event1KB is a Cal.com CalendarEvent of about 1 KB, the payload of the
// warm-call benchmarks.
var event1KB = func() []byte {
	ev := map[string]any{
		"type":        "30min",
		"title":       "30 min meeting between Alice Example and Bob Example",
		"description": strings.Repeat("Agenda: talk about the integration. ", 8),
		"startTime":   "2026-12-01T10:00:00Z",
		"endTime":     "2026-12-01T10:30:00Z",
		"organizer":   map[string]any{"name": "Alice Example", "email": "alice@example.com", "timeZone": "Europe/Berlin", "language": map[string]string{"locale": "en"}},
		"attendees": []map[string]any{
			{"name": "Bob Example", "email": "bob@example.com", "timeZone": "America/New_York", "language": map[string]string{"locale": "en"}},
			{"name": "Carol Example", "email": "carol@example.com", "timeZone": "Asia/Tokyo", "language": map[string]string{"locale": "ja"}},
			{"name": "Dan Example", "email": "dan@example.com", "timeZone": "UTC", "language": map[string]string{"locale": "de"}},
		},
		"location": "integrations:daily",
		"uid":      "bk_8f14e45fceea167a5a36dedd4bea2543",
		"iCalUID":  "bk_8f14e45fceea167a5a36dedd4bea2543@slotbox",
	}
	b, _ := json.Marshal(map[string]any{"event": ev})
	return b
}()

func benchApp(b *testing.B, e *Engine, dir, wasmName, config string) *App {
	b.Helper()
	wasm, m := readFixture(b, dir, wasmName, config)
	app, err := e.Compile(context.Background(), wasm, m)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = app.Close(context.Background()) })
	return app
}

func mustOK(b *testing.B, res *Result) {
	if res.Envelope.Error != nil {
		b.Fatalf("call failed: %v", res.Envelope.Error)
	}
}

// warmCases are the warm-call shapes measured: the 1 KB event echoed back
// (1 KB in, 1 KB out), and the 1 KB event in with a small result out, as a
// calendar method answers (the shape of the baseline: 1,057 B in,
// 149 B out), with and without the result's schema check.
var warmCases = []struct {
	name, method string
	validate     bool
}{
	{"echo-1KB", "test.echo", true},
	{"in-1KB-validated", "calendar.listCalendars", true},
	{"in-1KB", "calendar.listCalendars", false},
}

// BenchmarkCallWarm is one method call on a pooled instance of the small
// WAT guest.
func BenchmarkCallWarm(b *testing.B) {
	for _, c := range warmCases {
		b.Run(c.name, func(b *testing.B) {
			e := newTestEngine(b, NewConfig().WithResultValidation(c.validate))
			app := benchApp(b, e, smallDir, "echo.wasm", "echo.config.json")
			ctx := context.Background()
			req := CallRequest{Installation: "i", Method: c.method, Input: event1KB}
			mustOK(b, app.Call(ctx, req))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				mustOK(b, app.Call(ctx, req))
			}
		})
	}
}

// BenchmarkCallWarmBaseline is the same round trips on plain wazero with no
// metering, pools or checks: the floor BenchmarkCallWarm is compared with.
func BenchmarkCallWarmBaseline(b *testing.B) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
	defer rt.Close(ctx)
	wasm, err := os.ReadFile(filepath.Join(smallDir, "echo.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	mod, err := rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		b.Fatal(err)
	}
	alloc, call := mod.ExportedFunction(abi.AllocExport), mod.ExportedFunction(abi.CallExport)
	for _, c := range warmCases[:2] {
		name := strings.TrimSuffix(c.name, "-validated")
		b.Run(name, func(b *testing.B) {
			method := []byte(c.method)
			one := func() {
				mp, _ := alloc.Call(ctx, uint64(len(method)))
				mod.Memory().Write(uint32(mp[0]), method)
				ip, _ := alloc.Call(ctx, uint64(len(event1KB)))
				mod.Memory().Write(uint32(ip[0]), event1KB)
				r, err := call.Call(ctx, mp[0], uint64(len(method)), ip[0], uint64(len(event1KB)))
				if err != nil {
					b.Fatal(err)
				}
				out, _ := mod.Memory().Read(uint32(r[0]>>32), uint32(r[0]))
				_ = append([]byte(nil), out...)
			}
			one()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				one()
			}
		})
	}
}

// BenchmarkHostFunction measures calls of one guest that make one host
// call (test.noop_host: one log call; test.noop_take: one take_result) and
// none (calendar.listCalendars answers a constant; result validation is off
// so that it costs the same as the others); the difference is the
// host-function round trip.
func BenchmarkHostFunction(b *testing.B) {
	e := newTestEngine(b, NewConfig().WithResultValidation(false))
	app := benchApp(b, e, smallDir, "hostcalls.wasm", "hostcalls.config.json")
	ctx := context.Background()
	funcs := map[string]hostfuncs.Func{
		abi.ImportKVGet: func(context.Context, []byte) (json.RawMessage, error) { return json.RawMessage(`{"value":null}`), nil },
	}
	for _, tc := range []struct {
		method string
		code   abi.Code
	}{{"calendar.listCalendars", ""}, {"test.noop_host", ""}, {"test.noop_take", ""}} {
		b.Run(tc.method, func(b *testing.B) {
			req := CallRequest{Installation: "i", Method: tc.method, Input: []byte(`{}`), Funcs: funcs}
			check := func(res *Result) {
				if got := res.Envelope.Error; (got == nil) != (tc.code == "") || (got != nil && got.Code != tc.code) {
					b.Fatalf("%s: %+v", tc.method, res.Envelope)
				}
			}
			check(app.Call(ctx, req))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				check(app.Call(ctx, req))
			}
		})
	}
}

// BenchmarkFreshInstance creates, initialises, calls and closes an instance
// every time (no pooling).
func BenchmarkFreshInstance(b *testing.B) {
	e := newTestEngine(b, NewConfig().WithMaxIdlePerPool(0))
	app := benchApp(b, e, smallDir, "echo.wasm", "echo.config.json")
	ctx := context.Background()
	req := CallRequest{Installation: "i", Method: "test.echo", Input: event1KB}
	b.ReportAllocs()
	for b.Loop() {
		mustOK(b, app.Call(ctx, req))
	}
}

// BenchmarkCompile compiles a module from scratch (new engine, no cache).
func BenchmarkCompile(b *testing.B) {
	for _, f := range benchModules(b) {
		b.Run(f.name, func(b *testing.B) {
			wasm, m := readFixture(b, f.dir, f.wasm, f.config)
			b.ReportMetric(float64(len(wasm)), "module-bytes")
			ctx := context.Background()
			for b.Loop() {
				e, err := NewEngine(ctx, NewConfig())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Compile(ctx, wasm, m); err != nil {
					b.Fatal(err)
				}
				_ = e.Close(ctx)
			}
		})
	}
}

// BenchmarkCompileCached compiles with a warm on-disk cache in a new
// engine, as a restarted server does.
func BenchmarkCompileCached(b *testing.B) {
	for _, f := range benchModules(b) {
		b.Run(f.name, func(b *testing.B) {
			wasm, m := readFixture(b, f.dir, f.wasm, f.config)
			ctx := context.Background()
			cfg := NewConfig().WithCacheDir(b.TempDir())
			compile := func() {
				e, err := NewEngine(ctx, cfg)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Compile(ctx, wasm, m); err != nil {
					b.Fatal(err)
				}
				_ = e.Close(ctx)
			}
			compile()
			b.ResetTimer()
			for b.Loop() {
				compile()
			}
		})
	}
}

// BenchmarkInstantiate creates and closes an instance (start function and
// _initialize included).
func BenchmarkInstantiate(b *testing.B) {
	for _, f := range benchModules(b) {
		b.Run(f.name, func(b *testing.B) {
			e := newTestEngine(b, NewConfig())
			app := benchApp(b, e, f.dir, f.wasm, f.config)
			ctx := context.Background()
			p, _ := app.pool("i")
			b.ReportAllocs()
			for b.Loop() {
				st := newCallState(ctx, e.cfg, time.Now(), 0, 0, nil)
				in, err := p.instantiate(ctx, st)
				if err != nil {
					b.Fatal(err)
				}
				in.close(ctx)
			}
		})
	}
}

type benchModule struct{ name, dir, wasm, config string }

// benchModules are the guests measured by compile and instantiate: the small
// WAT guest, and the Go guest when it has been built.
func benchModules(b *testing.B) []benchModule {
	mods := []benchModule{{"wat-echo", smallDir, "echo.wasm", "echo.config.json"}}
	for _, f := range []benchModule{
		{"c-echo", "../testdata/wasm", "c-echo.wasm", "c-echo.config.json"},
		{"go-bench", "../testdata/wasm", "go-bench.wasm", "go-bench.config.json"},
	} {
		if _, err := os.Stat(filepath.Join(f.dir, f.wasm)); err == nil {
			mods = append(mods, f)
		}
	}
	return mods
}
