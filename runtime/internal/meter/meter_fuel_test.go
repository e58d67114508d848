package meter

import (
	"context"
	"errors"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// instantiateLoops instantiates the instrumented testdata/loops.wasm.
func instantiateLoops(t *testing.T, ctx context.Context, opts Options, h *testMeter) api.Module {
	t.Helper()
	rt := newRuntime(t, ctx, nil)
	instantiateMeter(t, ctx, rt, h)
	mod, err := rt.Instantiate(ctx, mustInstrument(t, readTestdata(t, "loops.wasm"), opts))
	if err != nil {
		t.Fatal(err)
	}
	return mod
}

// TestFuelCharges checks the exact charge of known code (see loops.wat):
// count(n) runs its 3 outer instructions once and its 9 loop instructions n
// times; fill(n) runs 5 instructions plus n/16 units for the bytes filled.
func TestFuelCharges(t *testing.T) {
	tests := []struct {
		fn   string
		arg  uint64
		want int64
	}{
		{"count", 1, 3 + 9},
		{"count", 1000, 3 + 9*1000},
		{"count", 123457, 3 + 9*123457},
		{"fill", 0, 5},
		{"fill", 65536, 5 + 65536/16},
		{"calls", 100, 100 * 15},
		// 11 calls; the longest path through rec's body is the else arm:
		// local.get i32.eqz if [i32.const else] i32.const local.get
		// i32.const i32.sub call i32.add end end = 11 of its 13 instructions.
		{"rec", 10, 11 * 11},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.fn, func(t *testing.T) {
			h := &testMeter{chunk: 1 << 40}
			mod := instantiateLoops(t, ctx, Options{}, h)
			fuel := fuelGlobal(t, mod)
			fuel.Set(1 << 40)
			if _, err := mod.ExportedFunction(tt.fn).Call(ctx, tt.arg); err != nil {
				t.Fatal(err)
			}
			if used := int64(1<<40 - fuel.Get()); used != tt.want {
				t.Fatalf("%s(%d) used %d fuel, want %d", tt.fn, tt.arg, used, tt.want)
			}
			if h.refuels != 0 {
				t.Fatalf("refuel called %d times with fuel to spare", h.refuels)
			}
		})
	}
}

// TestRefuelCadence checks that a long loop hands control to refuel once per
// chunk and that refuel sees every unit used.
func TestRefuelCadence(t *testing.T) {
	ctx := context.Background()
	const chunk, n = 1000, 100_000
	h := &testMeter{chunk: chunk}
	mod := instantiateLoops(t, ctx, Options{}, h)
	if _, err := mod.ExportedFunction("count").Call(ctx, n); err != nil {
		t.Fatal(err)
	}
	used := h.used + h.lastSet - int64(fuelGlobal(t, mod).Get())
	if used != 3+9*n {
		t.Fatalf("used %d, want %d", used, 3+9*n)
	}
	// The first charge finds the initial 0 fuel and refuels; after that one
	// refuel per chunk plus the overdraft of at most one 9-unit charge, which
	// the test host forgives.
	if lo, hi := used/(chunk+9), used/chunk+2; int64(h.refuels) < lo || int64(h.refuels) > hi {
		t.Fatalf("%d refuels for %d units in chunks of %d, want %d..%d", h.refuels, used, chunk, lo, hi)
	}
}

func TestInfiniteLoopTraps(t *testing.T) {
	ctx := context.Background()
	const chunk, limit = 1 << 16, 10 << 20
	h := &testMeter{chunk: chunk, limit: limit}
	mod := instantiateLoops(t, ctx, Options{}, h)
	_, err := mod.ExportedFunction("spin").Call(ctx)
	if !errors.Is(err, errBudget) {
		t.Fatalf("spin returned %v, want %v", err, errBudget)
	}
	if h.used < limit || h.used > limit+chunk {
		t.Fatalf("trapped after %d units, want %d..%d", h.used, limit, limit+chunk)
	}
}

// TestBulkChargedBeforeRunning checks that a bulk operation longer than the
// budget traps before it runs: memory stays untouched.
func TestBulkChargedBeforeRunning(t *testing.T) {
	ctx := context.Background()
	h := &testMeter{chunk: 1 << 10, limit: 1 << 10}
	mod := instantiateLoops(t, ctx, Options{}, h)
	_, err := mod.ExportedFunction("fill").Call(ctx, 65536)
	if !errors.Is(err, errBudget) {
		t.Fatalf("fill returned %v, want %v", err, errBudget)
	}
	if b, _ := mod.Memory().ReadByte(0); b != 0 {
		t.Fatalf("memory[0] = %d: fill ran before the charge", b)
	}
}

func TestDepthOverflow(t *testing.T) {
	ctx := context.Background()
	const max = 50
	tests := []struct {
		n       uint64
		wantErr bool
	}{
		{n: 0},
		{n: max - 1}, // rec(n) nests n+1 calls
		{n: max, wantErr: true},
		{n: 100_000, wantErr: true},
	}
	for _, tt := range tests {
		h := &testMeter{chunk: 1 << 30}
		mod := instantiateLoops(t, ctx, Options{MaxCallDepth: max}, h)
		res, err := mod.ExportedFunction("rec").Call(ctx, tt.n)
		if tt.wantErr {
			if !errors.Is(err, errOverflow) {
				t.Fatalf("rec(%d) = %v, %v; want %v", tt.n, res, err, errOverflow)
			}
			if h.overflowDepth != max+1 {
				t.Fatalf("rec(%d): overflow at depth %d, want %d", tt.n, h.overflowDepth, max+1)
			}
			continue
		}
		if err != nil || res[0] != tt.n {
			t.Fatalf("rec(%d) = %v, %v", tt.n, res, err)
		}
		if d := mod.ExportedGlobal(ExportDepth).Get(); d != 0 {
			t.Fatalf("rec(%d): depth %d after return", tt.n, d)
		}
	}
}

// TestNoDepthWithoutOption checks that MaxCallDepth 0 adds neither the depth
// global nor the overflow import.
func TestNoDepthWithoutOption(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t, ctx, nil)
	cm, err := rt.CompileModule(ctx, mustInstrument(t, readTestdata(t, "loops.wasm"), Options{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range cm.ImportedFunctions() {
		if _, name, _ := d.Import(); name == ImportOverflow {
			t.Fatal("overflow imported with MaxCallDepth 0")
		}
	}
	instantiateMeter(t, ctx, rt, &testMeter{chunk: 1})
	mod, err := rt.InstantiateModule(ctx, cm, wazero.NewModuleConfig())
	if err != nil {
		t.Fatal(err)
	}
	if mod.ExportedGlobal(ExportDepth) != nil {
		t.Fatal("depth global exported with MaxCallDepth 0")
	}
	fuelGlobal(t, mod)
}
