package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/slotbox/slotbox/abi"
	"github.com/tetratelabs/wazero/api"
)

// Failures of an Extism plugin's kernel calls. Each stops the guest (a host
// function stops a guest by panicking) and maps to an ABI code.
var (
	errNoKernel     = errors.New("the Extism kernel was called outside a call")
	errKernelMemory = errors.New("the Extism kernel's memory is exhausted")
	errVarsFull     = fmt.Errorf("vars over the limit of %d bytes", extismMaxVarBytes)
)

// errKernelFault is a kernel access outside the kernel's memory.
type errKernelFault struct {
	fn     string
	offset uint64
}

func (e errKernelFault) Error() string {
	return fmt.Sprintf("%s: offset %d is outside the Extism kernel's memory", e.fn, e.offset)
}

// errBadBlock is an argument that should be a kernel block and is not, or
// is longer than the function accepts.
type errBadBlock struct {
	fn     string
	offset uint64
	max    int
}

func (e errBadBlock) Error() string {
	return fmt.Sprintf("%s: %d is not a kernel block of at most %d bytes", e.fn, e.offset, e.max)
}

// kernelFn names the kernel exports the host forwards to.
type kernelFn int

const (
	kAlloc kernelFn = iota
	kFree
	kLength
	kLengthUnsafe
	kLoadU8
	kStoreU8
	kInputLength
	kInputOffset
	kInputLoadU8
	kInputSet
	kOutputSet
	kOutputLength
	kOutputOffset
	kReset
	kErrorSet
	kErrorGet
	kMemoryBytes
	kernelFnCount
)

var kernelFnNames = [kernelFnCount]string{
	kAlloc:        "alloc",
	kFree:         "free",
	kLength:       "length",
	kLengthUnsafe: "length_unsafe",
	kLoadU8:       "load_u8",
	kStoreU8:      "store_u8",
	kInputLength:  "input_length",
	kInputOffset:  "input_offset",
	kInputLoadU8:  "input_load_u8",
	kInputSet:     "input_set",
	kOutputSet:    "output_set",
	kOutputLength: "output_length",
	kOutputOffset: "output_offset",
	kReset:        "reset",
	kErrorSet:     "error_set",
	kErrorGet:     "error_get",
	kMemoryBytes:  "memory_bytes",
}

// extismInstance is the Extism half of an instance: the go-sdk plugin, the
// kernel functions bound during calls, the vars and the reason a host
// function stopped the guest.
type extismInstance struct {
	app    *extismApp
	plugin *extism.Plugin

	kernel api.Module // the plugin's kernel, as the go-sdk puts it in the call's context
	fns    [kernelFnCount]api.Function

	vars    map[string][]byte
	varSize int

	// stop is the sentinel a host function stopped the guest with. The
	// go-sdk formats some errors with %v, which loses the wrapping; stop
	// keeps the reason for classify.
	stop error
}

// extismCall returns the instance and call a host function serves.
func extismCall(ctx context.Context) (*extismInstance, *callState) {
	st := stateFrom(ctx)
	if st == nil || st.inst == nil || st.inst.ext == nil {
		panic(errNoCall)
	}
	return st.inst.ext, st
}

// noteStop is deferred by every host function of the Extism path: it keeps
// the error a host function panics with, then lets the panic go on to stop
// the guest.
func (x *extismInstance) noteStop() {
	if r := recover(); r != nil {
		if err, ok := r.(error); ok && x.stop == nil {
			x.stop = err
		}
		panic(r)
	}
}

// fn returns the kernel export k of the plugin whose call ctx is.
func (x *extismInstance) fn(ctx context.Context, k kernelFn) api.Function {
	mod, _ := ctx.Value(extism.PluginCtxKey("extism")).(api.Module)
	if mod == nil {
		panic(errNoKernel)
	}
	if mod != x.kernel {
		x.kernel, x.fns = mod, [kernelFnCount]api.Function{}
	}
	f := x.fns[k]
	if f == nil {
		if f = mod.ExportedFunction(kernelFnNames[k]); f == nil {
			panic(fmt.Errorf("the Extism kernel lacks %s", kernelFnNames[k]))
		}
		x.fns[k] = f
	}
	return f
}

// call1 calls a kernel export with one argument and returns its result.
func (x *extismInstance) call1(ctx context.Context, k kernelFn, arg uint64) uint64 {
	stack := [1]uint64{arg}
	if err := x.fn(ctx, k).CallWithStack(ctx, stack[:]); err != nil {
		panic(err)
	}
	return stack[0]
}

// memory is the kernel's memory: input, output and every block.
func (x *extismInstance) memory() api.Memory { return x.plugin.Memory() }

// readBlock copies the kernel block at off. ok is false when off is not in
// the kernel's memory or the block is longer than max.
func (x *extismInstance) readBlock(ctx context.Context, off uint64, max int) (b []byte, ok bool) {
	if off > math.MaxUint32 {
		return nil, false
	}
	n := x.call1(ctx, kLength, off)
	if n > uint64(max) {
		return nil, false
	}
	buf, ok := x.memory().Read(uint32(off), uint32(n))
	if !ok {
		return nil, false
	}
	return bytes.Clone(buf), true
}

// writeBlock copies b into a new kernel block and returns its offset.
func (x *extismInstance) writeBlock(ctx context.Context, b []byte) uint64 {
	if len(b) == 0 {
		return 0
	}
	off := x.call1(ctx, kAlloc, uint64(len(b)))
	if off == 0 || off > math.MaxUint32 || !x.memory().Write(uint32(off), b) {
		panic(errKernelMemory)
	}
	return off
}

// exhausted reports whether the kernel's memory is at the limit, within the
// same margin as memoryExhausted.
func (x *extismInstance) exhausted(limit uint64) bool {
	mem := x.memory()
	return mem != nil && uint64(mem.Size())+4<<20 > limit
}

