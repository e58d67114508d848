package apptest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/slotbox/slotbox/abi"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/runtime"
)

// Modules compiles the built module of one app once per manifest name for a
// test binary; a test file declares one as `var modules = apptest.Modules{Slug: slug}`.
type Modules struct {
	// Slug names the app whose module is compiled.
	Slug string

	mu            sync.Mutex
	engine        *runtime.Engine
	apps          map[string]*runtime.App
	installations atomic.Int64
}

// Compile returns the built module compiled under m, cached by name.
func (ms *Modules) Compile(tb testing.TB, name string, m *abi.Manifest) *runtime.App {
	tb.Helper()
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ctx := context.Background()
	if ms.engine == nil {
		e, err := runtime.NewEngine(ctx, EngineConfig())
		if err != nil {
			tb.Fatal(err)
		}
		ms.engine, ms.apps = e, map[string]*runtime.App{}
	}
	if app := ms.apps[name]; app != nil {
		return app
	}
	app, err := ms.engine.Compile(ctx, ReadModule(tb, ms.Slug), m)
	if err != nil {
		tb.Fatalf("compile %s under the %s manifest: %v", ModulePath(ms.Slug), name, err)
	}
	ms.apps[name] = app
	return app
}

// Load returns the built module compiled under the app's config.json, and
// the manifest.
func (ms *Modules) Load(tb testing.TB) (*runtime.App, *abi.Manifest) {
	tb.Helper()
	m := Manifest(tb, ConfigPath)
	return ms.Compile(tb, "real", m), m
}

// Installed is one installation of an app with the real host functions.
type Installed struct {
	*Caller
	// Audit records the installation's credential reveals.
	Audit *AuditLog
}

// Install makes a new installation of the app under its config.json with
// keys (no credential at all when keys is nil), its HTTP client built from
// httpCfg, and the vault over SQLite.
func (ms *Modules) Install(tb testing.TB, keys map[string]string, httpCfg hhttp.Config) *Installed {
	tb.Helper()
	app, man := ms.Load(tb)
	inst := vault.InstallationRef{ID: fmt.Sprintf("inst-%d", ms.installations.Add(1)), App: ms.Slug}
	audit := &AuditLog{}
	funcs := HostFuncs(tb, man, keys, NewHTTPClient(tb, httpCfg), NewVault(tb, inst, keys), inst, audit)
	return &Installed{Caller: NewCaller(tb, app, inst.ID, funcs), Audit: audit}
}
