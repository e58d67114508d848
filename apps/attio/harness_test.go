package attio_test

// The harness runs the BUILT module testdata/wasm/apps/attio.wasm in
// runtime.Engine with the real host functions (internal/devhost: the HTTP
// client with its allow-list and address policy, the vault that injects the
// API key as a bearer token).
//
// api.attio.com cannot resolve to the loopback fake, so the harness stands in
// for DNS at the host-function boundary: every http_request the guest makes
// must name https://api.attio.com, and the harness re-points that prefix at
// the fake before the real http_request function sees it. The module is the
// same in tests and production; what differs is the manifest the installation
// runs under:
//   - testManifest: config.json with allowedHosts ["{{keys.apiBase}}"] and an
//     apiBase key naming the fake, so the real allow-list admits it;
//   - config.json itself, under which the redirected request is refused with
//     PERMISSION_DENIED (TestRealManifestRefusesOtherHosts).

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
	_ "modernc.org/sqlite" // the "sqlite" driver for vaultsql

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	httpfn "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/hostfuncs/vault/vaultsql"
	"github.com/slotbox/slotbox/internal/devhost"
	"github.com/slotbox/slotbox/runtime"
)

const (
	slug       = "attio"
	modulePath = "../../testdata/wasm/apps/" + slug + ".wasm"
	configPath = "config.json"
	// realOrigin is the only origin the app may name.
	realOrigin = "https://api.attio.com"
	// testAPIKey is the installation's key; it must never reach the guest.
	testAPIKey = "b5e1d7c3a9f2e4b6d8c0a2e4f6b8d0c2e4a6b8d0f2c4e6a8b0d2f4a6c8e0b2d4"
)

// readModule reads the built module.
func readModule(tb testing.TB) []byte {
	tb.Helper()
	wasm, err := os.ReadFile(modulePath)
	if err != nil {
		tb.Fatalf("read the built module (run apps/%s/build.sh): %v", slug, err)
	}
	return wasm
}

// realManifest parses config.json as an upload does.
func realManifest(tb testing.TB) *abi.Manifest {
	tb.Helper()
	b, err := os.ReadFile(configPath)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := abi.ParseManifest(b)
	if err != nil {
		tb.Fatalf("config.json: %v", err)
	}
	return m
}

// testManifest is config.json with the HTTP grant pointed at an apiBase key,
// everything else (credential injection included) unchanged.
func testManifest(tb testing.TB) *abi.Manifest {
	tb.Helper()
	b, err := os.ReadFile(configPath)
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		tb.Fatal(err)
	}
	doc["permissions"].(map[string]any)["http"] = map[string]any{"allowedHosts": []string{"{{keys.apiBase}}"}}
	doc["keysSchema"].(map[string]any)["properties"].(map[string]any)["apiBase"] = map[string]any{"type": "string"}
	if b, err = json.Marshal(doc); err != nil {
		tb.Fatal(err)
	}
	m, err := abi.ParseManifest(b)
	if err != nil {
		tb.Fatalf("test manifest: %v", err)
	}
	return m
}

// engineConfig is the default but for a wall-clock limit a loaded CI
// machine cannot hit.
func engineConfig() runtime.Config { return runtime.NewConfig().WithTimeout(30 * time.Second) }

// compiled holds the module compiled once per manifest for the test binary.
var compiled struct {
	mu     sync.Mutex
	engine *runtime.Engine
	apps   map[string]*runtime.App
}

// compile returns the built module compiled under m (cached by name).
func compile(tb testing.TB, name string, m *abi.Manifest) *runtime.App {
	tb.Helper()
	compiled.mu.Lock()
	defer compiled.mu.Unlock()
	ctx := context.Background()
	if compiled.engine == nil {
		e, err := runtime.NewEngine(ctx, engineConfig())
		if err != nil {
			tb.Fatal(err)
		}
		compiled.engine, compiled.apps = e, map[string]*runtime.App{}
	}
	if app := compiled.apps[name]; app != nil {
		return app
	}
	app, err := compiled.engine.Compile(ctx, readModule(tb), m)
	if err != nil {
		tb.Fatalf("compile %s under the %s manifest: %v", modulePath, name, err)
	}
	compiled.apps[name] = app
	return app
}

// env is one installation of the app against a fresh fake Attio.
type env struct {
	tb    testing.TB
	app   *runtime.App
	fake  *fakeAttio
	funcs map[string]hostfuncs.Func

	mu   sync.Mutex
	sent []json.RawMessage // the http_request inputs the guest sent, as sent
}

// newEnv installs the app under the test manifest against a new fake.
func newEnv(tb testing.TB) *env {
	tb.Helper()
	return newEnvWith(tb, "test", testManifest(tb), false)
}

