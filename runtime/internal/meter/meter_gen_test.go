package meter

// A small generator of valid modules for FuzzInstrument: fuzz bytes choose
// the functions' code from typed templates (blocks, bounded loops,
// branches to blocks, br_table, returns, direct and indirect calls,
// multi-value blocks, memory, bulk memory, SIMD, select, globals) so that
// every module validates and every call terminates: loops count down a
// private counter and are never targeted by generated branches, and a
// function only calls functions after it (or the host import).

// Generated module layout.
const (
	genImport   = 0 // env.imp: (i32 i32) -> i32, index 0
	genTypeFunc = 0 // (i32 i32) -> i32
	genTypeVoid = 1 // () -> ()
	genTypeMV   = 2 // (i32) -> (i32 i32), a block type
	genLocals   = 4 // params 0, 1 and locals 2, 3 are free for use
	genCounter  = 4 // loop counters: locals 4, 5
	maxLoopNest = 2
)

// genSrc hands out the fuzz bytes as choices; it returns zeros when empty.
type genSrc struct {
	data []byte
	pos  int
}

func (s *genSrc) pick(n int) int {
	if s.pos >= len(s.data) || n <= 1 {
		return 0
	}
	b := s.data[s.pos]
	s.pos++
	return int(b) % n
}

func (s *genSrc) i32() int32 {
	var v int32
	for range 4 {
		v = v<<8 | int32(s.pick(256))
	}
	return v
}

type genLabel struct {
	arity int
	loop  bool
}

// genFunc generates one function body.
type genFunc struct {
	src    *genSrc
	self   uint32 // this function's index
	nfuncs uint32 // functions, import included
	labels []genLabel
	loops  int
	out    []byte
	budget int // instructions left to generate
}

func (g *genFunc) emit(b ...byte) { g.out = append(g.out, b...) }

func (g *genFunc) u32(op byte, v uint32) { g.out = appendU32(append(g.out, op), v) }

func (g *genFunc) i32const(v int32) { g.out = appendS64(append(g.out, 0x41), int64(v)) }

// callee picks a function this one may call without recursion.
func (g *genFunc) callee() (uint32, bool) {
	n := g.nfuncs - g.self - 1
	if n == 0 {
		return genImport, g.src.pick(2) == 0
	}
	if g.src.pick(4) == 0 {
		return genImport, true
	}
	return g.self + 1 + uint32(g.src.pick(int(n))), true
}

// addr pushes an i32 address masked to the first 32 KiB.
func (g *genFunc) addr(depth int) {
	g.expr(depth + 1)
	g.i32const(0x7ffc)
	g.emit(0x71) // i32.and
}

