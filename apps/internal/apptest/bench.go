package apptest

import (
	"context"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime"
)

// BenchCompile measures validating, metering and compiling wasm under m in a fresh engine without a cache (closing it untimed).
func BenchCompile(b *testing.B, wasm []byte, m *abi.Manifest) {
	ctx := context.Background()
	for b.Loop() {
		e, err := runtime.NewEngine(ctx, EngineConfig())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Compile(ctx, wasm, m); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = e.Close(ctx)
		b.StartTimer()
	}
	b.ReportMetric(float64(len(wasm)), "module-bytes")
}

// BenchInstantiate measures a call on a fresh instance every time (an engine
// with no idle pool): instantiation and _initialize plus method with input,
// which must make no request and end with error code want ("" for success).
func BenchInstantiate(b *testing.B, wasm []byte, m *abi.Manifest, method string, input []byte, want abi.Code) {
	ctx := context.Background()
	eng, err := runtime.NewEngine(ctx, EngineConfig().WithMaxIdlePerPool(0))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = eng.Close(ctx) })
	app, err := eng.Compile(ctx, wasm, m)
	if err != nil {
		b.Fatal(err)
	}
	req := runtime.CallRequest{Installation: "bench", Method: method, Input: input}
	b.ReportAllocs()
	for b.Loop() {
		res := app.Call(ctx, req)
		var got abi.Code
		if res.Envelope.Error != nil {
			got = res.Envelope.Error.Code
		}
		if got != want || !res.Instantiated {
			b.Fatalf("call = %+v (instantiated %v), want code %q", res.Envelope, res.Instantiated, want)
		}
	}
}
