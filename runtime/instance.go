package runtime

import (
	"context"
	"crypto/rand"
	"fmt"
	goruntime "runtime"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime/internal/meter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// instance is one instantiated guest. It serves one call at a time and is
// thrown away after any failure the guest may have caused.
type instance struct {
	pool  *pool
	mod   api.Module
	alloc api.Function
	call  api.Function
	free  api.Function
	fuel  api.MutableGlobal
	depth api.MutableGlobal

	// state is the call being served; the WASI writers and nanosleep read it.
	state *callState
	// cs is the state of this instance's calls, reused from call to call.
	cs callState

	// ext is the Extism half of an instance of an Extism app (alloc, call
	// and free are then unused); nil for slotbox/1.
	ext *extismInstance

	// prev and next link the engine's list of idle instances (lru.go).
	prev, next *instance
	idle       bool
	// stack is reused for every guest call (wazero's CallWithStack).
	stack    [4]uint64
	lastUsed time.Time
	memBytes uint64
}

// instantiate creates an instance, running the start function and
// _initialize under the same limits as a call.
func (p *pool) instantiate(ctx context.Context, st *callState) (*instance, error) {
	if p.app.ext != nil {
		return p.instantiateExtism(ctx, st)
	}
	a := p.app
	e := a.engine
	in := &instance{pool: p, state: st}
	st.inst = in
	mc := in.moduleConfig().WithName("").WithStartFunctions()
	mod, err := e.rt.InstantiateModule(st.withState(ctx), a.mod.cm, mc)
	if err != nil {
		return nil, err
	}
	in.mod = mod
	in.alloc = mod.ExportedFunction(abi.AllocExport)
	in.call = mod.ExportedFunction(abi.CallExport)
	in.free = mod.ExportedFunction(abi.FreeExport)
	if err := in.bindMeter(); err != nil {
		_ = mod.Close(ctx)
		return nil, err
	}
	e.mu.Lock()
	e.live++
	e.mu.Unlock()
	if a.hasInit {
		st.arm()
		_, err := mod.ExportedFunction(abi.InitializeExport).Call(st.withState(ctx))
		st.disarm()
		if err != nil {
			in.close(ctx)
			return nil, err
		}
	}
	return in, nil
}

// moduleConfig is the WASI every guest gets: real clocks, crypto
// randomness, sleeps bounded by the call's deadline, stdout and stderr into
// the call's log; no arguments, environment, files or sockets.
func (in *instance) moduleConfig() wazero.ModuleConfig {
	return wazero.NewModuleConfig().
		WithSysWalltime().
		WithSysNanotime().
		WithNanosleep(in.nanosleep).
		WithOsyield(goruntime.Gosched).
		WithRandSource(rand.Reader).
		WithStdout(guestWriter{in: in, level: abi.LogInfo}).
		WithStderr(guestWriter{in: in, level: abi.LogError})
}

// bindMeter finds the metering's fuel and depth globals in the instance's
// module.
func (in *instance) bindMeter() error {
	a := in.pool.app
	fuel, ok := in.mod.ExportedGlobal(meter.ExportFuel).(api.MutableGlobal)
	if !ok && a.engine.cfg.unmetered {
		return nil
	}
	if !ok {
		return fmt.Errorf("instance of app[%s] lacks the fuel global", a.sha256[:12])
	}
	in.fuel = fuel
	if a.engine.cfg.maxCallDepth > 0 {
		in.depth, _ = in.mod.ExportedGlobal(meter.ExportDepth).(api.MutableGlobal)
	}
	return nil
}

// memorySize is the linear memory an instance holds: its module's and, for
// an Extism plugin, its kernel's.
func (in *instance) memorySize() uint64 {
	n := uint64(in.mod.Memory().Size()) + in.pool.app.overhead
	if in.ext != nil {
		n += uint64(in.ext.memory().Size())
	}
	return n
}

func (in *instance) close(ctx context.Context) {
	if in.mod == nil {
		return
	}
	if in.ext != nil {
		in.ext.close(ctx)
	} else {
		_ = in.mod.Close(ctx)
	}
	in.mod = nil
	e := in.pool.app.engine
	e.mu.Lock()
	e.live--
	e.mu.Unlock()
}

// nanosleep serves WASI sleeps. It never sleeps past the call's deadline:
// a guest that asks to is stopped with TIMEOUT.
func (in *instance) nanosleep(ns int64) {
	st := in.state
	if st == nil {
		return
	}
	d := time.Duration(ns)
	left := time.Until(st.deadline)
	if d >= left {
		if left > 0 {
			time.Sleep(left)
		}
		panic(errDeadline)
	}
	if d > 0 {
		time.Sleep(d)
	}
}

// guestWriter sends a guest's stdout or stderr to the current call's log.
type guestWriter struct {
	in    *instance
	level abi.LogLevel
}

func (w guestWriter) Write(p []byte) (int, error) {
	if st := w.in.state; st != nil {
		return st.logs.stream(w.level).Write(p)
	}
	return len(p), nil
}