// expr pushes one i32.
func (g *genFunc) expr(depth int) {
	g.budget--
	if depth > 4 || g.budget <= 0 {
		if g.src.pick(2) == 0 {
			g.i32const(g.src.i32())
		} else {
			g.u32(0x20, uint32(g.src.pick(genLocals)))
		}
		return
	}
	switch g.src.pick(18) {
	case 0:
		g.i32const(g.src.i32())
	case 1:
		g.u32(0x20, uint32(g.src.pick(genLocals)))
	case 2:
		g.u32(0x23, 0) // global.get
	case 3: // binary operator
		g.expr(depth + 1)
		g.expr(depth + 1)
		ops := []byte{0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x76, 0x77, 0x46, 0x49, 0x4e}
		g.emit(ops[g.src.pick(len(ops))])
	case 4: // unary operator
		g.expr(depth + 1)
		ops := []byte{0x45, 0x67, 0x69, 0xc0, 0xc1}
		g.emit(ops[g.src.pick(len(ops))])
	case 5:
		if f, ok := g.callee(); ok {
			g.expr(depth + 1)
			g.expr(depth + 1)
			g.u32(0x10, f)
		} else {
			g.i32const(1)
		}
	case 6:
		if f, ok := g.callee(); ok { // table slot f holds function f
			g.expr(depth + 1)
			g.expr(depth + 1)
			g.i32const(int32(f))
			g.u32(0x11, genTypeFunc)
			g.emit(0)
		} else {
			g.i32const(2)
		}
	case 7: // block (result i32)
		g.emit(0x02, 0x7f)
		g.labels = append(g.labels, genLabel{arity: 1})
		g.stmts(depth + 1)
		g.expr(depth + 1)
		g.labels = g.labels[:len(g.labels)-1]
		g.emit(0x0b)
	case 8: // if (result i32)
		g.expr(depth + 1)
		g.emit(0x04, 0x7f)
		g.labels = append(g.labels, genLabel{arity: 1})
		g.stmts(depth + 1)
		g.expr(depth + 1)
		g.emit(0x05)
		g.expr(depth + 1)
		g.labels = g.labels[:len(g.labels)-1]
		g.emit(0x0b)
	case 9: // load with a small memarg offset
		g.addr(depth)
		loads := [][2]byte{{0x28, 2}, {0x2c, 0}, {0x2d, 0}, {0x2e, 1}, {0x2f, 1}}
		l := loads[g.src.pick(len(loads))]
		g.emit(l[0], l[1], byte(g.src.pick(4)))
	case 10: // multi-value block with a parameter, left by br_if or fallthrough
		g.expr(depth + 1)
		g.u32(0x02, genTypeMV)
		g.labels = append(g.labels, genLabel{arity: 2})
		g.i32const(g.src.i32())
		g.expr(depth + 1)
		g.emit(0x0d, 0) // br_if 0 carrying both values
		g.labels = g.labels[:len(g.labels)-1]
		g.emit(0x0b, 0x6a)
	case 11: // select
		g.expr(depth + 1)
		g.expr(depth + 1)
		g.expr(depth + 1)
		if g.src.pick(2) == 0 {
			g.emit(0x1b)
		} else {
			g.emit(0x1c, 1, 0x7f)
		}
	case 12: // SIMD
		g.expr(depth + 1)
		g.emit(0xfd, 0x11) // i32x4.splat
		g.expr(depth + 1)
		g.emit(0xfd, 0x11)
		ops := [][]byte{{0xfd, 0xae, 0x01}, {0xfd, 0xb5, 0x01}, {0xfd, 0x4e}, {0xfd, 0x51}}
		g.emit(ops[g.src.pick(len(ops))]...)
		if g.src.pick(2) == 0 {
			g.expr(depth + 1)
			g.emit(0xfd, 0x11)
			g.emit(0xfd, 0x0d) // i8x16.shuffle
			for range 16 {
				g.emit(byte(g.src.pick(32)))
			}
		}
		g.emit(0xfd, 0x1b, byte(g.src.pick(4))) // i32x4.extract_lane
	case 13:
		g.emit(0x3f, 0) // memory.size
	case 14:
		g.emit(0xfc, 16, 0) // table.size
	case 15: // ref.func, ref.is_null
		g.u32(0xd2, uint32(g.src.pick(int(g.nfuncs))))
		g.emit(0xd1)
	case 16: // block whose value may leave early
		g.emit(0x02, 0x7f)
		g.labels = append(g.labels, genLabel{arity: 1})
		g.expr(depth + 1)
		g.expr(depth + 1)
		g.emit(0x0d, 0, 0x1a) // br_if 0; drop
		g.expr(depth + 1)
		g.labels = g.labels[:len(g.labels)-1]
		g.emit(0x0b)
	case 17: // trunc_sat of a converted value
		g.expr(depth + 1)
		g.emit(0xb7, 0x44)                                  // f64.convert_i32_s; f64.const
		g.out = append(g.out, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f) // 1.0
		g.emit(0xa2, 0xfc, 2)                               // f64.mul; i32.trunc_sat_f64_s
	}
}

