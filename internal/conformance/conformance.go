// Package conformance runs the language-neutral conformance cases
// (cases.json) against an app module: every guest SDK's conformance app must
// pass all of them, and `slotbox conformance` runs them for app authors.
//
// A case names a method, an input, the envelope it expects and, optionally,
// the host calls the guest must make and the log lines it must write. The
// runner compiles the module with its own manifest (conformanceManifest),
// binds the real host functions over a throwaway database, and serves the
// HTTP cases from a loopback server.
package conformance

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	"github.com/slotbox/slotbox/internal/devhost"
	"github.com/slotbox/slotbox/runtime"
)

//go:embed cases.json
var casesJSON []byte

// Case is one conformance case.
type Case struct {
	Name   string          `json:"name"`
	Method string          `json:"method"`
	Input  json.RawMessage `json:"input,omitempty"`
	// RawInput is sent as it is, for inputs that are not JSON.
	RawInput *string `json:"raw_input,omitempty"`
	// Generate builds large inputs the file would be unwieldy with.
	Generate *Generate `json:"input_generate,omitempty"`
	Expect   Expect    `json:"expect"`
	// HostCalls, when set, are the host calls the guest must make, in order;
	// each expected input field must be present with that value.
	HostCalls []HostCall `json:"host_calls,omitempty"`
}

// Generate describes a generated input.
type Generate struct {
	StringBytes  int `json:"string_bytes,omitempty"`   // {"s": "<n x's>"}
	KVKeyBytes   int `json:"kv_key_bytes,omitempty"`   // test.kv with a key of n bytes
	KVValueBytes int `json:"kv_value_bytes,omitempty"` // test.kv with a value of n bytes
}

// Expect is the envelope a case must produce.
type Expect struct {
	OK          json.RawMessage `json:"ok,omitempty"`
	OKGenerated bool            `json:"ok_generated,omitempty"` // ok equals the generated input
	OKStringOf  *struct {
		Char string `json:"char"`
		Size int    `json:"size"`
	} `json:"ok_string_of,omitempty"`
	Code      abi.Code `json:"code,omitempty"`
	AppCode   string   `json:"app_code,omitempty"`
	Message   string   `json:"message,omitempty"`
	Retryable *bool    `json:"retryable,omitempty"`
	Logs      []struct {
		Level   abi.LogLevel `json:"level"`
		Message string       `json:"message"`
	} `json:"logs,omitempty"`
}

// HostCall is one call a guest makes to a host function.
type HostCall struct {
	Fn    string          `json:"fn"`
	Input json.RawMessage `json:"input"`
}

// Outcome is the result of one case: Err is nil when it passed.
type Outcome struct {
	Case string
	Err  error
}

// Cases returns the conformance cases.
func Cases() ([]Case, error) {
	var cs []Case
	if err := json.Unmarshal(casesJSON, &cs); err != nil {
		return nil, fmt.Errorf("conformance cases: %w", err)
	}
	return cs, nil
}

// conformanceManifest grants what the cases exercise: HTTP to the loopback
// server named by the base_url key, the api_key field in clear (but not
// password), and KV.
const conformanceManifest = `{
  "name": "Conformance", "slug": "conformance", "categories": ["calendar"], "abi": "slotbox/1",
  "permissions": {"http": {"allowedHosts": ["{{keys.base_url}}"]}, "vault": {"reveal": ["api_key"]}, "kv": true},
  "credential": {"inject": "bearer", "field": "api_key"},
  "keysSchema": {"type": "object", "properties": {"base_url": {"type": "string"}, "api_key": {"type": "string"}, "password": {"type": "string"}}}
}`

// Run compiles wasm and runs every case against it.
func Run(ctx context.Context, wasm []byte) ([]Outcome, error) {
	cases, err := Cases()
	if err != nil {
		return nil, err
	}
	m, err := abi.ParseManifest([]byte(conformanceManifest))
	if err != nil {
		return nil, fmt.Errorf("conformance manifest: %w", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(serve))
	defer srv.Close()
	keys := map[string]string{"base_url": srv.URL, "api_key": "conformance-api-key", "password": "never-revealed"}
	host, err := devhost.New(ctx, m, keys, devhost.Options{AllowNet: []string{strings.TrimPrefix(srv.URL, "http://")}, AllowHTTP: true})
	if err != nil {
		return nil, err
	}
	defer host.Close()
	e, err := runtime.NewEngine(ctx, runtime.NewConfig())
	if err != nil {
		return nil, err
	}
	defer e.Close(ctx)
	app, err := e.Compile(ctx, wasm, m)
	if err != nil {
		return nil, err
	}
	defer app.Close(ctx)
	out := make([]Outcome, 0, len(cases))
	for _, c := range cases {
		out = append(out, Outcome{Case: c.Name, Err: runCase(ctx, app, host.Funcs, c, srv.URL)})
	}
	return out, nil
}

func serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/hello":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "hello, conformance ✓")
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "not here")
	}
}

