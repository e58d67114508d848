package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
)

// TestExtismHostFunctions calls each of Slotbox's host functions from an
// Extism plugin (testdata/extism/wat/relay.wat outputs the envelope block a
// host function answers) and checks that the plugin gets byte for byte the
// envelope a slotbox/1 guest would fetch with take_result, for an ok result,
// a guest-facing error, a host failure and an unbound function.
func TestExtismHostFunctions(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	wasm, m := readFixture(t, extismWATDir, "relay.wasm", "relay.config.json")
	ctx := context.Background()
	app, err := e.Compile(ctx, wasm, m)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	echo := func(_ context.Context, in []byte) (json.RawMessage, error) {
		return json.Marshal(map[string]json.RawMessage{"got": in})
	}
	denied := func(context.Context, []byte) (json.RawMessage, error) {
		return nil, abi.Errorf(abi.CodeRateLimited, "slow down")
	}
	broken := func(context.Context, []byte) (json.RawMessage, error) {
		return nil, errors.New("store unavailable")
	}
	input := []byte(`{"key":"k","method":"GET","url":"https://api.example.com/x","fields":["webhook_secret"]}`)
	for _, name := range []string{abi.ImportHTTPRequest, abi.ImportVaultGet, abi.ImportKVGet, abi.ImportKVSet, abi.ImportKVDelete} {
		for _, tt := range []struct {
			variant string
			funcs   map[string]hostfuncs.Func
			want    string
		}{
			{"ok", map[string]hostfuncs.Func{name: echo}, `{"ok":{"got":` + string(input) + `}}`},
			{"guest_error", map[string]hostfuncs.Func{name: denied}, `{"error":{"code":"RATE_LIMITED","message":"slow down","retryable":false}}`},
			{"host_error", map[string]hostfuncs.Func{name: broken}, `{"error":{"code":"HOST_ERROR","message":"store unavailable","retryable":false}}`},
			{"unbound", nil, `{"error":{"code":"PERMISSION_DENIED","message":"host function ` + name + ` is not bound for this installation","retryable":false}}`},
		} {
			t.Run(name+"/"+tt.variant, func(t *testing.T) {
				res := app.Call(ctx, CallRequest{Installation: "i", Method: "test." + name, Input: input, Funcs: tt.funcs})
				if res.Envelope.Error != nil {
					t.Fatal(res.Envelope.Error)
				}
				if string(res.Envelope.OK) != tt.want {
					t.Fatalf("plugin got %s; want %s", res.Envelope.OK, tt.want)
				}
				native := newCallState(ctx, e.cfg, time.Now(), 0, 0, tt.funcs).runHostFunc(name, input)
				if string(native) != string(res.Envelope.OK) {
					t.Fatalf("plugin got %s; a slotbox/1 guest gets %s", res.Envelope.OK, native)
				}
			})
		}
	}
	t.Run("log", func(t *testing.T) {
		res := app.Call(ctx, CallRequest{Installation: "i", Method: "test.log", Input: []byte(`"hello from a plugin"`)})
		if res.Envelope.Error != nil {
			t.Fatal(res.Envelope.Error)
		}
		if len(res.Logs) != 1 || res.Logs[0].Level != abi.LogWarn || res.Logs[0].Message != `"hello from a plugin"` {
			t.Fatalf("logs %+v", res.Logs)
		}
	})
	t.Run("input_over_cap", func(t *testing.T) {
		big := make([]byte, 0, e.cfg.maxHostInput+16)
		big = append(big, '"')
		for len(big) < e.cfg.maxHostInput+8 {
			big = append(big, 'x')
		}
		big = append(big, '"')
		e2 := newTestEngine(t, NewConfig().WithMaxInput(len(big)))
		app2, err := e2.Compile(ctx, wasm, m)
		if err != nil {
			t.Fatal(err)
		}
		defer app2.Close(ctx)
		called := false
		funcs := map[string]hostfuncs.Func{abi.ImportKVGet: func(context.Context, []byte) (json.RawMessage, error) {
			called = true
			return json.RawMessage(`{}`), nil
		}}
		res := app2.Call(ctx, CallRequest{Installation: "i", Method: "test.kv_get", Input: big, Funcs: funcs})
		// The host function answers 0 (no block): length(0) is 0, so the
		// plugin outputs nothing.
		if res.Envelope.Error == nil || res.Envelope.Error.Code != abi.CodeBadOutput || called {
			t.Fatalf("envelope %+v, called %v; want BAD_OUTPUT (no block) and the function never run", res.Envelope, called)
		}
	})
}
