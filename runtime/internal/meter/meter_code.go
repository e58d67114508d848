package meter

import "fmt"

// Opcodes the instrumentation emits.
const (
	opcUnreachable = 0x00
	opcBlock       = 0x02
	opcLoop        = 0x03
	opcIf          = 0x04
	opcEnd         = 0x0b
	opcBr          = 0x0c
	opcBrIf        = 0x0d
	opcCall        = 0x10
	opcLocalGet    = 0x20
	opcLocalSet    = 0x21
	opcLocalTee    = 0x22
	opcGlobalGet   = 0x23
	opcGlobalSet   = 0x24
	opcI32Const    = 0x41
	opcI64Const    = 0x42
	opcI32GtU      = 0x4b
	opcI64LtS      = 0x53
	opcI32Add      = 0x6a
	opcI32Sub      = 0x6b
	opcI64Add      = 0x7c
	opcI64Sub      = 0x7d
	opcI64ShrU     = 0x88
	opcI64ExtU     = 0xad
	blockEmpty     = 0x40
	valI32         = 0x7f
	valI64         = 0x7e
)

// frame is an open block, loop or if (or the function body itself) during
// emit.
type frame struct {
	loop bool
	// outerLoops counts the loops enclosing the frame; zero means control
	// continuing after the frame's end is outside every loop.
	outerLoops int
	// wrapped marks a loop emitted inside the three labels of the retry
	// form (see chargeLocalRetry), cached one whose nest keeps the fuel in
	// the local; cost is its charge.
	wrapped, cached bool
	cost            int64
}

// Labels the retry form puts around a loop: block $exit, loop $retry,
// block $cold.
const retryLabels = 3

// leavesLoops reports whether a branch to the frame takes control out of all
// loops (a branch to a loop goes to its header, inside it).
func (f frame) leavesLoops() bool { return !f.loop && f.outerLoops == 0 }

// funcRewrite rewrites one function body.
type funcRewrite struct {
	m       *module
	depth   bool
	maxD    uint32
	fuel    uint32 // global index of the fuel
	dglobal uint32 // global index of the depth
	refuel  uint32 // function index of refuel
	ovf     uint32 // function index of overflow
	// Per function:
	local   uint32 // index of the fuel cache local L
	scratch uint32 // index of the i32 scratch local S
	out     []byte
	dec     decoder
}

// rewrite appends the instrumented code entry (size-prefixed) of a function
// of type ft to out; blockType is the encoded [] -> results block type of
// the depth wrapper.
func (f *funcRewrite) rewrite(out []byte, body []byte, ft funcType, blockType []byte) ([]byte, error) {
	r := &reader{buf: body}
	ndecl, declStart, total, err := readLocals(r, len(ft.params))
	if err != nil {
		return nil, err
	}
	declEnd := r.pos
	expr := body[declEnd:]
	info, err := f.scan(expr)
	if err != nil {
		return nil, err
	}
	extra := uint32(0)
	if info.needLocal {
		f.local = uint32(total) + extra
		extra++
	}
	if info.hasBulk {
		f.scratch = uint32(total) + extra
		extra++
	}
	if total+uint64(extra) > MaxLocals {
		return nil, fmt.Errorf("%w: more than %d locals with the meter's", ErrLimit, MaxLocals)
	}

	b := appendU32(f.out[:0], ndecl+extra)
	b = append(b, body[declStart:declEnd]...)
	if info.needLocal {
		b = append(b, 1, valI64)
	}
	if info.hasBulk {
		b = append(b, 1, valI32)
	}
	f.out = b
	if !info.fold {
		f.chargeGlobal(info.costs[0])
	}
	if f.depth {
		f.depthEnter()
		f.out = append(f.out, opcBlock)
		f.out = append(f.out, blockType...)
	}
	if err := f.emit(expr, &info); err != nil {
		return nil, err
	}
	out = appendU32(out, uint32(len(f.out)))
	return append(out, f.out...), nil
}

