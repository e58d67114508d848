package meter

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// FuzzInstrument feeds Instrument arbitrary bytes (seeded with the testdata
// modules, so the fuzzer's mutations start from valid modules) and, when
// generate is set, modules built by genModule from the bytes. It checks:
//   - Instrument never panics;
//   - if wazero accepts the input, Instrument accepts it (unless it hits
//     ErrLimit or ErrReserved) and wazero accepts the output;
//   - for generated modules, every exported function returns the same
//     results, memory and global before and after instrumentation, as long
//     as it stays within a fuel budget and the depth limit, and each call is
//     charged at least the instructions it ran.
func FuzzInstrument(f *testing.F) {
	seeds, err := filepath.Glob("testdata/*.wasm")
	if err != nil {
		f.Fatal(err)
	}
	refuse, err := filepath.Glob("testdata/refuse/*.wasm")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range append(seeds, refuse...) {
		if filepath.Base(p) == "goguest.wasm" { // 3.4 MB: too slow to compile per input
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(0), false)
		f.Add(b, uint16(3), false)
	}
	f.Add([]byte{}, uint16(0), true)
	f.Add([]byte("\x03\x07\x06\x05\x04\x03\x02\x01\x10\x0f\x0e\x0d\x0c\x0b\x0a\x09"), uint16(0), true)
	f.Add(bytes.Repeat([]byte{0x05, 0x06, 0x07, 0x0b, 0x0c}, 40), uint16(100), true)

	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCoreFeatures(api.CoreFeaturesV2))
	f.Cleanup(func() { rt.Close(ctx) })

	f.Fuzz(func(t *testing.T, data []byte, depth uint16, generate bool) {
		in := data
		if generate {
			in = genModule(data)
		}
		opts := Options{MaxCallDepth: uint32(depth)}
		out, ierr := Instrument(in, opts)
		if errors.Is(ierr, errPastEnd) || errors.Is(ierr, ErrLimit) {
			// wazero would allocate the count or the locals first:
			// gigabytes, seconds, or a fatal out-of-memory.
			return
		}
		inCM, cerr := rt.CompileModule(ctx, in)
		if cerr != nil {
			if generate {
				t.Fatalf("generated module invalid: %v", cerr)
			}
			return
		}
		defer inCM.Close(ctx)
		if ierr != nil {
			if errors.Is(ierr, ErrReserved) {
				return
			}
			t.Fatalf("wazero accepts the module, Instrument refuses it: %v", ierr)
		}
		outCM, err := rt.CompileModule(ctx, out)
		if err != nil {
			t.Fatalf("instrumented module invalid: %v", err)
		}
		defer outCM.Close(ctx)
		if generate {
			compareGenerated(t, ctx, in, out, data)
			checkChargesCover(t, ctx, in)
		}
	})
}

// compareGenerated runs every exported function of a generated module and
// its instrumented form with the same arguments, in order, and compares.
// It returns the number of calls compared.
func compareGenerated(t *testing.T, ctx context.Context, in, out, data []byte) int {
	wantRT := newRuntime(t, ctx, nil)
	gotRT := newRuntime(t, ctx, nil)
	imp := func(a, b int32) int32 { return a*31 + b }
	for _, rt := range []wazero.Runtime{wantRT, gotRT} {
		if _, err := rt.NewHostModuleBuilder("env").NewFunctionBuilder().WithFunc(imp).Export("imp").Instantiate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	h := &testMeter{chunk: 1 << 16, limit: 2 << 20}
	instantiateMeter(t, ctx, gotRT, h)
	want, err := wantRT.Instantiate(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := gotRT.Instantiate(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	args := [][]uint64{{0, 0}, {1, 2}, {0xffffffff, 7}}
	if len(data) >= 8 {
		args = append(args, []uint64{uint64(uint32(data[0])<<24 | uint32(data[1])), uint64(data[len(data)-1])})
	}
	compared := 0
	for i := 1; i <= 4; i++ {
		name := "f" + string(rune('0'+i))
		if want.ExportedFunction(name) == nil {
			break
		}
		for _, a := range args {
			// The instrumented module runs first: when it exhausts its fuel
			// or depth, the original may not terminate in reasonable time
			// and the two instances' states part ways, so stop there.
			gres, gerr := got.ExportedFunction(name).Call(ctx, a...)
			if errors.Is(gerr, errBudget) || errors.Is(gerr, errOverflow) {
				return compared
			}
			wres, werr := want.ExportedFunction(name).Call(ctx, a...)
			if (werr != nil) != (gerr != nil) || !slices.Equal(wres, gres) {
				t.Fatalf("%s%v: original %v, %v; instrumented %v, %v", name, a, wres, werr, gres, gerr)
			}
			compared++
			if gerr != nil {
				if d, ok := got.ExportedGlobal(ExportDepth).(api.MutableGlobal); ok {
					d.Set(0)
				}
			}
		}
	}
	wm, _ := want.Memory().Read(0, want.Memory().Size())
	gm, _ := got.Memory().Read(0, got.Memory().Size())
	if !bytes.Equal(wm, gm) || want.ExportedGlobal("g").Get() != got.ExportedGlobal("g").Get() {
		t.Fatal("memory or global differ after the calls")
	}
	return compared
}