// recorder wraps host functions to record the calls a guest makes.
type recorder struct {
	mu    sync.Mutex
	calls []HostCall
}

func (r *recorder) wrap(funcs map[string]hostfuncs.Func) map[string]hostfuncs.Func {
	out := make(map[string]hostfuncs.Func, len(funcs))
	for name, f := range funcs {
		out[name] = func(ctx context.Context, in []byte) (json.RawMessage, error) {
			r.mu.Lock()
			r.calls = append(r.calls, HostCall{Fn: name, Input: append(json.RawMessage(nil), in...)})
			r.mu.Unlock()
			return f(ctx, in)
		}
	}
	return out
}

func runCase(ctx context.Context, app *runtime.App, funcs map[string]hostfuncs.Func, c Case, baseURL string) error {
	input, err := c.input(baseURL)
	if err != nil {
		return err
	}
	rec := &recorder{}
	res := app.Call(ctx, runtime.CallRequest{Installation: devhost.Installation, Method: c.Method, Input: input, Funcs: rec.wrap(funcs)})
	if err := c.Expect.check(res, input); err != nil {
		return err
	}
	return checkHostCalls(c.HostCalls, rec.calls, baseURL)
}

func (c Case) input(baseURL string) ([]byte, error) {
	switch {
	case c.RawInput != nil:
		return []byte(*c.RawInput), nil
	case c.Generate != nil:
		g := c.Generate
		switch {
		case g.StringBytes > 0:
			return json.Marshal(map[string]string{"s": strings.Repeat("x", g.StringBytes)})
		case g.KVKeyBytes > 0:
			return json.Marshal(map[string]string{"key": strings.Repeat("k", g.KVKeyBytes), "value": "v"})
		case g.KVValueBytes > 0:
			return json.Marshal(map[string]string{"key": "big", "value": strings.Repeat("v", g.KVValueBytes)})
		}
		return nil, errors.New("input_generate names nothing")
	}
	return []byte(strings.ReplaceAll(string(c.Input), "{{base_url}}", baseURL)), nil
}

func (x Expect) check(res *runtime.Result, input []byte) error {
	env := res.Envelope
	if x.Code != "" {
		if env.Error == nil {
			return fmt.Errorf("ok %.200s; want error %s", env.OK, x.Code)
		}
		e := env.Error
		switch {
		case e.Code != x.Code:
			return fmt.Errorf("error %v; want code %s", e, x.Code)
		case x.AppCode != "" && e.AppCode != x.AppCode:
			return fmt.Errorf("error %v; want app code %s", e, x.AppCode)
		case x.Message != "" && e.Message != x.Message:
			return fmt.Errorf("message %q; want %q", e.Message, x.Message)
		case x.Retryable != nil && e.Retryable != *x.Retryable:
			return fmt.Errorf("retryable %v; want %v", e.Retryable, *x.Retryable)
		}
		return nil
	}
	if env.Error != nil {
		return fmt.Errorf("error %v; want ok", env.Error)
	}
	want := x.OK
	switch {
	case x.OKGenerated:
		want = input
	case x.OKStringOf != nil:
		want, _ = json.Marshal(strings.Repeat(x.OKStringOf.Char, x.OKStringOf.Size))
	}
	if !jsonEqual(env.OK, want) {
		return fmt.Errorf("ok %.300s; want %.300s", env.OK, want)
	}
	if len(x.Logs) > 0 {
		if len(res.Logs) != len(x.Logs) {
			return fmt.Errorf("logged %d lines %v; want %d", len(res.Logs), res.Logs, len(x.Logs))
		}
		for i, l := range x.Logs {
			if res.Logs[i].Level != l.Level || res.Logs[i].Message != l.Message {
				return fmt.Errorf("log line %d is %v %q; want %v %q", i, res.Logs[i].Level, res.Logs[i].Message, l.Level, l.Message)
			}
		}
	}
	return nil
}

func checkHostCalls(want, got []HostCall, baseURL string) error {
	if want == nil {
		return nil
	}
	if len(got) != len(want) {
		names := make([]string, len(got))
		for i, c := range got {
			names[i] = c.Fn
		}
		return fmt.Errorf("host calls %v; want %d calls", names, len(want))
	}
	for i, w := range want {
		if got[i].Fn != w.Fn {
			return fmt.Errorf("host call %d is %s; want %s", i, got[i].Fn, w.Fn)
		}
		var wf, gf map[string]json.RawMessage
		if err := json.Unmarshal([]byte(strings.ReplaceAll(string(w.Input), "{{base_url}}", baseURL)), &wf); err != nil {
			return fmt.Errorf("case host call %d: %w", i, err)
		}
		if err := json.Unmarshal(got[i].Input, &gf); err != nil {
			return fmt.Errorf("host call %d input is not a JSON object: %w", i, err)
		}
		for k, v := range wf {
			if !jsonEqual(gf[k], v) {
				return fmt.Errorf("host call %d (%s) field %s is %s; want %s", i, w.Fn, k, gf[k], v)
			}
		}
	}
	return nil
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}
