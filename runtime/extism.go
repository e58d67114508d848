package runtime

// The Extism path runs plugins built with any Extism PDK (extism/1) through
// github.com/extism/go-sdk, under the limits and capabilities of slotbox/1:
//
//   - Upload: checkExtism applies the slotbox/1 shape rules and the Extism
//     import rules (kernel minus its HTTP functions, Slotbox's host functions
//     in extism:host/user, WASI); rewriteForExtism then renames its kernel
//     imports to extismKernelModule, served by Slotbox, bounds its tables and
//     turns a start function into _initialize; the metering rewriter
//     instruments the result exactly as a slotbox/1 module.
//   - Compile: one extism.CompiledPlugin per app version, on its own wazero
//     runtime (compiler, memory limit, CoreFeaturesV2, a compilation cache on
//     the engine's cache directory that outlives it), never with
//     WithCloseOnContextDone: the metering stops a spinning guest.
//   - Instances: extism.Plugin instances in the same per-installation pools as
//     native instances, with real clocks, crypto randomness and captured
//     stdio; no AllowedHosts, no AllowedPaths, vars capped in memory.
//   - Calls: method "calendar.createEvent" runs export calendar_createEvent;
//     the input is the method's JSON, the output its result; an error the
//     plugin sets becomes APP_ERROR.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"sync"

	extism "github.com/extism/go-sdk"
	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime/internal/meter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// extismMaxVarBytes caps the vars (var_set) one plugin instance keeps. The
// go-sdk's default applies only to JSON manifests; Slotbox sets it explicitly.
const extismMaxVarBytes = 1 << 20

// extismApp is the compiled form of an Extism app version. Its wazero
// runtime closes when the app is closed and its last instance is gone:
// closing it earlier would close instances still serving calls.
type extismApp struct {
	compiled *extism.CompiledPlugin
	cache    wazero.CompilationCache
	// methods are the exports a call may run: name -> it returns an i32.
	methods map[string]bool

	mu     sync.Mutex
	live   int
	closed bool
}

// ABI returns the ABI the app is served with: abi.Version or
// abi.ExtismVersion (also for a manifest that left it at the default but
// whose module is an Extism plugin).
func (a *App) ABI() string {
	if a.ext != nil {
		return abi.ExtismVersion
	}
	return abi.Version
}

// compileExtism validates, rewrites, meters and compiles an Extism plugin.
func (e *Engine) compileExtism(ctx context.Context, wasm []byte, m *abi.Manifest) (*App, error) {
	_, sigs, vs := checkExtism(wasm, m, e.cfg, e.hostFuncs)
	if err := vs.err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("compile: engine is closed")
	}
	renamed, err := rewriteForExtism(wasm, extismEnvModule, extismKernelModule, e.cfg.maxTableEntries)
	if err != nil {
		return nil, &ValidationError{Violations: []Violation{{Rule: RuleMalformed, Message: err.Error()}}}
	}
	metered, err := meter.Instrument(renamed, meter.Options{MaxCallDepth: e.cfg.maxCallDepth})
	if err != nil {
		return nil, meterViolation(err)
	}
	// A cache per app version, closed after its plugin: the go-sdk never
	// closes the modules it compiles, so a cache shared by every app would
	// keep their machine code until the engine closes. On the engine's
	// cache directory it still shares compiled code across restarts.
	var cache wazero.CompilationCache
	if e.cfg.cacheDir != "" {
		if cache, err = wazero.NewCompilationCacheWithDir(e.cfg.cacheDir); err != nil {
			return nil, fmt.Errorf("compilation cache %s: %w", e.cfg.cacheDir, err)
		}
	} else {
		cache = wazero.NewCompilationCache()
	}
	pages := uint32(e.cfg.memoryPages())
	rc := wazero.NewRuntimeConfigCompiler().
		WithCoreFeatures(api.CoreFeaturesV2).
		WithMemoryLimitPages(pages).
		WithCompilationCache(cache)
	manifest := extism.Manifest{
		Wasm: []extism.Wasm{extism.WasmData{Data: metered, Name: "main"}},
		// MaxHttpResponseBytes 0: the kernel's HTTP is refused at upload anyway.
		Memory: &extism.ManifestMemory{MaxPages: pages, MaxHttpResponseBytes: 0, MaxVarBytes: extismMaxVarBytes},
	}
	cp, err := extism.NewCompiledPlugin(ctx, manifest, extism.PluginConfig{RuntimeConfig: rc, EnableWasi: true}, extismHostFunctions())
	if err != nil {
		_ = cache.Close(ctx)
		return nil, &ValidationError{Violations: []Violation{compileViolation(err)}}
	}
	methods := map[string]bool{}
	for _, ex := range sigs.exports {
		if ex.sig.is(nil, sigMethod.results) || ex.sig.is(nil, nil) {
			methods[ex.name] = true
		}
	}
	sum := sha256.Sum256(wasm)
	return &App{
		engine:   e,
		sha256:   hex.EncodeToString(sum[:]),
		manifest: m,
		ext:      &extismApp{compiled: cp, cache: cache, methods: methods},
		overhead: instanceOverhead(len(wasm)) + 1<<20, // the go-sdk's plugin and kernel (measured 1.06 MB for a WAT plugin)
		pools:    map[string]*pool{},
	}, nil
}

// extismHostFunctions are the functions an Extism plugin's imports bind to:
// the kernel (renamed to extismKernelModule), Slotbox's host functions in
// extism:host/user and the metering's refuel and overflow. They are shared
// by every instance and find the call they serve in the context.
func extismHostFunctions() []extism.HostFunction {
	var fns []extism.HostFunction
	add := func(namespace, name string, sig funcSig, cb extism.HostFunctionStackCallback) {
		f := extism.NewHostFunctionWithStack(name, cb, sig.params, sig.results)
		f.SetNamespace(namespace)
		fns = append(fns, f)
	}
	for _, name := range sortedKeys(extismKernelSigs) {
		add(extismKernelModule, name, extismKernelSigs[name], kernelFunc(name))
	}
	for _, name := range sortedKeys(extismUserSigs) {
		cb := extismDataFunc(name)
		if name == abi.ImportLog {
			cb = extismLog
		}
		add(extismUserModule, name, extismUserSigs[name], cb)
	}
	add(meter.ImportModule, meter.ImportRefuel, sigNone, extismRefuel)
	add(meter.ImportModule, meter.ImportOverflow, sigNone, extismOverflow)
	return fns
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// acquire counts a new instance; it fails once the app is closed.
func (x *extismApp) acquire() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return false
	}
	x.live++
	return true
}

// release uncounts a closed instance and closes the runtime after the last
// one of a closed app.
func (x *extismApp) release(ctx context.Context) {
	x.mu.Lock()
	x.live--
	last := x.closed && x.live == 0
	x.mu.Unlock()
	if last {
		x.closeRuntime(ctx)
	}
}

// close marks the app closed, closing the runtime now if no instance lives.
func (x *extismApp) close(ctx context.Context) {
	x.mu.Lock()
	already := x.closed
	x.closed = true
	now := !already && x.live == 0
	x.mu.Unlock()
	if now {
		x.closeRuntime(ctx)
	}
}

// closeRuntime closes the plugin's runtime, then its cache (go-sdk#97: the
// cache must outlive the plugin).
func (x *extismApp) closeRuntime(ctx context.Context) {
	_ = x.compiled.Close(ctx)
	_ = x.cache.Close(ctx)
}
