// Package meter rewrites a WebAssembly module so that it hands control back
// to the host at bounded intervals and cannot recurse without bound.
//
// wazero v1.12 has no fuel metering, and compiled guest code is never
// preempted: a guest spinning in a loop holds its goroutine until it returns,
// and the next garbage-collector stop-the-world waits for it, freezing the
// whole host process. WithCloseOnContextDone fixes that at ~25x the cost of a
// tight loop. Instrument instead puts the meter in the module itself.
//
// # What Instrument adds
//
//   - A mutable i64 global exported as ExportFuel, initially 0, and a function
//     import ImportModule.ImportRefuel of type () -> (). Every charge point
//     subtracts a static cost from the fuel and calls refuel when the result
//     is negative. The host's refuel reads the global, decides whether the
//     call's budget is exhausted (and traps) or the deadline passed, and sets
//     the next chunk. Because refuel is a host call, the guest's goroutine
//     returns to Go at least once per chunk, so stop-the-world can proceed.
//   - When Options.MaxCallDepth > 0, a mutable i32 global exported as
//     ExportDepth and an import ImportModule.ImportOverflow of type () -> ().
//     Every function entry increments the depth and calls overflow when it
//     exceeds MaxCallDepth (the host traps there). The original body is
//     wrapped in a block of the function's result type, so every branch to the
//     function's label lands in it; the depth is decremented after that block
//     and before every return. This bounds wazero's guest call stack, which
//     grows in Go heap (up to 50 MB, by doubling) outside the memory limit.
//
// The new imports come after the module's own imports, so every defined
// function index shifts by the number of imports added (1 or 2); Instrument
// renumbers calls, ref.func (code, element segments, global initialisers),
// function exports, the start function and the "name" section's function and
// local names. Other custom sections are dropped: their offsets (DWARF) would
// be wrong. New types are appended, so no type index shifts; the new globals
// are defined (not imported), so no global index shifts either.
//
// # Why the charges are a sound bound
//
// A body is split into regions: the function region holds every instruction
// outside all loops; each loop's region holds the instructions inside it but
// outside nested loops. The only backward edges in WebAssembly are branches to
// a loop label, which re-enter that loop at its header. Within one call (for
// the function region) or one pass from a loop's header to its next header
// entry or exit (for a loop region), control therefore only moves forward
// through the region, and the instructions it runs form a single path through
// the region's forward control-flow graph, in which a nested loop is one node
// (its own charges cover its body; its exits continue where it was entered).
//
// The cost of a region is the length of its longest such path, in
// instructions: at most the region's instruction count (the bound the
// original design asked for), usually far less, since an if's arms count
// their maximum rather than their sum and a branch ends a path. Charging the
// function region's cost at function entry and a loop region's cost right
// after every loop header (the first entry and every back edge pass it)
// charges at least one unit for every instruction executed. Calls charge the
// callee's cost in the callee. For standard Go modules, whose code generator
// wraps every function in a dispatch loop that each jump re-enters, the
// longest path is the longest run between two jumps. For the test guest's
// JSON call (1.10 million instructions executed) the region sizes charged
// 15.5 million units, the longest paths 3.4 million.
//
// The bound counts instructions, not their run time; the bulk operations
// whose run time grows with an operand (memory.fill/copy/init,
// table.fill/copy/init/grow) are additionally charged their length at run
// time, one unit per 16 bytes (two table entries), before they run, so the
// host can refuse them before the work is done.
//
// # Charge sequences
//
// The function entry charge works on the global:
//
//	global.get F; i64.const cost; i64.sub; global.set F
//	global.get F; i64.const 0; i64.lt_s; if; call refuel; end
//
// Loops are charged at their header in a retry form that keeps the call to
// refuel out of the loop:
//
//	block $exit (the loop's results)
//	  loop $retry
//	    block $cold
//	      loop (original)
//	        <fuel> -= cost; br_if $cold when <fuel> < 0
//	        ...body (branches leaving the loop get 3 added to their depth)...
//	      end
//	      br $exit
//	    end
//	    call refuel; <fuel> += cost
//	    br $retry
//	  end
//	  unreachable
//	end
//
// On refuel the iteration restarts at its header with its charge given back,
// so it is charged once; hence refuel must trap or leave the fuel >= 0, or it
// is called again without progress. A loop with parameters (rare: multi-value
// code) cannot restart that way and charges with an if around the call, like
// the function entry.
//
// In a loop nest without calls <fuel> is a local L appended to the function's
// locals (so no local index shifts): L is loaded from F before the outermost
// loop, written back wherever control can leave the nest (after the
// outermost loop, before a branch or return that exits it) and around the
// refuel call, so refuel, the host and callers always see the current value,
// and wazero keeps it in a register. In loops with calls <fuel> is F itself:
// a local would have to be written back around every call.
//
// When a function's first loop is reached through straight-line code and
// contains calls (every standard Go function), the entry charge is folded
// into that loop's charge: one charge per call instead of two, at the price
// of charging the small entry region on every iteration.
//
// Why the retry form: wazero's register allocator keeps a value live across
// a call in memory, and a refuel call inside a loop, even on a path never
// taken, put a counting loop's counter in memory: 1.0x-2.6x slower than
// unmetered depending on where the code landed, against 0.95x-1.45x in the
// retry form (the unmetered loop itself varies by 1.5x with placement).
// Charging the global in a call-free loop costs ~1.3x (a store-to-load
// dependency on every iteration). For the Go guest's JSON call the retry form
// brought the metered cost from ~1.15x to ~1.08x of unmetered.
//
// After a call returns, F holds the remaining fuel exactly (it can be below
// zero by at most the last charge if refuel returned without granting more).
// After a trap F may be stale by the uses since the last write-back, and the
// depth is not decremented: a host that reuses an instance after a trap
// resets ExportDepth to 0. A call to an imported (host) function counts as
// one instruction; hosts charge their own work, e.g. by lowering F.
//
// # Input rules
//
// Instrument decodes every section and every instruction and refuses, with an
// error wrapping ErrMalformed, ErrUnsupported, ErrReserved or ErrLimit:
// malformed input (truncation, LEB128 encodings longer than their type allows
// or with bits beyond it, lengths past their section, unknown opcodes),
// features wazero's CoreFeaturesV2 does not enable (tail calls, exception
// handling, threads, GC and typed references, relaxed SIMD, multi-memory,
// memory64, extended constant expressions), modules that already use
// ImportModule or export ExportFuel or ExportDepth, and functions with more
// than MaxLocals locals. It does not type-check: a module that is well-formed
// but invalid stays invalid, and wazero refuses it at compile time.
//
// Sections are decoded in file order and every count and length is checked
// against the bytes left before anything is done with it. wazero v1.12
// allocates counts before reading (a 26-byte module claiming 2^28 exports
// cost it 13 GB and 10 s; a claimed 2^28 imports, a fatal out-of-memory), so
// a host should run Instrument, which refuses such modules in microseconds,
// before CompileModule.
package meter

