package meter

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

//go:generate sh testdata/build.sh

// Errors the test host's meter functions panic with; wazero turns the panic
// into the error the guest call returns.
var (
	errBudget   = errors.New("fuel budget exhausted")
	errOverflow = errors.New("call depth exceeded")
)

// testMeter is a host side of the meter: refuel grants chunk units at a time
// until limit units are used, then traps; overflow records the depth and
// traps.
type testMeter struct {
	chunk int64
	limit int64 // 0: unlimited

	used          int64 // fuel consumed according to the global
	lastSet       int64
	refuels       int
	overflowDepth int32
}

func (h *testMeter) refuel(_ context.Context, mod api.Module, _ []uint64) {
	g := mod.ExportedGlobal(ExportFuel).(api.MutableGlobal)
	left := int64(g.Get())
	h.used += h.lastSet - left
	h.refuels++
	if h.limit > 0 && h.used >= h.limit {
		panic(errBudget)
	}
	g.Set(uint64(h.chunk))
	h.lastSet = h.chunk
}

func (h *testMeter) overflow(_ context.Context, mod api.Module, _ []uint64) {
	h.overflowDepth = int32(mod.ExportedGlobal(ExportDepth).Get())
	panic(errOverflow)
}

// instantiateMeter adds the ImportModule host module to rt.
func instantiateMeter(t testing.TB, ctx context.Context, rt wazero.Runtime, h *testMeter) {
	t.Helper()
	_, err := rt.NewHostModuleBuilder(ImportModule).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(h.refuel), nil, nil).Export(ImportRefuel).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(h.overflow), nil, nil).Export(ImportOverflow).
		Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
}

// newRuntime returns a compiler-engine runtime with the features Slotbox
// enables, closed at the end of the test.
func newRuntime(t testing.TB, ctx context.Context, cfg wazero.RuntimeConfig) wazero.Runtime {
	t.Helper()
	if cfg == nil {
		cfg = wazero.NewRuntimeConfigCompiler()
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg.WithCoreFeatures(api.CoreFeaturesV2))
	t.Cleanup(func() { rt.Close(ctx) })
	return rt
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustInstrument(t testing.TB, wasm []byte, opts Options) []byte {
	t.Helper()
	out, err := Instrument(wasm, opts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fuelGlobal returns the instance's fuel global.
func fuelGlobal(t testing.TB, mod api.Module) api.MutableGlobal {
	t.Helper()
	g, ok := mod.ExportedGlobal(ExportFuel).(api.MutableGlobal)
	if !ok {
		t.Fatalf("no mutable global %q", ExportFuel)
	}
	return g
}

// compileV2 reports whether wazero's compiler accepts wasm with the features
// Slotbox enables.
func compileV2(wasm []byte) error {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCoreFeatures(api.CoreFeaturesV2))
	defer rt.Close(ctx)
	_, err := rt.CompileModule(ctx, wasm)
	return err
}