// emit copies expr to f.out with the charges, write-backs, depth updates and
// renumbered function indices inserted. scan has validated expr.
func (f *funcRewrite) emit(expr []byte, info *bodyInfo) error {
	d := &f.dec
	d.r = reader{buf: expr}
	frames := []frame{{}}
	loops, nextRegion, nest, copied := 0, 1, -1, 0
	cached := false // inside a loop nest whose fuel lives in the local
	flush := func(to int) {
		f.out = append(f.out, expr[copied:to]...)
		copied = to
	}
	for len(frames) > 0 {
		in, err := d.next()
		if err != nil {
			return err
		}
		switch in.class {
		case opBlock:
			frames = append(frames, frame{outerLoops: loops})
		case opLoop:
			flush(in.start)
			if loops == 0 {
				nest++
				if cached = info.cached[nest]; cached {
					f.loadLocal()
				}
			}
			cost := info.costs[nextRegion]
			if nextRegion == 1 && info.fold {
				cost += info.costs[0]
			}
			nextRegion++
			fr := frame{loop: true, outerLoops: loops, cost: cost, cached: cached}
			bt := expr[in.start+1 : in.end]
			if fr.wrapped = !f.takesParams(bt); fr.wrapped {
				f.out = append(f.out, opcBlock)
				f.out = append(f.out, bt...)
				f.out = append(f.out, opcLoop, blockEmpty, opcBlock, blockEmpty)
			}
			flush(in.end)
			frames = append(frames, fr)
			loops++
			switch {
			case fr.wrapped && !cached:
				f.chargeGlobalRetry(cost)
			case fr.wrapped:
				f.chargeLocalRetry(cost)
			case cached:
				f.chargeLocal(cost)
			default:
				f.chargeGlobal(cost)
			}
		case opEnd:
			top := frames[len(frames)-1]
			frames = frames[:len(frames)-1]
			switch {
			case len(frames) == 0 && f.depth:
				flush(in.start)
				f.out = append(f.out, opcEnd) // closes the wrapper block
				f.depthLeave()
			case top.loop:
				loops--
				if top.wrapped {
					flush(in.end)
					f.retryTail(top.cost, top.cached)
				}
				if loops == 0 && cached {
					flush(in.end)
					f.storeLocal()
					cached = false
				}
			}
		case opBr:
			ti := len(frames) - 1 - int(in.idx)
			if cached && frames[ti].leavesLoops() {
				flush(in.start)
				f.storeLocal()
			}
			if extra := wrapsCrossed(frames, ti); extra > 0 {
				flush(in.start)
				f.op(expr[in.start], in.idx+extra)
				copied = in.end
			}
		case opBrTable:
			if cached {
				for _, l := range d.labels {
					if frames[len(frames)-1-int(l)].leavesLoops() {
						flush(in.start)
						f.storeLocal()
						break
					}
				}
			}
			crossed := false
			for _, l := range d.labels {
				crossed = crossed || wrapsCrossed(frames, len(frames)-1-int(l)) > 0
			}
			if crossed {
				flush(in.start)
				f.out = appendU32(append(f.out, expr[in.start]), uint32(len(d.labels)-1))
				for _, l := range d.labels {
					f.out = appendU32(f.out, l+wrapsCrossed(frames, len(frames)-1-int(l)))
				}
				copied = in.end
			}
		case opReturn:
			flush(in.start)
			if cached {
				f.storeLocal()
			}
			if f.depth {
				f.depthLeave()
			}
		case opCall:
			flush(in.start)
			idx, err := f.m.remapFunc(in.idx)
			if err != nil {
				return fmt.Errorf("offset[%#x]: call: %w", in.start, err)
			}
			f.out = appendU32(append(f.out, opcCall), idx)
			copied = in.end
		case opRefFunc:
			flush(in.start)
			idx, err := f.m.remapFunc(in.idx)
			if err != nil {
				return fmt.Errorf("offset[%#x]: ref.func: %w", in.start, err)
			}
			f.out = appendU32(append(f.out, expr[in.start]), idx)
			copied = in.end
		case opBulk:
			flush(in.start)
			f.chargeBulk(cached, in.bulkShift)
		}
	}
	flush(len(expr))
	return nil
}

// readLocals reads a body's local declarations, checks their types and that
// they and the params number at most MaxLocals. It returns the number of
// declarations, the offset of the first one and the number of locals,
// params included.
func readLocals(r *reader, params int) (ndecl uint32, declStart int, total uint64, err error) {
	if ndecl, err = r.count(2); err != nil {
		return 0, 0, 0, err
	}
	declStart = r.pos
	total = uint64(params)
	for i := uint32(0); i < ndecl; i++ {
		n, err := r.u32()
		if err != nil {
			return 0, 0, 0, err
		}
		t, err := r.byte()
		if err != nil {
			return 0, 0, 0, err
		}
		if err := checkValType(t); err != nil {
			return 0, 0, 0, fmt.Errorf("local[%d]: %w", i, err)
		}
		if total += uint64(n); total > MaxLocals {
			return 0, 0, 0, fmt.Errorf("%w: more than %d locals", ErrLimit, MaxLocals)
		}
	}
	return ndecl, declStart, total, nil
}

// wrapsCrossed counts the retry-form labels a branch from the innermost
// frame to frames[ti] crosses: those around every loop it leaves.
func wrapsCrossed(frames []frame, ti int) uint32 {
	n := uint32(0)
	for _, fr := range frames[ti+1:] {
		if fr.wrapped {
			n += retryLabels
		}
	}
	return n
}

// takesParams reports whether a block type (the bytes after loop) has
// parameters; a type index out of range counts as having them, which keeps
// the (then invalid) loop in the plain form.
func (f *funcRewrite) takesParams(bt []byte) bool {
	if len(bt) == 1 && (bt[0] == blockEmpty || bt[0]&0xc0 == 0x40) {
		return false
	}
	r := reader{buf: bt}
	idx, err := r.s33()
	if err != nil || idx < 0 || idx >= int64(len(f.m.types)) {
		return true
	}
	return len(f.m.types[idx].params) > 0
}