// Names Instrument adds to a module.
const (
	// ImportModule is the import module of the functions Instrument adds.
	ImportModule = "slotbox_meter"
	// ImportRefuel is the () -> () function called when the fuel goes negative.
	ImportRefuel = "refuel"
	// ImportOverflow is the () -> () function called when the call depth
	// exceeds Options.MaxCallDepth; the host traps in it.
	ImportOverflow = "overflow"
	// ExportFuel is the exported mutable i64 global holding the fuel.
	ExportFuel = "slotbox_meter_fuel"
	// ExportDepth is the exported mutable i32 global holding the call depth,
	// present only when Options.MaxCallDepth > 0.
	ExportDepth = "slotbox_meter_depth"
)

// MaxLocals is the most locals (parameters included) a function may declare.
// It is the limit browsers apply; wazero allocates per declared local when it
// compiles, so a few bytes declaring 2^32 locals would otherwise cost the host
// gigabytes.
const MaxLocals = 50_000

// Options selects what Instrument adds. The zero value meters fuel only.
type Options struct {
	// MaxCallDepth is the deepest call nesting allowed before the overflow
	// import is called; 0 disables depth counting.
	MaxCallDepth uint32
}

// Instrument returns a copy of the binary module wasm with fuel metering (and
// depth counting when opts.MaxCallDepth > 0) added as described in the
// package documentation. It never modifies wasm.
func Instrument(wasm []byte, opts Options) ([]byte, error) {
	m, err := parseModule(wasm)
	if err != nil {
		return nil, err
	}
	return m.instrument(opts)
}
