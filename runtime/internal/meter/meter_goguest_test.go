package meter

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// goGuestEvent is a Cal.com-style event for testdata/goguest.
const goGuestEvent = `{"title":"Quarterly planning – Zürich office","startTime":"2026-03-02T09:00:00Z",` +
	`"endTime":"2026-03-02T10:30:00Z","attendees":[{"name":"Ana","email":"Ana@Example.com","timeZone":"Europe/Zurich"},` +
	`{"name":"Bo","email":"bo@example.net","timeZone":"America/New_York"},{"name":"Chen","email":"CHEN@example.org","timeZone":"Asia/Shanghai"}],` +
	`"description":"Agenda: review the roadmap, staffing, budget and the hiring plan for the next two quarters."}`

// instantiateGoGuest instantiates a Go wasip1 reactor with real clocks and
// runs its _initialize.
func instantiateGoGuest(t testing.TB, ctx context.Context, rt wazero.Runtime, wasm []byte) api.Module {
	t.Helper()
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		t.Fatal(err)
	}
	cfg := wazero.NewModuleConfig().WithName("").
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithStartFunctions("_initialize")
	mod, err := rt.InstantiateWithConfig(ctx, wasm, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return mod
}

// goGuest calls the guest's process export on in and returns a copy of the
// output.
type goGuest struct {
	mod                  api.Module
	alloc, process, free api.Function
}

func newGoGuest(mod api.Module) *goGuest {
	return &goGuest{mod: mod, alloc: mod.ExportedFunction("alloc"),
		process: mod.ExportedFunction("process"), free: mod.ExportedFunction("free")}
}

func (g *goGuest) call(ctx context.Context, in []byte) ([]byte, error) {
	res, err := g.alloc.Call(ctx, uint64(len(in)))
	if err != nil {
		return nil, fmt.Errorf("alloc: %w", err)
	}
	ptr := uint32(res[0])
	if !g.mod.Memory().Write(ptr, in) {
		return nil, fmt.Errorf("write input[%d bytes] at %#x out of range", len(in), ptr)
	}
	if res, err = g.process.Call(ctx, uint64(ptr), uint64(len(in))); err != nil {
		return nil, fmt.Errorf("process: %w", err)
	}
	outPtr, outLen := uint32(res[0]>>32), uint32(res[0])
	out, ok := g.mod.Memory().Read(outPtr, outLen)
	if !ok {
		return nil, fmt.Errorf("output[%d bytes] at %#x out of range", outLen, outPtr)
	}
	out = bytes.Clone(out)
	for _, p := range []uint32{ptr, outPtr} {
		if _, err := g.free.Call(ctx, uint64(p)); err != nil {
			return nil, fmt.Errorf("free: %w", err)
		}
	}
	return out, nil
}

// TestGoGuestEquivalence runs a standard-Go module (runtime, GC, reflection,
// encoding/json) before and after instrumentation and compares outputs.
func TestGoGuestEquivalence(t *testing.T) {
	ctx := context.Background()
	orig := readTestdata(t, "goguest.wasm")
	inputs := [][]byte{
		[]byte(goGuestEvent),
		[]byte(`{"title":`),
		[]byte(`{"title":"x","attendees":[` + strings.Repeat(`{"name":"n","email":"E@X.COM"},`, 500) + `{}]}`),
		[]byte(`{"description":"` + strings.Repeat("lorem ipsum dolor sit amet ", 4000) + `"}`),
	}
	wantRT := newRuntime(t, ctx, nil)
	want := newGoGuest(instantiateGoGuest(t, ctx, wantRT, orig))
	for _, depth := range []uint32{0, 10_000} {
		t.Run(fmt.Sprintf("depth=%d", depth), func(t *testing.T) {
			rt := newRuntime(t, ctx, nil)
			h := &testMeter{chunk: 1 << 20}
			instantiateMeter(t, ctx, rt, h)
			got := newGoGuest(instantiateGoGuest(t, ctx, rt, mustInstrument(t, orig, Options{MaxCallDepth: depth})))
			// Repeat so that the guest's own garbage collector runs.
			for round := range 40 {
				for i, in := range inputs {
					w, err := want.call(ctx, in)
					if err != nil {
						t.Fatal(err)
					}
					g, err := got.call(ctx, in)
					if err != nil {
						t.Fatalf("round %d input %d: %v", round, i, err)
					}
					if !bytes.Equal(w, g) {
						t.Fatalf("round %d input %d: outputs differ:\noriginal     %.200s\ninstrumented %.200s", round, i, w, g)
					}
				}
			}
			if h.refuels < 2 {
				t.Fatalf("%d refuels: metering inactive", h.refuels)
			}
			if depth > 0 && got.mod.ExportedGlobal(ExportDepth).Get() != 0 {
				t.Fatal("depth not back to 0")
			}
		})
	}
}
