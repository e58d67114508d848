package meter

import (
	"context"
	"math/rand/v2"
	"testing"
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
