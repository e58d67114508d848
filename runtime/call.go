package runtime

import (
	"context"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
)

// CallRequest is one method call for one installation.
type CallRequest struct {
	// Installation owns the instance that serves the call; instances are
	// never shared between installations.
	Installation string
	Method       string
	Input        []byte
	// Funcs are the installation's host functions by import name
	// (abi.ImportHTTPRequest, ...). A missing one answers PERMISSION_DENIED.
	Funcs map[string]hostfuncs.Func
	// Timeout and Fuel lower the engine's limits for this call; zero keeps them.
	Timeout time.Duration
	Fuel    int64
}

// Result is what a call produced. Envelope is always set: a failure of any
// kind is an error envelope with an abi code.
type Result struct {
	Envelope     abi.Envelope
	Logs         []LogLine
	LogsDropped  int
	Duration     time.Duration
	FuelUsed     int64
	Instantiated bool // a new instance was created for this call
}

// Call runs one method. It never panics on guest behaviour: traps, limits
// and malformed output become error envelopes, and the instance that caused
// them is discarded.
func (a *App) Call(ctx context.Context, req CallRequest) *Result {
	start := time.Now()
	res := &Result{}
	defer func() { res.Duration = time.Since(start) }()
	e := a.engine
	if len(req.Input) > e.cfg.maxInput {
		res.Envelope.Error = abi.Errorf(abi.CodeInvalidInput, "input is %d bytes, over the limit of %d", len(req.Input), e.cfg.maxInput)
		return res
	}
	p, ok := a.pool(req.Installation)
	if !ok {
		res.Envelope.Error = &abi.Error{Code: abi.CodeHostError, Message: "app version is closed", Retryable: true}
		return res
	}
	in := p.take()
	if in == nil {
		ist := newCallState(ctx, e.cfg, start, req.Timeout, req.Fuel, req.Funcs)
		var err error
		in, err = p.instantiate(ctx, ist)
		res.Instantiated = true
		if err != nil {
			res.Logs, res.LogsDropped = ist.logs.finish()
			res.Envelope.Error = classify(err, ist, nil, "instantiate")
			return res
		}
	}
	st := &in.cs
	st.inst = in
	st.reset(ctx, e.cfg, start, req.Timeout, req.Fuel, req.Funcs)
	in.state = st
	env, healthy := in.invoke(st, req.Method, req.Input)
	in.state = nil
	res.Envelope = env
	res.Logs, res.LogsDropped = st.logs.finish()
	res.FuelUsed = st.granted
	if healthy {
		p.put(ctx, in, start)
	} else {
		in.close(ctx)
	}
	return res
}

// invoke writes the method and input into the guest, calls slotbox_call and
// reads the envelope back. healthy is false when the instance must go.
func (in *instance) invoke(st *callState, method string, input []byte) (env abi.Envelope, healthy bool) {
	if in.ext != nil {
		return in.invokeExtism(st, method, input)
	}
	e := in.pool.app.engine
	mptr, err := in.writeString(st, method)
	if err != nil {
		return abi.ErrorEnvelope(classify(err, st, in, "write method")), false
	}
	iptr, err := in.write(st, input)
	if err != nil {
		return abi.ErrorEnvelope(classify(err, st, in, "write input")), false
	}
	stack := in.stack[:4]
	stack[0], stack[1], stack[2], stack[3] = uint64(mptr), uint64(len(method)), uint64(iptr), uint64(len(input))
	st.arm()
	err = in.call.CallWithStack(st.ctx, stack)
	st.disarm()
	if err != nil {
		return abi.ErrorEnvelope(classify(err, st, in, "call")), false
	}
	outPtr, outLen := uint32(stack[0]>>32), uint32(stack[0])
	if int64(outLen) > int64(e.cfg.maxOutput) {
		return abi.ErrorEnvelope(abi.Errorf(abi.CodeOutputTooLarge, "output is %d bytes, over the limit of %d", outLen, e.cfg.maxOutput)), false
	}
	out, ok := in.mod.Memory().Read(outPtr, outLen)
	if !ok {
		return abi.ErrorEnvelope(abi.Errorf(abi.CodeBadOutput, "output [%d, +%d) is outside guest memory (%d bytes)", outPtr, outLen, in.mod.Memory().Size())), false
	}
	env, perr := parseEnvelope(out)
	if perr != nil {
		return abi.ErrorEnvelope(perr), false
	}
	if env.OK != nil && e.cfg.validateResults {
		if _, known := abi.LookupMethod(method); known {
			if err := abi.ValidateResult(method, env.OK); err != nil {
				return abi.ErrorEnvelope(abi.Errorf(abi.CodeBadOutput, "result does not match the schema of %s: %v", method, err)), false
			}
		}
	}
	if in.free != nil && !in.freeAll(st, mptr, len(method), iptr, len(input), outPtr, outLen) {
		return env, false
	}
	return env, true
}

// write copies b into a buffer the guest allocates and returns its address.
func (in *instance) write(st *callState, b []byte) (uint32, error) {
	ptr, err := in.allocate(st, len(b))
	if err != nil || ptr == 0 {
		return ptr, err
	}
	if !in.mod.Memory().Write(ptr, b) {
		return 0, errAllocBounds{ptr: ptr, size: len(b), memSize: int(in.mod.Memory().Size())}
	}
	return ptr, nil
}

// writeString is write for a string, without converting it to bytes.
func (in *instance) writeString(st *callState, s string) (uint32, error) {
	ptr, err := in.allocate(st, len(s))
	if err != nil || ptr == 0 {
		return ptr, err
	}
	if !in.mod.Memory().WriteString(ptr, s) {
		return 0, errAllocBounds{ptr: ptr, size: len(s), memSize: int(in.mod.Memory().Size())}
	}
	return ptr, nil
}

// allocate asks the guest for n bytes; n == 0 needs no buffer.
func (in *instance) allocate(st *callState, n int) (uint32, error) {
	if n == 0 {
		return 0, nil
	}
	stack := in.stack[:1]
	stack[0] = uint64(n)
	st.arm()
	err := in.alloc.CallWithStack(st.ctx, stack)
	st.disarm()
	if err != nil {
		return 0, err
	}
	ptr := uint32(stack[0])
	if ptr == 0 {
		return 0, errAllocFailed{size: n, memSize: int(in.mod.Memory().Size())}
	}
	return ptr, nil
}

// freeAll hands the call's buffers back to a guest that exports slotbox_free.
func (in *instance) freeAll(st *callState, mptr uint32, mlen int, iptr uint32, ilen int, optr, olen uint32) bool {
	bufs := [3][2]uint64{{uint64(mptr), uint64(mlen)}, {uint64(iptr), uint64(ilen)}, {uint64(optr), uint64(olen)}}
	for _, b := range bufs {
		if b[0] == 0 {
			continue
		}
		stack := in.stack[:2]
		stack[0], stack[1] = b[0], b[1]
		st.arm()
		err := in.free.CallWithStack(st.ctx, stack)
		st.disarm()
		if err != nil {
			return false
		}
	}
	return true
}