// newEnvWith installs the app under manifest m (compiled as name). With
// unthrottled, the operator's per-installation request rate limit (10/s in
// devhost) is off, for benchmarks and fuzzing.
func newEnvWith(tb testing.TB, name string, m *abi.Manifest, unthrottled bool) *env {
	tb.Helper()
	fake := newFakeAttio(testAPIKey)
	srv := httptest.NewServer(fake)
	tb.Cleanup(srv.Close)
	keys := map[string]string{"api_key": testAPIKey}
	for _, h := range m.Permissions.HTTP.AllowedHosts {
		if field, ok := abi.KeyHostRef(h); ok {
			keys[field] = srv.URL // the test manifest's {{keys.apiBase}}
		}
	}
	var funcs map[string]hostfuncs.Func
	if unthrottled {
		funcs = unthrottledFuncs(tb, m, keys, srv.Listener.Addr().String())
	} else {
		host, err := devhost.New(context.Background(), m, keys, devhost.Options{
			AllowNet:  []string{srv.Listener.Addr().String()},
			AllowHTTP: true,
		})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(host.Close)
		funcs = host.Funcs
	}
	e := &env{tb: tb, app: compile(tb, name, m), fake: fake, funcs: map[string]hostfuncs.Func{}}
	for k, f := range funcs {
		e.funcs[k] = f
	}
	e.funcs[abi.ImportHTTPRequest] = e.redirect(funcs[abi.ImportHTTPRequest], srv.URL)
	tb.Cleanup(func() { e.app.Evict(context.Background(), devhost.Installation) })
	return e
}

// unthrottledFuncs binds http_request as devhost does (the vault over SQLite
// injecting the credential, the allow-list, the address policy with allowNet
// exempt, plain http allowed) but with no request rate limit.
func unthrottledFuncs(tb testing.TB, m *abi.Manifest, keys map[string]string, allowNet string) map[string]hostfuncs.Func {
	tb.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(tb.TempDir(), "vault.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	db.SetMaxOpenConns(1)
	key, err := vault.GenerateKey()
	if err != nil {
		tb.Fatal(err)
	}
	sealer, err := vault.NewSealer(key)
	if err != nil {
		tb.Fatal(err)
	}
	store, err := vaultsql.New(ctx, db)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := vault.New(store, sealer, vault.DefaultConfig())
	if err != nil {
		tb.Fatal(err)
	}
	ref := vault.InstallationRef{ID: devhost.Installation, App: m.Slug}
	if err := v.Put(ctx, ref, vault.Credential{Keys: keys}); err != nil {
		tb.Fatal(err)
	}
	hosts, err := abi.ExpandAllowedHosts(m.Permissions.HTTP.AllowedHosts, keys)
	if err != nil {
		tb.Fatal(err)
	}
	list, err := httpfn.ParseAllowList(hosts)
	if err != nil {
		tb.Fatal(err)
	}
	client, err := httpfn.New(httpfn.NewConfig().WithAllowNet(allowNet).WithAllowHTTP(true).WithRateLimit(rate.Inf, 0).WithMaxConcurrent(64))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(client.Close)
	return map[string]hostfuncs.Func{abi.ImportHTTPRequest: client.Func(httpfn.Grant{
		Installation:  devhost.Installation,
		AllowList:     list,
		Authenticator: v.Authenticator(ref, m.Credential),
	})}
}

// redirect records each request and re-points realOrigin at target; a URL
// outside realOrigin fails the test and goes on unchanged (to be refused).
func (e *env) redirect(next hostfuncs.Func, target string) hostfuncs.Func {
	return func(ctx context.Context, in []byte) (json.RawMessage, error) {
		e.mu.Lock()
		e.sent = append(e.sent, append(json.RawMessage(nil), in...))
		e.mu.Unlock()
		var req map[string]json.RawMessage
		if err := json.Unmarshal(in, &req); err != nil {
			return next(ctx, in)
		}
		var u string
		_ = json.Unmarshal(req["url"], &u)
		rest, ok := strings.CutPrefix(u, realOrigin+"/")
		if !ok {
			e.tb.Errorf("the guest requested %q, outside %s", u, realOrigin)
			return next(ctx, in)
		}
		req["url"], _ = json.Marshal(target + "/" + rest)
		out, err := json.Marshal(req)
		if err != nil {
			return nil, fmt.Errorf("re-encode http_request: %w", err)
		}
		return next(ctx, out)
	}
}

// requests returns the http_request inputs the guest has sent.
func (e *env) requests() []json.RawMessage {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]json.RawMessage(nil), e.sent...)
}

// call runs method with input (marshalled unless it is []byte).
func (e *env) call(method string, input any) *runtime.Result {
	e.tb.Helper()
	in, ok := input.([]byte)
	if !ok {
		var err error
		if in, err = json.Marshal(input); err != nil {
			e.tb.Fatal(err)
		}
	}
	return e.app.Call(context.Background(), runtime.CallRequest{
		Installation: devhost.Installation,
		Method:       method,
		Input:        in,
		Funcs:        e.funcs,
	})
}

// ok runs a method that must succeed and decodes its result into out.
func (e *env) ok(method string, input, out any) {
	e.tb.Helper()
	res := e.call(method, input)
	if res.Envelope.Error != nil {
		e.tb.Fatalf("%s: %v (logs %v)", method, res.Envelope.Error, res.Logs)
	}
	if out != nil {
		if err := json.Unmarshal(res.Envelope.OK, out); err != nil {
			e.tb.Fatalf("%s: decode %s: %v", method, res.Envelope.OK, err)
		}
	}
}

// fail runs a method that must fail and returns its error.
func (e *env) fail(method string, input any) *abi.Error {
	e.tb.Helper()
	res := e.call(method, input)
	if res.Envelope.Error == nil {
		e.tb.Fatalf("%s: succeeded with %s, want an error", method, res.Envelope.OK)
	}
	return res.Envelope.Error
}
