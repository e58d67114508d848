package meter

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// instantiateEquiv instantiates testdata/equiv.wasm (or its instrumented
// form when h is non-nil) with its imports in a fresh runtime.
func instantiateEquiv(t *testing.T, ctx context.Context, wasm []byte, h *testMeter) api.Module {
	t.Helper()
	rt := newRuntime(t, ctx, nil)
	_, err := rt.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func(a, b int32) int32 { return a + b }).Export("host_add").
		Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.InstantiateWithConfig(ctx, readTestdata(t, "envglobal.wasm"), wazero.NewModuleConfig().WithName("envg")); err != nil {
		t.Fatal(err)
	}
	if h != nil {
		instantiateMeter(t, ctx, rt, h)
	}
	mod, err := rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithName("equiv"))
	if err != nil {
		t.Fatal(err)
	}
	return mod
}

func TestInstrumentEquivalence(t *testing.T) {
	type call struct {
		fn   string
		args []uint64
	}
	u := func(v int32) uint64 { return uint64(uint32(v)) }
	// The order matters: table_ops, reffunc and table_grow build on each
	// other's table writes, and the second table_ops traps on a dropped
	// segment in both modules.
	calls := []call{
		{"started", nil},
		{"sum", []uint64{0}}, {"sum", []uint64{1}}, {"sum", []uint64{1000}},
		{"fib", []uint64{0}}, {"fib", []uint64{1}}, {"fib", []uint64{20}},
		{"nested", []uint64{0}}, {"nested", []uint64{5}}, {"nested", []uint64{50}}, {"nested", []uint64{1000}},
		{"mv", []uint64{1, 2}}, {"mv", []uint64{5, 999}}, {"mv", []uint64{3, 1001}},
		{"mv_ret", []uint64{0}}, {"mv_ret", []uint64{5}},
		{"early", []uint64{0}}, {"early", []uint64{7}},
		{"brtable", []uint64{0}}, {"brtable", []uint64{1}}, {"brtable", []uint64{2}},
		{"brtable", []uint64{3}}, {"brtable", []uint64{u(-1)}},
		{"brtable_loop", []uint64{1}}, {"brtable_loop", []uint64{2}}, {"brtable_loop", []uint64{10}},
		{"loop_results", []uint64{0}}, {"loop_results", []uint64{10}}, {"loop_results", []uint64{5000}},
		{"loop_mv", []uint64{0}}, {"loop_mv", []uint64{77}},
		{"indirect", []uint64{0, 5}}, {"indirect", []uint64{1, 5}}, {"indirect", []uint64{2, 5}},
		{"indirect", []uint64{5, 5}}, {"indirect", []uint64{6, 5}}, {"indirect", []uint64{100, 5}},
		{"indirect_t2", []uint64{0, 4}}, {"indirect_t2", []uint64{1, 4}},
		{"table_ops", []uint64{3}}, {"table_ops", []uint64{3}},
		{"reffunc", []uint64{9}},
		{"table_grow", []uint64{2}}, {"table_grow", []uint64{3}},
		{"simd", []uint64{3, 4}}, {"simd", []uint64{u(-1), 7}},
		{"simd_loop", []uint64{10}},
		{"bulk", []uint64{16}}, {"bulk", []uint64{100}}, {"bulk", []uint64{70000}},
		{"callhost", []uint64{10}},
		{"misc", []uint64{u(-3), api.EncodeF64(2.5e10)}}, {"misc", []uint64{200, api.EncodeF64(math.Inf(-1))}},
		{"deadcode", []uint64{5}}, {"deadcode", []uint64{5}},
		{"reexport", []uint64{2, 3}},
	}
	ctx := context.Background()
	orig := readTestdata(t, "equiv.wasm")
	for _, depth := range []uint32{0, 64} {
		t.Run(fmt.Sprintf("depth=%d", depth), func(t *testing.T) {
			h := &testMeter{chunk: 1 << 20}
			want := instantiateEquiv(t, ctx, orig, nil)
			got := instantiateEquiv(t, ctx, mustInstrument(t, orig, Options{MaxCallDepth: depth}), h)
			for i, c := range calls {
				wr, werr := want.ExportedFunction(c.fn).Call(ctx, c.args...)
				gr, gerr := got.ExportedFunction(c.fn).Call(ctx, c.args...)
				if (werr != nil) != (gerr != nil) || !slices.Equal(wr, gr) {
					t.Fatalf("call[%d] %s%v: original %v, %v; instrumented %v, %v", i, c.fn, c.args, wr, werr, gr, gerr)
				}
				if depth == 0 {
					continue
				}
				d := got.ExportedGlobal(ExportDepth).(api.MutableGlobal)
				if gerr != nil {
					d.Set(0) // a trap skips the decrements; a host resets the depth
				} else if d.Get() != 0 {
					t.Fatalf("call[%d] %s%v: depth %d after return, want 0", i, c.fn, c.args, d.Get())
				}
			}
			if h.refuels == 0 {
				t.Fatal("refuel never called")
			}
			if left := int64(fuelGlobal(t, got).Get()); left < 0 || left >= h.chunk {
				t.Fatalf("fuel left %d outside [0, %d)", left, h.chunk)
			}
		})
	}
}

// TestInstrumentNames checks that the name section follows the renumbering:
// every exported function keeps its name and parameter names.
func TestInstrumentNames(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t, ctx, nil)
	orig := readTestdata(t, "equiv.wasm")
	want, err := rt.CompileModule(ctx, orig)
	if err != nil {
		t.Fatal(err)
	}
	got, err := rt.CompileModule(ctx, mustInstrument(t, orig, Options{MaxCallDepth: 8}))
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for name, wd := range want.ExportedFunctions() {
		gd := got.ExportedFunctions()[name]
		if gd == nil {
			t.Fatalf("export %q missing", name)
		}
		if wd.Name() != gd.Name() || !slices.Equal(wd.ParamNames(), gd.ParamNames()) {
			t.Errorf("export %q: names %q %q, want %q %q", name, gd.Name(), gd.ParamNames(), wd.Name(), wd.ParamNames())
		}
		if wd.Name() != "" {
			named++
		}
	}
	if named < len(want.ExportedFunctions())-1 {
		t.Fatalf("only %d named exports: fixture lost its name section", named)
	}
	imports := map[string]bool{}
	for _, d := range got.ImportedFunctions() {
		mod, name, _ := d.Import()
		imports[mod+"."+name] = true
	}
	for _, name := range []string{ImportRefuel, ImportOverflow} {
		if !imports[ImportModule+"."+name] {
			t.Errorf("import %s.%s missing; have %v", ImportModule, name, imports)
		}
	}
}
