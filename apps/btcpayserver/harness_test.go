package main_test

// The harness loads the BUILT module testdata/wasm/apps/btcpayserver.wasm into
// runtime.Engine and calls it with the real host functions: hostfuncs/http
// (the operator allowing the loopback peer with WithAllowNet and plain
// http with WithAllowHTTP, exactly as a self-hoster's --allow-net would)
// and hostfuncs/vault over a SQLite credential store, which attaches the
// installation's username and password as basic auth.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver for vaultsql

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/hostfuncs/vault/vaultsql"
	"github.com/slotbox/slotbox/runtime"
)

const (
	slug       = "btcpayserver"
	modulePath = "../../testdata/wasm/apps/" + slug + ".wasm"
	configPath = "config.json"
)

// compiled is the module compiled once for the test binary.
var compiled struct {
	once     sync.Once
	engine   *runtime.Engine
	app      *runtime.App
	manifest *abi.Manifest
	err      error
}

// installations numbers the installations of a test binary.
var installations atomic.Int64

// loadModule compiles the built module with its manifest, once.
func loadModule(tb testing.TB) (*runtime.App, *abi.Manifest) {
	tb.Helper()
	compiled.once.Do(func() {
		m, err := readManifest()
		if err != nil {
			compiled.err = err
			return
		}
		wasm, err := os.ReadFile(modulePath)
		if err != nil {
			compiled.err = fmt.Errorf("read the built module (run apps/%s/build.sh): %w", slug, err)
			return
		}
		ctx := context.Background()
		e, err := runtime.NewEngine(ctx, engineConfig())
		if err != nil {
			compiled.err = err
			return
		}
		app, err := e.Compile(ctx, wasm, m)
		if err != nil {
			compiled.err = fmt.Errorf("compile %s: %w", modulePath, err)
			return
		}
		compiled.engine, compiled.app, compiled.manifest = e, app, m
	})
	if compiled.err != nil {
		tb.Fatal(compiled.err)
	}
	return compiled.app, compiled.manifest
}

// engineConfig is the runtime's default but for a wall-clock limit that a
// loaded CI machine cannot hit.
func engineConfig() runtime.Config { return runtime.NewConfig().WithTimeout(30 * time.Second) }

// readManifest parses config.json as an upload would.
func readManifest() (*abi.Manifest, error) {
	b, err := os.ReadFile(configPath)
	if err != nil {
		return nil, err
	}
	return abi.ParseManifest(b)
}

// harness is one installation of the app with its host functions.
type harness struct {
	tb    testing.TB
	app   *runtime.App
	man   *abi.Manifest
	inst  vault.InstallationRef
	keys  map[string]string
	vault *vault.Vault
	http  *hhttp.Client
	audit *auditLog
}

// newHarness installs the app with keys; allowNet are the operator's
// exemptions from the address policy ("127.0.0.1:PORT").
func newHarness(tb testing.TB, keys map[string]string, allowNet ...string) *harness {
	tb.Helper()
	app, man := loadModule(tb)
	ctx := context.Background()

	db, err := sql.Open("sqlite", filepath.Join(tb.TempDir(), "vault.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	store, err := vaultsql.New(ctx, db)
	if err != nil {
		tb.Fatal(err)
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	key, err := vault.NewKey(secret)
	if err != nil {
		tb.Fatal(err)
	}
	sealer, err := vault.NewSealer(key)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := vault.New(store, sealer, vault.DefaultConfig())
	if err != nil {
		tb.Fatal(err)
	}
	inst := vault.InstallationRef{ID: fmt.Sprintf("inst-%d", installations.Add(1)), App: slug}
	if err := v.Put(ctx, inst, vault.Credential{Keys: keys}); err != nil {
		tb.Fatal(err)
	}
	client, err := hhttp.New(hhttp.NewConfig().WithAllowHTTP(true).WithAllowNet(allowNet...).
		WithRateLimit(1000, 1000).WithMaxConcurrent(16))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(client.Close)
	h := &harness{tb: tb, app: app, man: man, inst: inst, keys: keys, vault: v, http: client, audit: &auditLog{}}
	tb.Cleanup(func() { app.Evict(context.Background(), inst.ID) })
	return h
}

// funcs are the installation's host functions, as the server builds them.
func (h *harness) funcs() map[string]hostfuncs.Func {
	h.tb.Helper()
	hosts, err := abi.ExpandAllowedHosts(h.man.Permissions.HTTP.AllowedHosts, h.keys)
	if err != nil {
		h.tb.Fatalf("expand allowedHosts: %v", err)
	}
	list, err := hhttp.ParseAllowList(hosts)
	if err != nil {
		h.tb.Fatalf("allow-list %v: %v", hosts, err)
	}
	fs := map[string]hostfuncs.Func{
		abi.ImportHTTPRequest: h.http.Func(hhttp.Grant{
			Installation:  h.inst.ID,
			AllowList:     list,
			Authenticator: h.vault.Authenticator(h.inst, h.man.Credential),
		}),
	}
	if p := h.man.Permissions.Vault; p != nil {
		fs[abi.ImportVaultGet] = h.vault.Func(vault.Grant{Installation: h.inst, Reveal: p.Reveal, Audit: h.audit})
	}
	return fs
}

// call runs one method and returns its envelope.
func (h *harness) call(method string, input any) abi.Envelope {
	h.tb.Helper()
	in, err := json.Marshal(input)
	if err != nil {
		h.tb.Fatal(err)
	}
	res := h.app.Call(context.Background(), runtime.CallRequest{
		Installation: h.inst.ID,
		Method:       method,
		Input:        in,
		Funcs:        h.funcs(),
	})
	return res.Envelope
}

// ok runs a method that must succeed and decodes its result into out.
func (h *harness) ok(method string, input, out any) {
	h.tb.Helper()
	env := h.call(method, input)
	if env.Error != nil {
		h.tb.Fatalf("%s failed: %v", method, env.Error)
	}
	if err := abi.ValidateResult(method, env.OK); err != nil {
		h.tb.Fatalf("%s result fails its schema: %v\n%s", method, err, env.OK)
	}
	if out != nil {
		if err := json.Unmarshal(env.OK, out); err != nil {
			h.tb.Fatalf("%s result %s: %v", method, env.OK, err)
		}
	}
}

// fail runs a method that must fail and returns its error.
func (h *harness) fail(method string, input any) *abi.Error {
	h.tb.Helper()
	env := h.call(method, input)
	if env.Error == nil {
		h.tb.Fatalf("%s succeeded with %s; want an error", method, env.OK)
	}
	return env.Error
}

// auditLog records vault reveals.
type auditLog struct {
	mu     sync.Mutex
	events []vault.Event
}

// Audit implements vault.Auditor.
func (a *auditLog) Audit(_ context.Context, e vault.Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, e)
	return nil
}

// fields returns every field revealed so far.
func (a *auditLog) fields() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, e := range a.events {
		out = append(out, e.Fields...)
	}
	return out
}

// hostPort returns the host:port of a server URL.
func hostPort(tb testing.TB, raw string) string {
	tb.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return u.Host
}
