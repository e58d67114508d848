// Package runtime runs untrusted slotbox/1 apps in wazero: it validates and
// meters modules, compiles them once (with an on-disk cache), keeps pools of
// instances per (app version, installation), and calls methods under memory,
// size, fuel and wall-clock limits. Every failure becomes an abi.Error.
package runtime

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime/internal/meter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"golang.org/x/sync/singleflight"
)

// Engine compiles and runs apps. It is safe for concurrent use; one per
// process is the intended use, since compiled code and pools live in it.
type Engine struct {
	cfg   Config
	rt    wazero.Runtime
	cache wazero.CompilationCache
	// hostFuncs holds every function a guest may import, by "module.name".
	hostFuncs map[string]api.FunctionDefinition

	compiling singleflight.Group

	mu        sync.Mutex
	modules   map[string]*compiledModule // by sha256 of the instrumented bytes' source
	lru       idleList                   // idle instances, most recent first
	idleBytes uint64
	live      int
	closed    bool
}

type compiledModule struct {
	cm   wazero.CompiledModule
	info *moduleInfo
	refs int
}

// NewEngine starts a wazero runtime with the compiler engine and the host
// modules guests may import.
func NewEngine(ctx context.Context, cfg Config) (*Engine, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("runtime config: %w", err)
	}
	rc := wazero.NewRuntimeConfigCompiler().
		WithCoreFeatures(api.CoreFeaturesV2).
		WithMemoryLimitPages(uint32(cfg.memoryPages()))
	var cache wazero.CompilationCache
	if cfg.cacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(cfg.cacheDir)
		if err != nil {
			return nil, fmt.Errorf("compilation cache %s: %w", cfg.cacheDir, err)
		}
		cache = c
		rc = rc.WithCompilationCache(cache)
	}
	e := &Engine{
		cfg:       cfg,
		rt:        wazero.NewRuntimeWithConfig(ctx, rc),
		cache:     cache,
		hostFuncs: map[string]api.FunctionDefinition{},
		modules:   map[string]*compiledModule{},
	}
	if err := e.instantiateHostModules(ctx); err != nil {
		_ = e.rt.Close(ctx)
		return nil, err
	}
	return e, nil
}

func (e *Engine) instantiateHostModules(ctx context.Context) error {
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, e.rt); err != nil {
		return fmt.Errorf("instantiate %s: %w", abi.WASIModule, err)
	}
	if _, err := newHostModule(e.rt).Instantiate(ctx); err != nil {
		return fmt.Errorf("instantiate %s: %w", abi.HostModule, err)
	}
	if _, err := newMeterModule(e.rt).Instantiate(ctx); err != nil {
		return fmt.Errorf("instantiate %s: %w", meter.ImportModule, err)
	}
	for _, name := range []string{abi.WASIModule, abi.HostModule, meter.ImportModule} {
		for fn, def := range e.rt.Module(name).ExportedFunctionDefinitions() {
			e.hostFuncs[name+"."+fn] = def
		}
	}
	return nil
}

// Config returns the engine's configuration.
func (e *Engine) Config() Config { return e.cfg }

// Close closes every instance and compiled module, then the runtime. The
// compilation cache directory is kept.
func (e *Engine) Close(ctx context.Context) error {
	e.mu.Lock()
	e.closed = true
	var idle []*instance
	for in := e.lru.front; in != nil; in = in.next {
		idle = append(idle, in)
	}
	e.lru = idleList{}
	e.idleBytes = 0
	e.mu.Unlock()
	for _, in := range idle {
		in.close(ctx)
	}
	err := e.rt.Close(ctx)
	if e.cache != nil {
		if cerr := e.cache.Close(ctx); err == nil {
			err = cerr
		}
	}
	return err
}

// Stats is a snapshot of the engine's pools, for metrics.
type Stats struct {
	Modules       int    // compiled modules held
	LiveInstances int    // instances in use or idle
	IdleInstances int    // instances waiting in pools
	IdleBytes     uint64 // linear memory of idle instances
}

// Stats returns a snapshot of the engine's pools.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Stats{Modules: len(e.modules), LiveInstances: e.live, IdleInstances: e.lru.n, IdleBytes: e.idleBytes}
}

// Sweep closes instances idle for longer than the idle timeout. The server
// calls it from a ticker; pools also sweep whenever they are used.
func (e *Engine) Sweep(ctx context.Context) {
	e.mu.Lock()
	evicted := e.evictLocked(time.Now())
	e.mu.Unlock()
	for _, in := range evicted {
		in.close(ctx)
	}
}
