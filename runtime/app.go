package runtime

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime/internal/meter"
)

// App is one compiled, validated app version, ready to call. Its instances
// are pooled per installation.
type App struct {
	engine   *Engine
	sha256   string
	manifest *abi.Manifest
	mod      *compiledModule // slotbox/1 apps
	ext      *extismApp      // Extism apps (abi.ExtismVersion)
	hasFree  bool
	hasInit  bool
	// overhead estimates the host memory an instance costs beyond its
	// linear memory (wazero's per-instance function tables and engine state),
	// which the idle budget counts too: about 35-45% of the module's size
	// for Go guests (measured: go-bench 1.4 MB, caldav 2.5 MB) and 35 KiB
	// for small ones. docs/runtime.md has the numbers.
	overhead uint64

	mu     sync.Mutex // guards pools and closed; held only for map access
	pools  map[string]*pool
	closed bool
}

// SHA256 returns the hex sha256 of the module's bytes as uploaded.
func (a *App) SHA256() string { return a.sha256 }

// Manifest returns the manifest the app was compiled with.
func (a *App) Manifest() *abi.Manifest { return a.manifest }

// Compile validates a module against its manifest, meters it and compiles
// it. A module already compiled (same sha256) is not compiled again, and
// with a cache directory a restart reuses the machine code on disk.
// A refused module yields a *ValidationError listing every reason.
// An Extism plugin (manifest abi extism/1, or a module importing
// extism:host/env without the slotbox/1 marker) takes the Extism path,
// described in extism.go; it is compiled once per call of Compile.
func (e *Engine) Compile(ctx context.Context, wasm []byte, m *abi.Manifest) (*App, error) {
	if m == nil {
		return nil, errors.New("compile: manifest is required")
	}
	if wantsExtism(wasm, m) {
		return e.compileExtism(ctx, wasm, m)
	}
	if m.ABI != "" && m.ABI != abi.Version {
		return nil, &ValidationError{Violations: []Violation{{Rule: RuleABI, Name: m.ABI,
			Message: fmt.Sprintf("the runtime serves %q and %q", abi.Version, abi.ExtismVersion)}}}
	}
	info, vs := checkShape(wasm, m, e.cfg, e.hostFuncs)
	if err := vs.err(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(wasm)
	sha := hex.EncodeToString(sum[:])
	mod, err := e.compiledModule(ctx, sha, wasm, info)
	if err != nil {
		return nil, err
	}
	vs = append(checkExports(info, mod.cm), checkImportSignatures(mod.cm, e.hostFuncs)...)
	if err := vs.err(); err != nil {
		e.release(ctx, sha)
		return nil, err
	}
	fns := mod.cm.ExportedFunctions()
	_, hasFree := fns[abi.FreeExport]
	_, hasInit := fns[abi.InitializeExport]
	return &App{engine: e, sha256: sha, manifest: m, mod: mod, hasFree: hasFree, hasInit: hasInit,
		overhead: instanceOverhead(len(wasm)), pools: map[string]*pool{}}, nil
}

// instanceOverhead estimates an instance's host memory beyond its linear
// memory from its module's size (see App.overhead).
func instanceOverhead(moduleSize int) uint64 { return 32<<10 + uint64(moduleSize)/2 }

// compiledModule returns the module compiled from wasm, compiling it at most
// once however many callers ask at the same time.
func (e *Engine) compiledModule(ctx context.Context, sha string, wasm []byte, info *moduleInfo) (*compiledModule, error) {
	v, err, _ := e.compiling.Do(sha, func() (any, error) {
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			return nil, errors.New("engine is closed")
		}
		if m, ok := e.modules[sha]; ok {
			m.refs++
			e.mu.Unlock()
			return m, nil
		}
		e.mu.Unlock()
		bounded, err := capTables(wasm, info, e.cfg.maxTableEntries)
		if err != nil {
			return nil, &ValidationError{Violations: []Violation{{Rule: RuleMalformed, Message: err.Error()}}}
		}
		metered := bounded
		if !e.cfg.unmetered {
			if metered, err = meter.Instrument(bounded, meter.Options{MaxCallDepth: e.cfg.maxCallDepth}); err != nil {
				return nil, meterViolation(err)
			}
		}
		cm, err := e.rt.CompileModule(ctx, metered)
		if err != nil {
			return nil, &ValidationError{Violations: []Violation{compileViolation(err)}}
		}
		m := &compiledModule{cm: cm, info: info, refs: 1}
		e.mu.Lock()
		e.modules[sha] = m
		e.mu.Unlock()
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*compiledModule), nil
}

// release drops one reference to a compiled module and closes it at zero.
func (e *Engine) release(ctx context.Context, sha string) {
	e.mu.Lock()
	m, ok := e.modules[sha]
	if ok {
		m.refs--
		if m.refs > 0 {
			ok = false
		} else {
			delete(e.modules, sha)
		}
	}
	e.mu.Unlock()
	if ok {
		_ = m.cm.Close(ctx)
	}
}

// meterViolation turns a refusal of the metering rewriter into a violation.
func meterViolation(err error) error {
	v := Violation{Rule: RuleMalformed, Message: strings.TrimPrefix(err.Error(), "meter: ")}
	switch {
	case errors.Is(err, meter.ErrReserved):
		v.Rule = RuleReserved
	case errors.Is(err, meter.ErrUnsupported):
		v.Rule = RuleFeature
	case errors.Is(err, meter.ErrLimit):
		v.Rule = RuleLimit
		if strings.Contains(v.Message, "locals") {
			v.Rule = RuleLocals
		}
	}
	if m := functionRef.FindString(v.Message); m != "" {
		v.Name = m
	}
	return &ValidationError{Violations: []Violation{v}}
}

// functionRef finds the function a meter error names, e.g. "function[3]".
var functionRef = regexp.MustCompile(`function\[\d+\]`)

func compileViolation(err error) Violation {
	msg := err.Error()
	if strings.Contains(msg, "pages") {
		return Violation{Rule: RuleMemory, Message: msg}
	}
	if strings.Contains(msg, "feature") {
		return Violation{Rule: RuleFeature, Message: msg}
	}
	return Violation{Rule: RuleMalformed, Message: msg}
}

// Close closes the app's idle instances and releases its compiled module.
// Calls in flight finish; their instances are closed when they return.
func (a *App) Close(ctx context.Context) error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	pools := a.pools
	a.pools = map[string]*pool{}
	a.mu.Unlock()
	e := a.engine
	var idle []*instance
	e.mu.Lock()
	for _, p := range pools {
		for _, in := range p.idle {
			e.removeIdleLocked(in)
			idle = append(idle, in)
		}
		p.idle = nil
	}
	e.mu.Unlock()
	for _, in := range idle {
		in.close(ctx)
	}
	if a.ext != nil {
		a.ext.close(ctx)
	} else {
		e.release(ctx, a.sha256)
	}
	return nil
}

// Evict closes the idle instances of one installation, e.g. after its keys
// changed or it was deleted.
func (a *App) Evict(ctx context.Context, installation string) {
	a.mu.Lock()
	p := a.pools[installation]
	delete(a.pools, installation)
	a.mu.Unlock()
	if p == nil {
		return
	}
	e := a.engine
	e.mu.Lock()
	idle := p.idle
	p.idle = nil
	for _, in := range idle {
		e.removeIdleLocked(in)
	}
	e.mu.Unlock()
	for _, in := range idle {
		in.close(ctx)
	}
}
