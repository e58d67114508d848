package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
)

// fixtureCase is one row of a testdata/wasm/*/cases.json table.
type fixtureCase struct {
	Name   string          `json:"name"`
	Wasm   string          `json:"wasm"`
	Config string          `json:"config"`
	Phase  string          `json:"phase"`
	Method string          `json:"method"`
	Input  json.RawMessage `json:"input"`
	Expect struct {
		OK              json.RawMessage `json:"ok"`
		Code            abi.Code        `json:"code"`
		AppCode         string          `json:"app_code"`
		MessageContains string          `json:"message_contains"`
		Rule            string          `json:"rule"`
		Name            string          `json:"name"`
		Logs            []string        `json:"logs"`
		LogCapped       bool            `json:"log_capped"`
	} `json:"expect"`
	Limits struct {
		Fuel           int64   `json:"fuel"`
		TimeoutMS      int     `json:"timeout_ms"`
		MemoryBytes    uint64  `json:"memory_bytes"`
		MaxOutputBytes int     `json:"max_output_bytes"`
		MaxCallDepth   *uint32 `json:"max_call_depth"`
		MaxLogBytes    int     `json:"max_log_bytes"`
	} `json:"limits"`
}

func loadCases(t *testing.T, dir string) []fixtureCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []fixtureCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("%s/cases.json: %v", dir, err)
	}
	if len(cases) == 0 {
		t.Fatalf("%s/cases.json has no cases", dir)
	}
	return cases
}

func readFixture(t testing.TB, dir, wasmName, configName string) ([]byte, *abi.Manifest) {
	t.Helper()
	wasm, err := os.ReadFile(filepath.Join(dir, wasmName))
	if err != nil {
		t.Fatal(err)
	}
	m := &abi.Manifest{Name: "fixture", ABI: abi.Version}
	if configName != "" {
		b, err := os.ReadFile(filepath.Join(dir, configName))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, m); err != nil {
			t.Fatalf("%s: %v", configName, err)
		}
	}
	return wasm, m
}

// memKV is a map-backed stand-in for the kv host functions, enough to test
// the runtime's plumbing; hostfuncs/kv has the real, SQLite-backed one.
type memKV struct {
	mu sync.Mutex
	m  map[string]string
}

func (kv *memKV) funcs() map[string]hostfuncs.Func {
	kv.m = map[string]string{}
	return map[string]hostfuncs.Func{
		abi.ImportKVGet: func(_ context.Context, in []byte) (json.RawMessage, error) {
			var req struct{ Key string }
			if err := json.Unmarshal(in, &req); err != nil {
				return nil, abi.Errorf(abi.CodeInvalidInput, "%v", err)
			}
			kv.mu.Lock()
			defer kv.mu.Unlock()
			v, ok := kv.m[req.Key]
			if !ok {
				return json.RawMessage(`{"value":null}`), nil
			}
			return json.Marshal(map[string]string{"value": v})
		},
		abi.ImportKVSet: func(_ context.Context, in []byte) (json.RawMessage, error) {
			var req struct{ Key, Value string }
			if err := json.Unmarshal(in, &req); err != nil {
				return nil, abi.Errorf(abi.CodeInvalidInput, "%v", err)
			}
			kv.mu.Lock()
			defer kv.mu.Unlock()
			kv.m[req.Key] = req.Value
			return json.RawMessage(`{}`), nil
		},
	}
}

