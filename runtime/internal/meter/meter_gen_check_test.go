package meter

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/tetratelabs/wazero/api"
)

// TestGeneratedModules runs FuzzInstrument's generated-module check on a
// fixed set of pseudo-random inputs, so that plain `go test` covers it.
func TestGeneratedModules(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	loops, calls, compared := 0, 0, 0
	for i := range 300 {
		data := make([]byte, 64+rng.IntN(1500))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		in := genModule(data)
		if err := compileV2(in); err != nil {
			t.Fatalf("input %d: generated module invalid: %v", i, err)
		}
		depth := uint32(0)
		if i%2 == 1 {
			depth = uint32(1 + rng.IntN(8))
		}
		out, err := Instrument(in, Options{MaxCallDepth: depth})
		if err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
		m, _ := parseModule(in)
		f := &funcRewrite{m: m}
		r := &reader{buf: m.payload(secCode)}
		n, _ := r.u32()
		for range n {
			body, _ := r.vec()
			br := &reader{buf: body}
			nd, _ := br.u32()
			for range nd {
				br.u32()
				br.byte()
			}
			info, err := f.scan(body[br.pos:])
			if err != nil {
				t.Fatal(err)
			}
			loops += len(info.costs) - 1
			if len(info.cached) > 0 && !info.cached[0] {
				calls++
			}
		}
		compared += compareGenerated(t, ctx, in, out, data)
	}
	t.Logf("%d loops, %d loop nests with calls, %d calls compared", loops, calls, compared)
	if loops < 100 || calls < 10 || compared < 1000 {
		t.Fatalf("generator too tame: %d loops, %d nests with calls, %d calls compared", loops, calls, compared)
	}
}

// countEveryInstruction returns wasm with a counter bumped before every
// instruction of every body: four instructions (global.get; i64.const 1;
// i64.add; global.set) on the same path as the one they count. The counter
// is a new global exported as "count".
func countEveryInstruction(t *testing.T, wasm []byte) []byte {
	t.Helper()
	m, err := parseModule(wasm)
	if err != nil {
		t.Fatal(err)
	}
	counter := m.importedGlobal + m.definedGlobals
	bump := appendU32(append(appendU32([]byte{opcGlobalGet}, counter), opcI64Const, 1, 0x7c, opcGlobalSet), counter)
	r := &reader{buf: m.payload(secCode)}
	n, _ := r.u32()
	code := appendU32(nil, n)
	for range n {
		body, err := r.vec()
		if err != nil {
			t.Fatal(err)
		}
		br := &reader{buf: body}
		nd, _ := br.u32()
		for range nd {
			br.u32()
			br.byte()
		}
		out := bytes.Clone(body[:br.pos])
		d := decoder{r: reader{buf: body, pos: br.pos}}
		for !d.r.eof() {
			in, err := d.next()
			if err != nil {
				t.Fatal(err)
			}
			out = append(append(out, bump...), body[in.start:in.end]...)
		}
		code = appendVec(code, out)
	}
	var gr *reader
	if p := m.payload(secGlobal); p != nil {
		gr = &reader{buf: p}
	}
	globals, err := m.rewriteGlobals(gr, [][]byte{{valI64, 1, opcI64Const, 0, opcEnd}})
	if err != nil {
		t.Fatal(err)
	}
	ex, cnt, err := m.rewriteExports(&reader{buf: m.payload(secExport)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	exports := appendU32(append(appendVec(append(appendU32(nil, cnt+1), ex...), []byte("count")), 0x03), counter)
	out, err := m.assemble(map[byte][]byte{secCode: code, secGlobal: globals, secExport: exports})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestChargesCoverExecution checks the soundness of the path bound on
// generated code: metering a module whose every instruction is counted, the
// fuel used by each call is at least the number of instructions it ran.
func TestChargesCoverExecution(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	checked := 0
	for range 150 {
		data := make([]byte, 64+rng.IntN(1500))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		checked += checkChargesCover(t, ctx, genModule(data))
	}
	if checked < 300 {
		t.Fatalf("only %d calls checked", checked)
	}
}

// checkChargesCover runs the exported functions f1..f4 of a generated
// module, counted and metered, and returns how many calls it checked.
func checkChargesCover(t *testing.T, ctx context.Context, wasm []byte) int {
	counted := countEveryInstruction(t, wasm)
	metered := mustInstrument(t, counted, Options{})
	rt := newRuntime(t, ctx, nil)
	if _, err := rt.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func(a, b int32) int32 { return a*31 + b }).Export("imp").Instantiate(ctx); err != nil {
		t.Fatal(err)
	}
	h := &testMeter{chunk: 1 << 16, limit: 2 << 20}
	instantiateMeter(t, ctx, rt, h)
	mod, err := rt.Instantiate(ctx, metered)
	if err != nil {
		t.Fatal(err)
	}
	count := mod.ExportedGlobal("count").(api.MutableGlobal)
	fuel := fuelGlobal(t, mod)
	checked := 0
	for i := 1; i <= 4; i++ {
		fn := mod.ExportedFunction("f" + string(rune('0'+i)))
		if fn == nil {
			break
		}
		for _, args := range [][]uint64{{0, 0}, {1, 2}, {0xffffffff, 7}} {
			count.Set(0)
			fuel.Set(1 << 40)
			h.lastSet = 1 << 40
			h.used = 0
			_, err := fn.Call(ctx, args...)
			if errors.Is(err, errBudget) {
				return checked
			}
			used := h.used + h.lastSet - int64(fuel.Get())
			// Each counted instruction is five instructions of the metered
			// module: the counted one and its four-instruction bump.
			if ran := 5 * int64(count.Get()); used < ran {
				t.Fatalf("f%d%v ran %d instructions but was charged %d", i, args, ran, used)
			}
			checked++
		}
	}
	return checked
}
