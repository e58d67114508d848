package main_test

// The harness loads the BUILT module testdata/wasm/apps/applecalendar.wasm
// into runtime.Engine and calls it with the real host functions:
// hostfuncs/http, with a resolver the test controls so nothing leaves the
// machine, and hostfuncs/vault over a SQLite credential store, which
// attaches the Apple ID and password as basic auth.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
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
	slug       = "applecalendar"
	modulePath = "../../testdata/wasm/apps/" + slug + ".wasm"
	configPath = "config.json"
)

// compiled is the module compiled once for the test binary.
var compiled struct {
	once sync.Once
	app  *runtime.App
	man  *abi.Manifest
	err  error
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
		e, err := runtime.NewEngine(context.Background(), engineConfig())
		if err != nil {
			compiled.err = err
			return
		}
		compiled.app, compiled.err = e.Compile(context.Background(), wasm, m)
		compiled.man = m
	})
	if compiled.err != nil {
		tb.Fatal(compiled.err)
	}
	return compiled.app, compiled.man
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

// resolver answers names from a table and says "no such host" for the
// rest; it never sends a DNS query.
type resolver map[string][]netip.Addr

// LookupNetIP implements hhttp.Resolver.
func (r resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// harness is one installation of the app with its host functions.
type harness struct {
	tb    testing.TB
	app   *runtime.App
	man   *abi.Manifest
	inst  vault.InstallationRef
	vault *vault.Vault
	http  *hhttp.Client
}

// newHarness installs the app with keys (no credential at all when keys is
// nil) behind an HTTP client resolving names with res.
func newHarness(tb testing.TB, keys map[string]string, res resolver) *harness {
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
	if keys != nil {
		if err := v.Put(ctx, inst, vault.Credential{Keys: keys}); err != nil {
			tb.Fatal(err)
		}
	}
	client, err := hhttp.New(hhttp.NewConfig().WithResolver(res).WithRateLimit(1000, 1000))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(client.Close)
	tb.Cleanup(func() { app.Evict(context.Background(), inst.ID) })
	return &harness{tb: tb, app: app, man: man, inst: inst, vault: v, http: client}
}

// funcs are the installation's host functions, as the server builds them.
func (h *harness) funcs() map[string]hostfuncs.Func {
	h.tb.Helper()
	list, err := hhttp.ParseAllowList(h.man.Permissions.HTTP.AllowedHosts)
	if err != nil {
		h.tb.Fatal(err)
	}
	return map[string]hostfuncs.Func{
		abi.ImportHTTPRequest: h.http.Func(hhttp.Grant{
			Installation:  h.inst.ID,
			AllowList:     list,
			Authenticator: h.vault.Authenticator(h.inst, h.man.Credential),
		}),
	}
}

// call runs one method and returns its envelope.
func (h *harness) call(method string, input any) abi.Envelope {
	h.tb.Helper()
	in, err := json.Marshal(input)
	if err != nil {
		h.tb.Fatal(err)
	}
	return h.app.Call(context.Background(), runtime.CallRequest{
		Installation: h.inst.ID, Method: method, Input: in, Funcs: h.funcs(),
	}).Envelope
}
