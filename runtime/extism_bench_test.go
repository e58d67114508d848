package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	goruntime "runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
)

// Benchmarks of the Extism path against the native (slotbox/1) path for the
// same app logic:
//
//	go: testdata/wasm/go-bench.wasm (Slotbox Go SDK) and testdata/extism/gocal.wasm
//	    (Extism Go PDK) both run benchevent.Compute for calendar.createEvent
//	    on guest-sdk/go/examples/bench/benchevent/sample.json
//	wat: testdata/wasm/small/{echo,hostcalls}.wasm and testdata/extism/wat/echo.wasm,
//	    hand-written, doing the same steps per ABI
//
// Run: go test ./runtime -run '^$' -bench Extism -count 5

// benchEngineConfig fits a standard-Go guest's _initialize in the fuel
// budget; both paths use it.
func benchEngineConfig() Config {
	return NewConfig().WithFuel(5_000_000_000).WithTimeout(30 * time.Second)
}

type benchPlugin struct {
	name, dir, wasm, config string
}

var (
	benchNativeGo = benchPlugin{"native-go-bench", "../testdata/wasm", "go-bench.wasm", "go-bench.config.json"}
	benchExtismGo = benchPlugin{"extism-go-pdk", extismDir, "gocal.wasm", "gocal.config.json"}
	benchNativeWA = benchPlugin{"native-wat", smallDir, "echo.wasm", "echo.config.json"}
	benchExtismWA = benchPlugin{"extism-wat", extismWATDir, "echo.wasm", "plugin.config.json"}
	benchNativeKV = benchPlugin{"native-wat", smallDir, "hostcalls.wasm", "hostcalls.config.json"}
)

// compileBench compiles a benchmark guest. Tables are bounded first, as the
// Extism path does at upload: standard Go declares its table without a
// maximum, which the slotbox/1 validation refuses.
func compileBench(b *testing.B, e *Engine, p benchPlugin) *App {
	b.Helper()
	wasm, m := readFixture(b, p.dir, p.wasm, p.config)
	wasm, err := rewriteForExtism(wasm, "", "", e.cfg.maxTableEntries)
	if err != nil {
		b.Fatal(err)
	}
	app, err := e.Compile(context.Background(), wasm, m)
	if err != nil {
		b.Fatalf("%s: %v", p.name, err)
	}
	b.Cleanup(func() { _ = app.Close(context.Background()) })
	return app
}

func benchSample(b *testing.B) []byte {
	in, err := os.ReadFile("../guest-sdk/go/examples/bench/benchevent/sample.json")
	if err != nil {
		b.Fatal(err)
	}
	return in
}

// benchCalls measures warm calls of req on one pooled instance.
func benchCalls(b *testing.B, app *App, req CallRequest) json.RawMessage {
	ctx := context.Background()
	first := app.Call(ctx, req)
	mustOK(b, first)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		mustOK(b, app.Call(ctx, req))
	}
	return first.Envelope.OK
}

// BenchmarkExtismCallWarm is one warm call on each path: the Go guests
// decode a ~1 KB event and answer a small NewCalendarEventType (the same
// result, checked), the WAT guests echo a 1 KB event.
func BenchmarkExtismCallWarm(b *testing.B) {
	e := newTestEngine(b, benchEngineConfig())
	sample := benchSample(b)
	results := map[string]json.RawMessage{}
	for _, p := range []benchPlugin{benchNativeGo, benchExtismGo} {
		app := compileBench(b, e, p)
		b.Run(p.name, func(b *testing.B) {
			results[p.name] = benchCalls(b, app, CallRequest{Installation: "i", Method: abi.MethodCalendarCreateEvent, Input: sample})
		})
	}
	if a, c := results[benchNativeGo.name], results[benchExtismGo.name]; a != nil && c != nil && !bytes.Equal(a, c) {
		b.Fatalf("the guests disagree: native %s, extism %s", a, c)
	}
	for _, p := range []benchPlugin{benchNativeWA, benchExtismWA} {
		app := compileBench(b, e, p)
		b.Run(p.name+"-echo", func(b *testing.B) {
			benchCalls(b, app, CallRequest{Installation: "i", Method: "test.echo", Input: event1KB})
		})
	}
}