func newTestEngine(t testing.TB, cfg Config) *Engine {
	t.Helper()
	e, err := NewEngine(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	return e
}

func (c fixtureCase) config() Config {
	cfg := NewConfig()
	if c.Limits.Fuel > 0 {
		cfg = cfg.WithFuel(c.Limits.Fuel)
	}
	if c.Limits.TimeoutMS > 0 {
		cfg = cfg.WithTimeout(time.Duration(c.Limits.TimeoutMS) * time.Millisecond)
	}
	if c.Limits.MemoryBytes > 0 {
		cfg = cfg.WithMemoryLimit(c.Limits.MemoryBytes)
	}
	if c.Limits.MaxOutputBytes > 0 {
		cfg = cfg.WithMaxOutput(c.Limits.MaxOutputBytes)
	}
	if c.Limits.MaxLogBytes > 0 {
		cfg = cfg.WithMaxLog(c.Limits.MaxLogBytes)
	}
	if c.Limits.MaxCallDepth != nil {
		cfg = cfg.WithMaxCallDepth(*c.Limits.MaxCallDepth)
	}
	return cfg
}

// runCase runs one fixture case on its own engine and checks the outcome.
func runCase(t *testing.T, dir string, c fixtureCase) {
	ctx := context.Background()
	e := newTestEngine(t, c.config())
	wasm, m := readFixture(t, dir, c.Wasm, c.Config)
	app, err := e.Compile(ctx, wasm, m)
	if c.Phase == "validate" {
		var ve *ValidationError
		if err == nil {
			t.Fatalf("compiled; want a %q violation", c.Expect.Rule)
		}
		if !errorsAs(err, &ve) {
			t.Fatalf("error %v is not a *ValidationError", err)
		}
		if !ve.Has(c.Expect.Rule, c.Expect.Name) {
			t.Fatalf("violations %+v lack rule %q name %q", ve.Violations, c.Expect.Rule, c.Expect.Name)
		}
		if c.Expect.MessageContains != "" && !strings.Contains(err.Error(), c.Expect.MessageContains) {
			t.Fatalf("error %q lacks %q", err, c.Expect.MessageContains)
		}
		return
	}
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	defer app.Close(ctx)
	kv := &memKV{}
	input := []byte(c.Input)
	if len(input) == 0 {
		input = []byte("{}")
	}
	res := app.Call(ctx, CallRequest{Installation: "inst-1", Method: c.Method, Input: input, Funcs: kv.funcs()})
	env := res.Envelope
	if c.Expect.Code != "" {
		if env.Error == nil {
			t.Fatalf("ok %s; want error %s", env.OK, c.Expect.Code)
		}
		if env.Error.Code != c.Expect.Code {
			t.Fatalf("error %v; want code %s", env.Error, c.Expect.Code)
		}
		if c.Expect.AppCode != "" && env.Error.AppCode != c.Expect.AppCode {
			t.Fatalf("error %v; want app code %s", env.Error, c.Expect.AppCode)
		}
		if c.Expect.MessageContains != "" && !strings.Contains(env.Error.Message, c.Expect.MessageContains) {
			t.Fatalf("error %q lacks %q", env.Error.Message, c.Expect.MessageContains)
		}
	} else {
		if env.Error != nil {
			t.Fatalf("error %v; want ok %s", env.Error, c.Expect.OK)
		}
		if !jsonEqual(t, env.OK, c.Expect.OK) {
			t.Fatalf("ok %s; want %s", env.OK, c.Expect.OK)
		}
	}
	if c.Expect.Logs != nil {
		var got []string
		for _, l := range res.Logs {
			got = append(got, l.Message)
		}
		if strings.Join(got, "\n") != strings.Join(c.Expect.Logs, "\n") {
			t.Fatalf("logged %q; want %q", got, c.Expect.Logs)
		}
	}
	if c.Expect.LogCapped {
		kept := 0
		for _, l := range res.Logs {
			kept += len(l.Message)
		}
		last := res.Logs[len(res.Logs)-1]
		if kept > c.config().maxLog+len(last.Message) || res.LogsDropped == 0 || !strings.HasPrefix(last.Message, "log truncated") {
			t.Fatalf("kept %d bytes in %d lines, dropped %d, last %q; want at most %d bytes, a truncation marker and drops",
				kept, len(res.Logs), res.LogsDropped, last.Message, c.config().maxLog)
		}
	}
	// The host is still fine: a good module still runs on the same engine.
	checkEngineHealthy(t, e)
}

func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

func checkEngineHealthy(t *testing.T, e *Engine) {
	t.Helper()
	ctx := context.Background()
	wasm, m := readFixture(t, smallDir, "echo.wasm", "echo.config.json")
	app, err := e.Compile(ctx, wasm, m)
	if err != nil {
		t.Fatalf("engine unhealthy: compile echo: %v", err)
	}
	defer app.Close(ctx)
	res := app.Call(ctx, CallRequest{Installation: "health", Method: "test.echo", Input: []byte(`{"x":1}`)})
	if res.Envelope.Error != nil || string(res.Envelope.OK) != `{"x":1}` {
		t.Fatalf("engine unhealthy: echo answered %+v", res.Envelope)
	}
}

const (
	smallDir   = "../testdata/wasm/small"
	hostileDir = "../testdata/wasm/hostile"
)

func TestSmallFixtures(t *testing.T) {
	for _, c := range loadCases(t, smallDir) {
		t.Run(c.Name, func(t *testing.T) { runCase(t, smallDir, c) })
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func TestHostileFixtures(t *testing.T) {
	for _, c := range loadCases(t, hostileDir) {
		t.Run(c.Name, func(t *testing.T) { runCase(t, hostileDir, c) })
	}
}