// stmts emits up to three stack-neutral statements.
func (g *genFunc) stmts(depth int) {
	for n := g.src.pick(4); n > 0; n-- {
		g.stmt(depth)
	}
}

// branchTarget picks a label of the given arity that is not a loop.
func (g *genFunc) branchTarget(arity int) (uint32, bool) {
	var ok []uint32
	for i, l := range g.labels {
		if !l.loop && l.arity == arity {
			ok = append(ok, uint32(len(g.labels)-1-i))
		}
	}
	if len(ok) == 0 {
		return 0, false
	}
	return ok[g.src.pick(len(ok))], true
}

func (g *genFunc) stmt(depth int) {
	g.budget--
	if depth > 3 || g.budget <= 0 {
		g.emit(0x01) // nop
		return
	}
	switch g.src.pick(16) {
	case 0:
		g.expr(depth + 1)
		g.u32(0x21, 2+uint32(g.src.pick(2)))
	case 1:
		g.expr(depth + 1)
		g.u32(0x24, 0)
	case 2:
		g.addr(depth)
		g.expr(depth + 1)
		stores := [][]byte{{0x36, 2}, {0x3a, 0}, {0x3b, 1}}
		g.emit(stores[g.src.pick(len(stores))]...)
		g.emit(byte(g.src.pick(4)))
	case 3:
		g.expr(depth + 1)
		g.emit(0x1a)
	case 4:
		g.emit(0x02, 0x40)
		g.labels = append(g.labels, genLabel{})
		g.stmts(depth + 1)
		g.labels = g.labels[:len(g.labels)-1]
		g.emit(0x0b)
	case 5:
		g.expr(depth + 1)
		g.emit(0x04, 0x40)
		g.labels = append(g.labels, genLabel{})
		g.stmts(depth + 1)
		if g.src.pick(2) == 0 {
			g.emit(0x05)
			g.stmts(depth + 1)
		}
		g.labels = g.labels[:len(g.labels)-1]
		g.emit(0x0b)
	case 6, 7: // bounded loop: counter = 1..4, decremented at the end
		if g.loops >= maxLoopNest {
			g.emit(0x01)
			return
		}
		c := uint32(genCounter + g.loops)
		g.i32const(int32(1 + g.src.pick(4)))
		g.u32(0x21, c)
		g.emit(0x03, 0x40)
		g.labels = append(g.labels, genLabel{loop: true})
		g.loops++
		g.stmts(depth + 1)
		g.loops--
		g.labels = g.labels[:len(g.labels)-1]
		g.u32(0x20, c)
		g.i32const(1)
		g.emit(0x6b)
		g.u32(0x22, c)
		g.emit(0x0d, 0, 0x0b) // br_if 0; end
	case 8: // br_if to a block
		if l, ok := g.branchTarget(0); ok {
			g.expr(depth + 1)
			g.u32(0x0d, l)
		}
	case 9: // br to a block: the rest of the block is dead code
		if l, ok := g.branchTarget(0); ok {
			g.u32(0x0c, l)
		}
	case 10: // br_table over blocks
		var targets []uint32
		for range 1 + g.src.pick(4) {
			if l, ok := g.branchTarget(0); ok {
				targets = append(targets, l)
			}
		}
		if len(targets) > 0 {
			g.expr(depth + 1)
			g.out = appendU32(append(g.out, 0x0e), uint32(len(targets)-1))
			for _, l := range targets {
				g.out = appendU32(g.out, l)
			}
		}
	case 11: // conditional return
		g.expr(depth + 1)
		g.emit(0x04, 0x40)
		g.labels = append(g.labels, genLabel{})
		g.expr(depth + 1)
		g.emit(0x0f, 0x0b)
		g.labels = g.labels[:len(g.labels)-1]
	case 12: // br_if with a value to an i32 label (the function's or a block's)
		if l, ok := g.branchTarget(1); ok {
			g.expr(depth + 1)
			g.expr(depth + 1)
			g.u32(0x0d, l)
			g.emit(0x1a)
		}
	case 13: // memory.fill or memory.copy of up to 255 bytes
		g.addr(depth)
		if g.src.pick(2) == 0 {
			g.expr(depth + 1)
			g.expr(depth + 1)
			g.i32const(0xff)
			g.emit(0x71, 0xfc, 11, 0)
		} else {
			g.addr(depth)
			g.expr(depth + 1)
			g.i32const(0xff)
			g.emit(0x71, 0xfc, 10, 0, 0)
		}
	case 14: // memory.init from the passive segment, memory.grow
		g.addr(depth)
		g.i32const(int32(g.src.pick(4)))
		g.i32const(int32(g.src.pick(5)))
		g.emit(0xfc, 8, 0, 0)
		if g.src.pick(4) == 0 {
			g.i32const(1)
			g.emit(0x40, 0, 0x1a)
		}
	case 15: // call for effect
		if f, ok := g.callee(); ok {
			g.expr(depth + 1)
			g.expr(depth + 1)
			g.u32(0x10, f)
			g.emit(0x1a)
		}
	}
}