// BenchmarkExtismHostFunction measures test.kvroundtrip (kv_set then kv_get,
// two host-function round trips) against calendar.listCalendars (none) on
// both paths with hand-written guests doing the same steps; half the
// difference is one round trip.
func BenchmarkExtismHostFunction(b *testing.B) {
	e := newTestEngine(b, benchEngineConfig())
	kv := &memKV{}
	funcs := kv.funcs()
	for _, p := range []benchPlugin{benchNativeKV, benchExtismWA} {
		app := compileBench(b, e, p)
		for _, method := range []string{"calendar.listCalendars", "test.kvroundtrip"} {
			b.Run(p.name+"/"+method, func(b *testing.B) {
				out := benchCalls(b, app, CallRequest{Installation: "i", Method: method, Input: []byte(`"hello"`), Funcs: funcs})
				// A slotbox/1 guest answers the kv_get envelope as its own;
				// an Extism plugin's output is the result, here that envelope.
				want := map[string]string{benchNativeKV.name: `{"value":"hello"}`, benchExtismWA.name: `{"ok":{"value":"hello"}}`}[p.name]
				if method == "test.kvroundtrip" && string(out) != want {
					b.Fatalf("kvroundtrip answered %s; want %s", out, want)
				}
			})
		}
	}
	// The Go PDK plugin's one-kv_get method against its no-op, for reference.
	app := compileBench(b, e, benchExtismGo)
	noop := map[string]hostfuncs.Func{abi.ImportKVGet: func(context.Context, []byte) (json.RawMessage, error) {
		return json.RawMessage(`{"value":null}`), nil
	}}
	for _, method := range []string{"test.noop", "test.kvGet"} {
		b.Run(benchExtismGo.name+"/"+method, func(b *testing.B) {
			benchCalls(b, app, CallRequest{Installation: "i", Method: method, Input: []byte(`{}`), Funcs: noop})
		})
	}
}

// BenchmarkExtismInstanceMemory keeps 20 warm idle instances (one per
// installation, 100 calls each) and reports what each holds: heap-B/inst is
// the Go heap it adds (linear memory included, after a GC), linear-B/inst
// its linear memory (for Extism, the guest's plus the kernel's).
func BenchmarkExtismInstanceMemory(b *testing.B) {
	const instances, warm = 20, 100
	sample := benchSample(b)
	for _, tt := range []struct {
		p      benchPlugin
		method string
		input  []byte
	}{
		{benchNativeGo, abi.MethodCalendarCreateEvent, sample},
		{benchExtismGo, abi.MethodCalendarCreateEvent, sample},
		{benchNativeWA, "test.echo", event1KB},
		{benchExtismWA, "test.echo", event1KB},
	} {
		b.Run(tt.p.name, func(b *testing.B) {
			e := newTestEngine(b, benchEngineConfig())
			app := compileBench(b, e, tt.p)
			ctx := context.Background()
			var heap, linear float64
			round := 0
			for b.Loop() {
				before := heapAfterGC()
				var names []string
				for i := range instances {
					name := fmt.Sprintf("mem-%d-%d", round, i)
					names = append(names, name)
					for range warm {
						mustOK(b, app.Call(ctx, CallRequest{Installation: name, Method: tt.method, Input: tt.input}))
					}
				}
				after := heapAfterGC()
				heap = float64(int64(after)-int64(before)) / instances
				linear = float64(e.Stats().IdleBytes) / instances
				for _, name := range names {
					app.Evict(ctx, name)
				}
				round++
			}
			b.ReportMetric(heap, "heap-B/inst")
			b.ReportMetric(linear, "linear-B/inst")
		})
	}
}

func heapAfterGC() uint64 {
	goruntime.GC()
	debug.FreeOSMemory()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
