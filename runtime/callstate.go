package runtime

import (
	"bytes"
	"context"
	"errors"
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
	logs       logCapture
}

func newCallState(parent context.Context, cfg Config, timeout time.Duration, fuel int64, funcs map[string]hostfuncs.Func) *callState {
	if timeout <= 0 || timeout > cfg.timeout {
		timeout = cfg.timeout
	}
	if fuel <= 0 || fuel > cfg.fuel {
		fuel = cfg.fuel
	}
	deadline := time.Now().Add(timeout)
	if d, ok := parent.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	st := &callState{
		parent:    parent,
		funcs:     funcs,
		deadline:  deadline,
		budget:    fuel,
		chunk:     cfg.fuelChunk,
		maxHostIn: cfg.maxHostInput,
		logs:      logCapture{max: cfg.maxLog},
	}
	st.ctx = context.WithValue(parent, stateKey{}, st)
	return st
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
type LogLine struct {
	Time    time.Time    `json:"time"`
	Level   abi.LogLevel `json:"level"`
	Message string       `json:"message"`
}

// logCapture keeps a call's log lines up to a byte cap and counts the rest.
type logCapture struct {
	max     int
	size    int
	lines   []LogLine
	dropped int
}

func (l *logCapture) write(level abi.LogLevel, p []byte) {
	for _, line := range bytes.Split(bytes.TrimRight(p, "\n"), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if l.size+len(line) > l.max {
			l.dropped++
			continue
		}
		l.size += len(line)
		l.lines = append(l.lines, LogLine{Time: time.Now(), Level: level, Message: string(line)})
	}
}
