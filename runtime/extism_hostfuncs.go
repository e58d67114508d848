package runtime

import (
	"context"

	extism "github.com/extism/go-sdk"
	"github.com/slotbox/slotbox/abi"
)

// extismDataFunc serves Slotbox's data host function name in
// extism:host/user with Extism's calling convention:
//
//	name(in u64) -> u64
//
// in is a kernel block holding the input JSON (the same JSON as slotbox/1);
// the answer is a new kernel block holding the envelope a slotbox/1 guest
// would fetch with take_result, produced by the same runHostFunc. It answers
// 0, and runs nothing, when in is not a kernel block or is longer than the
// host-call input cap. The guest keeps ownership of in.
func extismDataFunc(name string) extism.HostFunctionStackCallback {
	return func(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
		x, st := extismCall(ctx)
		defer x.noteStop()
		st.checkDeadline()
		in, ok := x.readBlock(ctx, stack[0], st.maxHostIn)
		if !ok {
			stack[0] = 0
			return
		}
		stack[0] = x.writeBlock(ctx, st.runHostFunc(name, in))
	}
}

// extismLog serves log(level u64, msg u64) in extism:host/user: level is 0
// debug, 1 info, 2 warn, 3 error (others count as info), msg a kernel block
// with the line. The guest keeps ownership of msg. A line over the call's
// log cap, or a msg that is not a block, is counted as dropped.
func extismLog(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	x, st := extismCall(ctx)
	defer x.noteStop()
	st.checkDeadline()
	level := abi.LogInfo
	if stack[0] <= uint64(abi.LogError) {
		level = abi.LogLevel(stack[0])
	}
	msg, ok := x.readBlock(ctx, stack[1], st.logs.max)
	if !ok {
		st.logs.dropped++
		return
	}
	st.logs.write(level, msg)
}

// extismRefuel is the metering's refuel for an Extism plugin. The go-sdk
// gives host functions no calling module, so it hands refuel the plugin's
// main module, where the fuel global lives.
func extismRefuel(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	x, st := extismCall(ctx)
	defer x.noteStop()
	refuel(ctx, st.inst.mod, stack)
}

// extismOverflow is the metering's overflow for an Extism plugin.
func extismOverflow(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	x, st := extismCall(ctx)
	defer x.noteStop()
	overflow(ctx, st.inst.mod, stack)
}
