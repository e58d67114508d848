package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	"github.com/slotbox/slotbox/runtime/internal/meter"
)

// TestExtismABIDetection checks which path an app takes: extism/1 in the
// manifest, or a module that imports the Extism kernel without the slotbox/1
// marker under the default ABI (ParseManifest fills in slotbox/1).
func TestExtismABIDetection(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	ctx := context.Background()
	extismWasm, _ := readFixture(t, extismWATDir, "echo.wasm", "")
	nativeWasm, _ := readFixture(t, smallDir, "hostcalls.wasm", "")
	tests := []struct {
		name    string
		wasm    []byte
		abiName string
		want    string // the app's ABI, or "" for a refusal
		rule    string
	}{
		{"extism_declared", extismWasm, abi.ExtismVersion, abi.ExtismVersion, ""},
		{"extism_no_abi", extismWasm, "", abi.ExtismVersion, ""},
		{"extism_default_abi", extismWasm, abi.Version, abi.ExtismVersion, ""},
		{"native_default_abi", nativeWasm, abi.Version, abi.Version, ""},
		{"native_under_extism", nativeWasm, abi.ExtismVersion, "", RuleImport},
		{"unknown_abi", extismWasm, "wasi/2", "", RuleABI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &abi.Manifest{Name: "detect", ABI: tt.abiName, Permissions: abi.Permissions{KV: true}}
			app, err := e.Compile(ctx, tt.wasm, m)
			if tt.want == "" {
				var ve *ValidationError
				if !errors.As(err, &ve) || !ve.Has(tt.rule, "") {
					t.Fatalf("error %v; want rule %s", err, tt.rule)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer app.Close(ctx)
			if app.ABI() != tt.want {
				t.Fatalf("ABI() = %s; want %s", app.ABI(), tt.want)
			}
		})
	}
}

// TestExtismCloseWhileCalling closes an app while one of its instances is
// inside a host function: the call finishes on its runtime, which closes
// only after that instance, and later calls answer that the app is closed.
func TestExtismCloseWhileCalling(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	wasm, m := readFixture(t, extismWATDir, "relay.wasm", "relay.config.json")
	ctx := context.Background()
	app, err := e.Compile(ctx, wasm, m)
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	funcs := map[string]hostfuncs.Func{abi.ImportKVGet: func(context.Context, []byte) (json.RawMessage, error) {
		close(entered)
		<-release
		return json.RawMessage(`{"value":"v"}`), nil
	}}
	done := make(chan *Result)
	go func() {
		done <- app.Call(ctx, CallRequest{Installation: "i", Method: "test.kv_get", Input: []byte(`{"key":"k"}`), Funcs: funcs})
	}()
	<-entered
	if err := app.Close(ctx); err != nil {
		t.Fatal(err)
	}
	close(release)
	res := <-done
	if res.Envelope.Error != nil || string(res.Envelope.OK) != `{"ok":{"value":"v"}}` {
		t.Fatalf("in-flight call answered %+v", res.Envelope)
	}
	app.ext.mu.Lock()
	live, closed := app.ext.live, app.ext.closed
	app.ext.mu.Unlock()
	if live != 0 || !closed {
		t.Fatalf("after the call: %d live instances, closed=%v; want 0, true", live, closed)
	}
	if s := e.Stats(); s.LiveInstances != 0 {
		t.Fatalf("engine stats %+v; want no live instance", s)
	}
	res = app.Call(ctx, CallRequest{Installation: "i", Method: "test.kv_get", Input: []byte(`{}`)})
	if res.Envelope.Error == nil || res.Envelope.Error.Code != abi.CodeHostError {
		t.Fatalf("call after close answered %+v; want HOST_ERROR", res.Envelope)
	}
}

// TestExtismPools checks that Extism instances live in the engine's pools
// like native ones: reused per installation, counted with their kernel's
// memory in the idle budget, evicted per installation.
func TestExtismPools(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	wasm, m := readFixture(t, extismWATDir, "echo.wasm", "plugin.config.json")
	ctx := context.Background()
	app, err := e.Compile(ctx, wasm, m)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	call := func(inst string) *Result {
		res := app.Call(ctx, CallRequest{Installation: inst, Method: "test.echo", Input: []byte(`{"n":1}`)})
		if res.Envelope.Error != nil {
			t.Fatal(res.Envelope.Error)
		}
		return res
	}
	if !call("a").Instantiated || call("a").Instantiated || !call("b").Instantiated {
		t.Fatal("want one new instance per installation, reused by the next call")
	}
	s := e.Stats()
	if s.IdleInstances != 2 || s.LiveInstances != 2 {
		t.Fatalf("stats %+v; want 2 idle of 2 live", s)
	}
	p, _ := app.pool("a")
	in := p.take()
	guest, kernel := uint64(in.mod.Memory().Size()), uint64(in.ext.memory().Size())
	p.put(ctx, in, time.Now())
	if kernel == 0 || e.Stats().IdleBytes != 2*(guest+kernel+app.overhead) {
		t.Fatalf("idle bytes %d; want 2 x (guest %d + kernel %d + overhead %d)", e.Stats().IdleBytes, guest, kernel, app.overhead)
	}
	app.Evict(ctx, "a")
	if s := e.Stats(); s.IdleInstances != 1 || s.LiveInstances != 1 {
		t.Fatalf("after evicting a: %+v; want 1 idle of 1 live", s)
	}
	if !call("a").Instantiated {
		t.Fatal("a call after eviction reused an evicted instance")
	}
}

// TestExtismCacheDir compiles a plugin with an on-disk cache, closes
// everything, and compiles it again from the cache in a new engine; an app
// closed after its engine does not panic.
func TestExtismCacheDir(t *testing.T) {
	ctx := context.Background()
	cfg := NewConfig().WithCacheDir(t.TempDir())
	wasm, m := readFixture(t, extismWATDir, "echo.wasm", "plugin.config.json")
	for round := range 2 {
		e, err := NewEngine(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		app, err := e.Compile(ctx, wasm, m)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		res := app.Call(ctx, CallRequest{Installation: "i", Method: "test.echo", Input: []byte(`[1]`)})
		if res.Envelope.Error != nil || string(res.Envelope.OK) != `[1]` {
			t.Fatalf("round %d: %+v", round, res.Envelope)
		}
		if round == 0 {
			_ = app.Close(ctx)
			_ = e.Close(ctx)
		} else {
			_ = e.Close(ctx)
			_ = app.Close(ctx)
		}
	}
}

// TestExtismSDKLayout guards pluginMainModule, which reads an unexported
// field of go-sdk v1.7.1: it must find the main module (where the metering
// put its fuel global) and fail cleanly on a plugin without one.
func TestExtismSDKLayout(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	wasm, m := readFixture(t, extismWATDir, "echo.wasm", "plugin.config.json")
	ctx := context.Background()
	app, err := e.Compile(ctx, wasm, m)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	plugin, err := app.ext.compiled.Instance(ctx, extism.PluginInstanceConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer plugin.Close(ctx)
	mod, err := pluginMainModule(plugin)
	if err != nil {
		t.Fatal(err)
	}
	if mod.ExportedGlobal(meter.ExportFuel) == nil || mod.ExportedFunction("test_echo") == nil {
		t.Fatal("the module found is not the plugin's metered main module")
	}
	if _, err := pluginMainModule(&extism.Plugin{}); err == nil {
		t.Fatal("a plugin without a main module gave no error")
	}
}

// TestExtismConcurrentInstallations calls one Extism app from many
// goroutines, one installation each; run it with -race.
func TestExtismConcurrentInstallations(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	wasm, m := readFixture(t, extismWATDir, "echo.wasm", "plugin.config.json")
	ctx := context.Background()
	app, err := e.Compile(ctx, wasm, m)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	const workers, calls = 8, 40
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			inst := fmt.Sprintf("inst-%d", w)
			for i := range calls {
				in := fmt.Sprintf(`{"w":%d,"i":%d}`, w, i)
				res := app.Call(ctx, CallRequest{Installation: inst, Method: "test.echo", Input: []byte(in)})
				if res.Envelope.Error != nil || string(res.Envelope.OK) != in {
					errs <- fmt.Errorf("%s call %d: %+v", inst, i, res.Envelope)
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if s := e.Stats(); s.LiveInstances != workers {
		t.Fatalf("stats %+v; want one instance per installation", s)
	}
}