// genModule builds a valid module with 1..4 defined functions exported as
// "f1".., a start function, a table holding every function at its index, a
// 1..2-page memory exported as "mem" with a passive data segment, and a
// mutable global exported as "g".
func genModule(data []byte) []byte {
	src := &genSrc{data: data}
	ndef := uint32(1 + src.pick(4))
	nfuncs := 1 + ndef // with the import
	types := []byte{3,
		0x60, 2, 0x7f, 0x7f, 1, 0x7f,
		0x60, 0, 0,
		0x60, 1, 0x7f, 2, 0x7f, 0x7f}
	imports := append(appendVec(appendVec([]byte{1}, []byte("env")), []byte("imp")), 0, genTypeFunc)
	funcs := appendU32(nil, ndef+1)
	for range ndef {
		funcs = append(funcs, genTypeFunc)
	}
	funcs = append(funcs, genTypeVoid) // the start function
	table := appendU32([]byte{1, 0x70, 0}, nfuncs)
	memory := []byte{1, 1, 1, 2}
	global := []byte{1, 0x7f, 1, 0x41, 0, 0x0b}
	exports := appendU32(nil, ndef+2)
	for i := uint32(1); i <= ndef; i++ {
		exports = appendU32(append(appendVec(exports, []byte("f"+string(rune('0'+i)))), 0), i)
	}
	exports = append(appendVec(exports, []byte("mem")), 2, 0)
	exports = append(appendVec(exports, []byte("g")), 3, 0)
	elem := appendU32([]byte{1, 0, 0x41, 0, 0x0b}, nfuncs)
	for i := range nfuncs {
		elem = appendU32(elem, i)
	}
	code := appendU32(nil, ndef+1)
	for i := uint32(1); i <= ndef; i++ {
		g := &genFunc{src: src, self: i, nfuncs: nfuncs, budget: 200,
			labels: []genLabel{{arity: 1}}}
		g.emit(2, 2, 0x7f, 2, 0x7f) // locals 2..3 and the two loop counters
		g.stmts(0)
		g.expr(0)
		g.emit(0x0b)
		code = appendVec(code, g.out)
	}
	// start: store 1..2 bytes of the global and grow nothing
	code = appendVec(code, []byte{0, 0x41, 8, 0x41, 0x2a, 0x36, 2, 0, 0x0b})
	data0 := append([]byte{1, 1}, appendVec(nil, []byte("fuzzdata"))...)
	return wasmMod(
		sec(secType, types...),
		sec(secImport, imports...),
		sec(secFunction, funcs...),
		sec(secTable, table...),
		sec(secMemory, memory...),
		sec(secGlobal, global...),
		sec(secExport, exports...),
		sec(secStart, appendU32(nil, nfuncs)...),
		sec(secElement, elem...),
		sec(secDataCount, 1),
		sec(secCode, code...),
		sec(secData, data0...),
	)
}
