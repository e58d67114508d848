package meter

import "fmt"

// bodyInfo is what scan learns about a function body.
type bodyInfo struct {
	// costs holds the charge of every region: [0] is the function region,
	// [k] the k-th loop in body order.
	costs []int64
	// cached tells, for each outermost loop in body order, whether the fuel
	// is kept in a local inside it: only in nests without calls, where no
	// write-backs are needed on the hot path.
	cached []bool
	// fold is set when the first loop header is reached from the function
	// entry through straight-line code only (no branch, if, call or
	// return) and that loop contains calls. The function region is then
	// charged at that header instead of at entry, on every iteration: an
	// over-estimate, but one charge fewer per call. Standard Go's code
	// generator puts a dispatch loop at the top of every function, so this
	// halves its charges.
	fold               bool
	needLocal, hasBulk bool
}

// unreached is the path length of code no path reaches.
const unreached = -1

// scanFrame is an open block, if, loop or the function body during scan.
type scanFrame struct {
	loop, isIf, hasElse bool
	region              int   // region of the frame's body
	atEnd               int64 // longest path reaching the end by a branch
	elseStart           int64 // ifs: path length where the else arm starts
}

// pathRegion tracks the longest path through one region.
type pathRegion struct {
	cur    int64 // path length at the current instruction
	max    int64 // longest path that ends an iteration (or the call)
	frozen int64 // path length at the nested loop being scanned
}

// scan checks the block structure of expr and computes each region's
// charge: the longest path through the region, in instructions.
//
// Within one iteration of a loop (or one call, for the function region)
// control only moves forward through the region, so the instructions it
// runs form one path in the region's forward graph; a nested loop is a
// single node of that graph (its own charges cover its body) whose exits
// continue at the path length it was entered with. The longest path is
// therefore a sound bound, and usually far below the region's size: both
// arms of an if count their maximum, not their sum, and a standard Go
// function's dispatch loop is charged for the longest run between two
// jumps instead of the whole function.
func (f *funcRewrite) scan(expr []byte) (bodyInfo, error) {
	d := &f.dec
	d.r = reader{buf: expr}
	info := bodyInfo{}
	frames := []scanFrame{{atEnd: unreached}}
	regs := []pathRegion{{}}
	loops := 0
	straight := true
	bad := func(in inst, l uint32) error {
		return fmt.Errorf("offset[%#x]: %w: branch depth %d with %d labels", in.start, ErrMalformed, l, len(frames))
	}
	for len(frames) > 0 {
		if d.r.eof() {
			return info, d.r.errorf("body ends inside %d open blocks", len(frames))
		}
		in, err := d.next()
		if err != nil {
			return info, err
		}
		op := expr[in.start]
		top := &frames[len(frames)-1]
		c := top.region
		reg := &regs[c]
		// dist is the path length of region r at this point: the current
		// one, or the one frozen where the nested loop being scanned began.
		dist := func(r int) int64 {
			if r == c {
				return reg.cur
			}
			return regs[r].frozen
		}
		// branch records a jump to frames[i] taken at this point: to a
		// loop's header it ends that loop's iteration, to a block it
		// reaches the block's end; leaving the current region ends its
		// iteration too.
		branch := func(i int) {
			t := &frames[i]
			if t.loop {
				regs[t.region].max = max(regs[t.region].max, dist(t.region))
			} else {
				t.atEnd = max(t.atEnd, dist(t.region))
			}
			if t.region != c {
				reg.max = max(reg.max, reg.cur)
			}
		}
		if in.class != opPlain && in.class != opBlock && in.class != opLoop && in.class != opEnd || op == 0x04 {
			straight = false
		}
		if in.class != opEnd && reg.cur != unreached {
			reg.cur++ // every instruction but end counts here; end below
		}
		switch in.class {
		case opPlain:
			switch op {
			case 0x05: // else
				if !top.isIf || top.hasElse {
					return info, fmt.Errorf("offset[%#x]: %w: else without if", in.start, ErrMalformed)
				}
				top.hasElse = true
				top.atEnd = max(top.atEnd, reg.cur)
				reg.cur = top.elseStart
			case 0x00: // unreachable: the path ends in a trap
				reg.max = max(reg.max, reg.cur)
				reg.cur = unreached
			}
		case opBlock:
			frames = append(frames, scanFrame{isIf: op == 0x04, region: c, atEnd: unreached, elseStart: reg.cur})
		case opLoop:
			if len(regs) == 1 {
				info.fold = straight
			}
			reg.frozen = reg.cur
			reg.max = max(reg.max, reg.cur)
			frames = append(frames, scanFrame{loop: true, region: len(regs), atEnd: unreached})
			regs = append(regs, pathRegion{})
			if loops == 0 {
				info.cached = append(info.cached, true)
			}
			loops++
		case opEnd:
			frames = frames[:len(frames)-1]
			switch {
			case top.loop:
				loops--
				if reg.cur != unreached {
					reg.cur++
					reg.max = max(reg.max, reg.cur)
					reg.cur = regs[frames[len(frames)-1].region].frozen
				}
				regs[frames[len(frames)-1].region].cur = reg.cur
			default:
				if top.isIf && !top.hasElse {
					top.atEnd = max(top.atEnd, top.elseStart)
				}
				if reg.cur = max(reg.cur, top.atEnd); reg.cur != unreached {
					reg.cur++
				}
				if len(frames) == 0 {
					reg.max = max(reg.max, reg.cur)
				}
			}
		case opBr:
			if uint64(in.idx) >= uint64(len(frames)) {
				return info, bad(in, in.idx)
			}
			if reg.cur != unreached {
				branch(len(frames) - 1 - int(in.idx))
			}
			if op == 0x0c {
				reg.cur = unreached
			}
		case opBrTable:
			for _, l := range d.labels {
				if uint64(l) >= uint64(len(frames)) {
					return info, bad(in, l)
				}
			}
			if reg.cur != unreached {
				for _, l := range d.labels {
					branch(len(frames) - 1 - int(l))
				}
			}
			reg.cur = unreached
		case opReturn:
			if reg.cur != unreached {
				branch(0)
			}
			reg.cur = unreached
		case opCall, opCallIndirect:
			if loops > 0 {
				info.cached[len(info.cached)-1] = false
			}
		case opBulk:
			info.hasBulk = true
		}
	}
	if !d.r.eof() {
		return info, d.r.errorf("%d bytes after the body's end", d.r.remaining())
	}
	info.costs = make([]int64, len(regs))
	for i, r := range regs {
		info.costs[i] = r.max
	}
	for _, c := range info.cached {
		info.needLocal = info.needLocal || c
	}
	// A loop without calls charges its local cheaply and is often a hot leaf
	// loop; keep its count exact.
	info.fold = info.fold && !info.cached[0]
	return info, nil
}
