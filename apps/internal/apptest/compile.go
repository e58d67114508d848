package apptest

import (
	"context"
	"sync"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime"
)

// Modules compiles the built module of one app once per manifest name for a
// test binary; a test file declares one as `var modules = apptest.Modules{Slug: slug}`.
type Modules struct {
	// Slug names the app whose module is compiled.
	Slug string

	mu     sync.Mutex
	engine *runtime.Engine
	apps   map[string]*runtime.App
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
