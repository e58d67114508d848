package runtime

import (
	"io"
	"strings"

	"context"
	"errors"
	applog "github.com/slotbox/slotbox/hostfuncs/log"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
)

// Sentinel failures raised inside host functions (by panicking, which is
// how a host function stops a guest in wazero) and mapped to ABI codes.
var (
	errFuel      = errors.New("fuel exhausted")
	errDeadline  = errors.New("deadline exceeded")
	errCanceled  = errors.New("call canceled")
	errCallDepth = errors.New("call depth exceeded")
	errNoCall    = errors.New("host function called outside a call")
)

type stateKey struct{}

// callState is everything the host functions need during one call (or one
// instantiation): the bound capabilities, the budget, the pending result
// and the log. It travels in the context wazero hands to host functions.
type callState struct {
	inst     *instance
	ctx      context.Context // parent plus this state
	parent   context.Context
	funcs    map[string]hostfuncs.Func
	deadline time.Time
	budget   int64 // fuel not yet granted
	granted  int64 // fuel granted so far
	chunk    int64

	pending    []byte
	hasPending bool
	maxHostIn  int
	logs       callLog
}

func newCallState(parent context.Context, cfg Config, now time.Time, timeout time.Duration, fuel int64, funcs map[string]hostfuncs.Func) *callState {
	st := &callState{}
	st.reset(parent, cfg, now, timeout, fuel, funcs)
	return st
}

// reset readies st for a call that starts at now. An instance keeps one
// callState for the calls it serves, one at a time, so a warm call does not
// allocate one.
func (st *callState) reset(parent context.Context, cfg Config, now time.Time, timeout time.Duration, fuel int64, funcs map[string]hostfuncs.Func) {
	if timeout <= 0 || timeout > cfg.timeout {
		timeout = cfg.timeout
	}
	if fuel <= 0 || fuel > cfg.fuel {
		fuel = cfg.fuel
	}
	deadline := now.Add(timeout)
	if d, ok := parent.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	*st = callState{
		inst:      st.inst,
		parent:    parent,
		funcs:     funcs,
		deadline:  deadline,
		budget:    fuel,
		chunk:     cfg.fuelChunk,
		maxHostIn: cfg.maxHostInput,
		logs:      callLog{max: cfg.maxLog},
	}
	st.ctx = context.WithValue(parent, stateKey{}, st)
}

func (st *callState) withState(context.Context) context.Context { return st.ctx }

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	return st
}

// grant moves the next chunk of the budget into the guest's fuel global,
// on top of cur (which is negative when the guest overran the last chunk).
func (st *callState) grant(cur int64) int64 {
	g := min(st.chunk, st.budget)
	st.budget -= g
	st.granted += g
	return cur + g
}

// arm gives the instance its first chunk of fuel and a zero call depth.
func (st *callState) arm() {
	in := st.inst
	if in.fuel != nil {
		in.fuel.Set(uint64(st.grant(0)))
	}
	if in.depth != nil {
		in.depth.Set(0)
	}
}

// disarm takes back the fuel the guest did not use, so that granted is
// what it used across the several guest calls one method call makes.
func (st *callState) disarm() {
	if st.inst == nil || st.inst.fuel == nil {
		return
	}
	if left := int64(st.inst.fuel.Get()); left > 0 {
		st.budget += left
		st.granted -= left
		st.inst.fuel.Set(0)
	}
}

// LogLine is one line a guest logged during a call, through the log import
// or its stdout and stderr.
type LogLine = applog.Line

// callLog is a call's log: a hostfuncs/log Capture, made on first use so
// that a call which logs nothing pays nothing for it.
type callLog struct {
	max     int
	capture *applog.Capture
	dropped int // lines refused before the capture saw them (bad pointers, over the cap)
}

func (l *callLog) get() *applog.Capture {
	if l.capture == nil {
		l.capture = applog.NewCapture(applog.DefaultConfig().WithMaxBytes(max(l.max, 1)), applog.Call{})
	}
	return l.capture
}

// write records one line of the log host function.
func (l *callLog) write(level abi.LogLevel, p []byte) {
	l.get().Log(context.Background(), level, p)
}

// stream is where the guest's stdout (level info) or stderr (level error) goes.
func (l *callLog) stream(level abi.LogLevel) io.Writer {
	if level == abi.LogError {
		return l.get().Stderr()
	}
	return l.get().Stdout()
}

// finish flushes partial stdout and stderr lines and returns what was kept
// and how many lines were not.
func (l *callLog) finish() ([]LogLine, int) {
	if l.capture == nil {
		return nil, l.dropped
	}
	l.capture.Flush()
	dropped, _ := l.capture.Dropped()
	return l.capture.Lines(), dropped + l.dropped
}

// mentionsOOM reports whether the guest wrote "out of memory" to stderr,
// which is how Go's runtime reports a refused memory.grow before it traps.
func (l *callLog) mentionsOOM() bool {
	if l.capture == nil {
		return false
	}
	l.capture.Flush()
	for _, line := range l.capture.Lines() {
		if line.Stream == applog.StreamStderr && strings.Contains(line.Message, "out of memory") {
			return true
		}
	}
	return false
}