// checkDeadline stops the guest once the call's deadline has passed. Kernel
// work is not metered (the go-sdk compiles the kernel), and the kernel's
// allocator scans every block, so a guest making many small blocks makes
// each call slower: the deadline, checked on every kernel call, bounds it.
func (st *callState) checkDeadline() {
	if time.Now().After(st.deadline) {
		panic(errDeadline)
	}
}

// kernelFunc returns the host function serving kernel import name.
func kernelFunc(name string) extism.HostFunctionStackCallback {
	for k, n := range kernelFnNames {
		if n == name {
			return forwardKernel(kernelFn(k))
		}
	}
	switch name {
	case "load_u64":
		return kernelLoadU64
	case "store_u64":
		return kernelStoreU64
	case "input_load_u64":
		return kernelInputLoadU64
	case "config_get":
		return kernelConfigGet
	case "var_get":
		return kernelVarGet
	case "var_set":
		return kernelVarSet
	case "get_log_level":
		return kernelGetLogLevel
	case "log_trace", "log_debug":
		return kernelLog(abi.LogDebug)
	case "log_info":
		return kernelLog(abi.LogInfo)
	case "log_warn":
		return kernelLog(abi.LogWarn)
	case "log_error":
		return kernelLog(abi.LogError)
	}
	panic("runtime: no host function for kernel import " + name)
}

// forwardKernel serves an import by calling the kernel's export of the same
// name and signature.
func forwardKernel(k kernelFn) extism.HostFunctionStackCallback {
	return func(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
		x, st := extismCall(ctx)
		defer x.noteStop()
		st.checkDeadline()
		if err := x.fn(ctx, k).CallWithStack(ctx, stack); err != nil {
			panic(err)
		}
	}
}

func kernelLoadU64(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	x, _ := extismCall(ctx)
	defer x.noteStop()
	v, ok := x.memory().ReadUint64Le(kernelOffset("load_u64", stack[0], 0))
	if !ok {
		panic(errKernelFault{"load_u64", stack[0]})
	}
	stack[0] = v
}

func kernelStoreU64(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	x, _ := extismCall(ctx)
	defer x.noteStop()
	if !x.memory().WriteUint64Le(kernelOffset("store_u64", stack[0], 0), stack[1]) {
		panic(errKernelFault{"store_u64", stack[0]})
	}
}

func kernelInputLoadU64(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	x, _ := extismCall(ctx)
	defer x.noteStop()
	base, _ := ctx.Value(extism.InputOffsetKey("inputOffset")).(uint64)
	v, ok := x.memory().ReadUint64Le(kernelOffset("input_load_u64", stack[0], base))
	if !ok {
		panic(errKernelFault{"input_load_u64", stack[0]})
	}
	stack[0] = v
}

// kernelOffset returns base+off as a 32-bit address, or stops the guest.
func kernelOffset(fn string, off, base uint64) uint32 {
	sum := base + off
	if sum < base || sum > math.MaxUint32 {
		panic(errKernelFault{fn, off})
	}
	return uint32(sum)
}

// kernelConfigGet answers every key as unset: Slotbox passes an
// installation's settings in each call's input, not as Extism config.
func kernelConfigGet(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	x, st := extismCall(ctx)
	defer x.noteStop()
	st.checkDeadline()
	stack[0] = 0
}

func kernelVarGet(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	x, st := extismCall(ctx)
	defer x.noteStop()
	st.checkDeadline()
	key, ok := x.readBlock(ctx, stack[0], extismMaxVarBytes)
	if !ok {
		panic(errBadBlock{"var_get", stack[0], extismMaxVarBytes})
	}
	x.call1(ctx, kFree, stack[0])
	v, found := x.vars[string(key)]
	if !found {
		stack[0] = 0
		return
	}
	stack[0] = x.writeBlock(ctx, v)
}

func kernelVarSet(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	x, st := extismCall(ctx)
	defer x.noteStop()
	st.checkDeadline()
	keyOff, valOff := stack[0], stack[1]
	key, ok := x.readBlock(ctx, keyOff, extismMaxVarBytes)
	if !ok {
		panic(errBadBlock{"var_set", keyOff, extismMaxVarBytes})
	}
	x.call1(ctx, kFree, keyOff)
	old, had := x.vars[string(key)]
	if valOff == 0 {
		if had {
			delete(x.vars, string(key))
			x.varSize -= len(key) + len(old)
		}
		return
	}
	val, ok := x.readBlock(ctx, valOff, extismMaxVarBytes)
	if !ok {
		panic(errVarsFull)
	}
	x.call1(ctx, kFree, valOff)
	size := x.varSize + len(val)
	if had {
		size -= len(old)
	} else {
		size += len(key)
	}
	if size > extismMaxVarBytes {
		panic(errVarsFull)
	}
	if x.vars == nil {
		x.vars = map[string][]byte{}
	}
	x.vars[string(key)] = val
	x.varSize = size
}

// kernelGetLogLevel answers trace (0): every line a plugin logs is kept, up
// to the call's log cap.
func kernelGetLogLevel(_ context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	stack[0] = 0
}

// kernelLog serves the kernel's log_<level>: the message block goes to the
// call's log and is freed, as the go-sdk does.
func kernelLog(level abi.LogLevel) extism.HostFunctionStackCallback {
	return func(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
		x, st := extismCall(ctx)
		defer x.noteStop()
		st.checkDeadline()
		msg, ok := x.readBlock(ctx, stack[0], st.logs.max)
		if !ok {
			st.logs.dropped++
			return
		}
		x.call1(ctx, kFree, stack[0])
		st.logs.write(level, msg)
	}
}