func (f *funcRewrite) op(b byte, idx uint32) { f.out = appendU32(append(f.out, b), idx) }

func (f *funcRewrite) i64(v int64) { f.out = appendS64(append(f.out, opcI64Const), v) }

// refuelIfNegative emits: <i64 on stack> i64.const 0; i64.lt_s; if; ...; end
// where ... calls refuel, syncing the local around it when inLoop.
func (f *funcRewrite) refuelIfNegative(inLoop bool) {
	f.i64(0)
	f.out = append(f.out, opcI64LtS, opcIf, blockEmpty)
	if inLoop {
		f.storeLocal()
	}
	f.op(opcCall, f.refuel)
	if inLoop {
		f.loadLocal()
	}
	f.out = append(f.out, opcEnd)
}

// chargeGlobal subtracts cost from the fuel global.
func (f *funcRewrite) chargeGlobal(cost int64) {
	f.op(opcGlobalGet, f.fuel)
	f.i64(cost)
	f.out = append(f.out, opcI64Sub)
	f.op(opcGlobalSet, f.fuel)
	f.op(opcGlobalGet, f.fuel)
	f.refuelIfNegative(false)
}

// chargeLocal subtracts cost from the fuel cache local.
func (f *funcRewrite) chargeLocal(cost int64) {
	f.op(opcLocalGet, f.local)
	f.i64(cost)
	f.out = append(f.out, opcI64Sub)
	f.op(opcLocalTee, f.local)
	f.refuelIfNegative(true)
}

// chargeLocalRetry is the header charge of a loop in the retry form (see
// the package documentation) whose nest keeps the fuel in the local.
func (f *funcRewrite) chargeLocalRetry(cost int64) {
	f.op(opcLocalGet, f.local)
	f.i64(cost)
	f.out = append(f.out, opcI64Sub)
	f.op(opcLocalTee, f.local)
	f.i64(0)
	f.out = append(f.out, opcI64LtS, opcBrIf, 1)
}

// retryTail closes the retry form after the loop's own end.
func (f *funcRewrite) retryTail(cost int64, cached bool) {
	f.out = append(f.out, opcBr, 2, opcEnd)
	if cached {
		f.storeLocal()
	}
	f.op(opcCall, f.refuel)
	f.op(opcGlobalGet, f.fuel)
	f.i64(cost)
	f.out = append(f.out, opcI64Add)
	if cached {
		f.op(opcLocalSet, f.local)
	} else {
		f.op(opcGlobalSet, f.fuel)
	}
	f.out = append(f.out, opcBr, 0, opcEnd, opcUnreachable, opcEnd)
}

// chargeGlobalRetry is chargeLocalRetry on the global, for loops with
// calls.
func (f *funcRewrite) chargeGlobalRetry(cost int64) {
	f.op(opcGlobalGet, f.fuel)
	f.i64(cost)
	f.out = append(f.out, opcI64Sub)
	f.op(opcGlobalSet, f.fuel)
	f.op(opcGlobalGet, f.fuel)
	f.i64(0)
	f.out = append(f.out, opcI64LtS, opcBrIf, 1)
}

// chargeBulk charges the i32 length on top of the stack, leaving it there.
func (f *funcRewrite) chargeBulk(inLoop bool, shift uint8) {
	f.op(opcLocalTee, f.scratch)
	if inLoop {
		f.op(opcLocalGet, f.local)
	} else {
		f.op(opcGlobalGet, f.fuel)
	}
	f.op(opcLocalGet, f.scratch)
	f.out = append(f.out, opcI64ExtU)
	f.i64(int64(shift))
	f.out = append(f.out, opcI64ShrU, opcI64Sub)
	if inLoop {
		f.op(opcLocalTee, f.local)
	} else {
		f.op(opcGlobalSet, f.fuel)
		f.op(opcGlobalGet, f.fuel)
	}
	f.refuelIfNegative(inLoop)
}

func (f *funcRewrite) loadLocal() {
	f.op(opcGlobalGet, f.fuel)
	f.op(opcLocalSet, f.local)
}

func (f *funcRewrite) storeLocal() {
	f.op(opcLocalGet, f.local)
	f.op(opcGlobalSet, f.fuel)
}

// depthEnter increments the depth and calls overflow past the maximum.
func (f *funcRewrite) depthEnter() {
	f.op(opcGlobalGet, f.dglobal)
	f.out = append(f.out, opcI32Const, 1, opcI32Add)
	f.op(opcGlobalSet, f.dglobal)
	f.op(opcGlobalGet, f.dglobal)
	f.out = appendS64(append(f.out, opcI32Const), int64(int32(f.maxD)))
	f.out = append(f.out, opcI32GtU, opcIf, blockEmpty)
	f.op(opcCall, f.ovf)
	f.out = append(f.out, opcEnd)
}

// depthLeave decrements the depth.
func (f *funcRewrite) depthLeave() {
	f.op(opcGlobalGet, f.dglobal)
	f.out = append(f.out, opcI32Const, 1, opcI32Sub)
	f.op(opcGlobalSet, f.dglobal)
}
