package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime/internal/meter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Negative answers of the data host functions when the call itself is
// malformed (abi-v1 §3); documented in docs/abi.md.
const (
	hostErrFault   = -1 // a pointer or length outside guest memory
	hostErrTooBig  = -2 // input over the host-call input cap
	hostErrNoCall  = -3 // called outside a call
	hostErrNothing = -4 // take_result with no result waiting
)

var dataImports = []string{abi.ImportHTTPRequest, abi.ImportVaultGet, abi.ImportKVGet, abi.ImportKVSet, abi.ImportKVDelete}

// newHostModule builds module "slotbox". Its functions are shared by every
// instance and find the call they serve in the context.
func newHostModule(rt wazero.Runtime) wazero.HostModuleBuilder {
	b := rt.NewHostModuleBuilder(abi.HostModule)
	for _, name := range dataImports {
		b.NewFunctionBuilder().
			WithGoModuleFunction(dataFunc(name), []api.ValueType{i32, i32}, []api.ValueType{i32}).
			WithParameterNames("in_ptr", "in_len").Export(name)
	}
	b.NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(takeResult), []api.ValueType{i32}, []api.ValueType{i32}).
		WithParameterNames("dst_ptr").Export(abi.ImportTakeResult)
	b.NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(logFunc), []api.ValueType{i32, i32, i32}, nil).
		WithParameterNames("level", "ptr", "len").Export(abi.ImportLog)
	return b
}

// dataFunc adapts a hostfuncs.Func to the (in_ptr, in_len) -> i32 shape:
// it reads the input, runs the function and leaves the envelope waiting
// for take_result.
func dataFunc(name string) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		st := stateFrom(ctx)
		if st == nil {
			stack[0] = api.EncodeI32(hostErrNoCall)
			return
		}
		st.pending, st.hasPending = nil, false
		ptr, n := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
		if int64(n) > int64(st.maxHostIn) {
			stack[0] = api.EncodeI32(hostErrTooBig)
			return
		}
		in, ok := mod.Memory().Read(ptr, n)
		if !ok {
			stack[0] = api.EncodeI32(hostErrFault)
			return
		}
		if time.Now().After(st.deadline) {
			panic(errDeadline)
		}
		env := st.runHostFunc(name, append([]byte(nil), in...))
		st.pending, st.hasPending = env, true
		stack[0] = api.EncodeI32(int32(len(env)))
	}
}

// runHostFunc calls the bound function with a context bounded by the
// call's deadline and returns the envelope bytes.
func (st *callState) runHostFunc(name string, in []byte) []byte {
	f := st.funcs[name]
	var env abi.Envelope
	if f == nil {
		env.Error = abi.Errorf(abi.CodePermissionDenied, "host function %s is not bound for this installation", name)
	} else {
		ctx, cancel := context.WithDeadline(st.parent, st.deadline)
		res, err := f(ctx, in)
		cancel()
		switch {
		case err == nil:
			if len(res) == 0 {
				res = json.RawMessage("{}")
			}
			env.OK = res
		default:
			var ae *abi.Error
			if !errors.As(err, &ae) {
				ae = &abi.Error{Code: abi.CodeHostError, Message: err.Error()}
			}
			env.Error = ae
		}
	}
	b, err := json.Marshal(env)
	if err != nil {
		b = []byte(`{"error":{"code":"HOST_ERROR","message":"host function result is not JSON","retryable":false}}`)
	}
	return b
}

func takeResult(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateFrom(ctx)
	if st == nil {
		stack[0] = api.EncodeI32(hostErrNoCall)
		return
	}
	if !st.hasPending {
		stack[0] = api.EncodeI32(hostErrNothing)
		return
	}
	if !mod.Memory().Write(api.DecodeU32(stack[0]), st.pending) {
		stack[0] = api.EncodeI32(hostErrFault)
		return
	}
	stack[0] = api.EncodeI32(int32(len(st.pending)))
	st.pending, st.hasPending = nil, false
}

func logFunc(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateFrom(ctx)
	if st == nil {
		return
	}
	level := abi.LogLevel(api.DecodeI32(stack[0]))
	if level < abi.LogDebug || level > abi.LogError {
		level = abi.LogInfo
	}
	ptr, n := api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	if int64(n) > int64(st.logs.max) {
		st.logs.dropped++
		return
	}
	msg, ok := mod.Memory().Read(ptr, n)
	if !ok {
		st.logs.dropped++
		return
	}
	st.logs.write(level, msg)
}

// newMeterModule builds the module the metering rewriter imports: refuel,
// called whenever a guest's fuel chunk runs out, and overflow, called when
// its call depth passes the limit.
func newMeterModule(rt wazero.Runtime) wazero.HostModuleBuilder {
	b := rt.NewHostModuleBuilder(meter.ImportModule)
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(refuel), nil, nil).Export(meter.ImportRefuel)
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(overflow), nil, nil).Export(meter.ImportOverflow)
	return b
}

// refuel is where a metered guest hands control back to Go: it checks the
// deadline and the caller's context, then grants the next chunk of fuel or
// stops the guest.
func refuel(ctx context.Context, mod api.Module, _ []uint64) {
	st := stateFrom(ctx)
	if st == nil {
		panic(errNoCall)
	}
	if time.Now().After(st.deadline) {
		panic(errDeadline)
	}
	if st.parent.Err() != nil {
		panic(errCanceled)
	}
	if st.budget <= 0 {
		panic(errFuel)
	}
	g, ok := mod.ExportedGlobal(meter.ExportFuel).(api.MutableGlobal)
	if !ok {
		panic(errNoCall)
	}
	g.Set(uint64(st.grant(int64(g.Get()))))
}

func overflow(context.Context, api.Module, []uint64) { panic(errCallDepth) }
