package meter

import (
	"context"
	"runtime"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// benchChunk is the fuel a benchmark refuel grants: 1<<20 units.
const benchChunk = 1 << 20

// loop runs fn b.N times on a thread of its own and reports, beside the wall
// time, the thread's CPU time per op ("cpu-ns/op"): the guest runs on the
// calling goroutine, and on a shared machine the CPU time leaves out the
// time other processes hold the core.
func loop(b *testing.B, fn func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := threadCPU()
	n := 0
	for b.Loop() {
		fn()
		n++
	}
	if cpu := threadCPU() - start; start > 0 && n > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}

// instantiateBenchMeter adds a refuel that only resets the fuel global and
// an overflow that traps.
func instantiateBenchMeter(b *testing.B, ctx context.Context, rt wazero.Runtime) {
	b.Helper()
	refuel := func(_ context.Context, mod api.Module, _ []uint64) {
		mod.ExportedGlobal(ExportFuel).(api.MutableGlobal).Set(benchChunk)
	}
	overflow := func(context.Context, api.Module, []uint64) { panic(errOverflow) }
	_, err := rt.NewHostModuleBuilder(ImportModule).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(refuel), nil, nil).Export(ImportRefuel).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(overflow), nil, nil).Export(ImportOverflow).
		Instantiate(ctx)
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTightLoop runs 300,000,000 iterations of testdata/loops.wasm's
// count: unmetered, metered, and unmetered with WithCloseOnContextDone.
func BenchmarkTightLoop(b *testing.B) {
	const n = 300_000_000
	ctx := context.Background()
	orig := readTestdata(b, "loops.wasm")
	cases := []struct {
		name    string
		metered bool
		cfg     wazero.RuntimeConfig
	}{
		{"unmetered", false, wazero.NewRuntimeConfigCompiler()},
		{"metered", true, wazero.NewRuntimeConfigCompiler()},
		{"closeOnContextDone", false, wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(true)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			rt := newRuntime(b, ctx, c.cfg)
			wasm := orig
			if c.metered {
				instantiateBenchMeter(b, ctx, rt)
				wasm = mustInstrument(b, orig, Options{})
			}
			mod, err := rt.Instantiate(ctx, wasm)
			if err != nil {
				b.Fatal(err)
			}
			count := mod.ExportedFunction("count")
			loop(b, func() {
				res, err := count.Call(ctx, n)
				if err != nil || res[0] != n {
					b.Fatal(res, err)
				}
			})
		})
	}
}

// BenchmarkGoJSON calls the Go guest's JSON function (alloc, write, process,
// read, free twice) on a warm instance, metered and unmetered.
func BenchmarkGoJSON(b *testing.B) {
	ctx := context.Background()
	orig := readTestdata(b, "goguest.wasm")
	for _, c := range []struct {
		name string
		opts *Options
	}{
		{"unmetered", nil},
		{"metered", &Options{}},
		{"metered_depth", &Options{MaxCallDepth: 10_000}},
	} {
		b.Run(c.name, func(b *testing.B) {
			rt := newRuntime(b, ctx, nil)
			wasm := orig
			if c.opts != nil {
				instantiateBenchMeter(b, ctx, rt)
				wasm = mustInstrument(b, orig, *c.opts)
			}
			g := newGoGuest(instantiateGoGuest(b, ctx, rt, wasm))
			in := []byte(goGuestEvent)
			for range 2000 { // warm up the guest heap
				if _, err := g.call(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
			loop(b, func() {
				if _, err := g.call(ctx, in); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkInstrument measures the rewrite of the 3.4 MB Go guest.
func BenchmarkInstrument(b *testing.B) {
	wasm := readTestdata(b, "goguest.wasm")
	b.SetBytes(int64(len(wasm)))
	loop(b, func() {
		if _, err := Instrument(wasm, Options{MaxCallDepth: 10_000}); err != nil {
			b.Fatal(err)
		}
	})
}
