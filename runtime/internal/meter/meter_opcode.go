package meter

import "fmt"

// opClass is what the rewrite needs to know about an instruction.
type opClass uint8

const (
	opPlain        opClass = iota
	opBlock                // block, if
	opLoop                 // loop
	opEnd                  // end
	opBr                   // br, br_if: label in idx
	opBrTable              // br_table: labels in the decoder's buffer
	opReturn               // return
	opCall                 // call: function index in idx
	opCallIndirect         // call_indirect
	opRefFunc              // ref.func: function index in idx
	opBulk                 // an operation whose run time grows with its last operand
)

// inst is one decoded instruction; start and end are offsets in the body.
type inst struct {
	class      opClass
	start, end int
	idx        uint32
	// bulkShift converts the length operand of an opBulk to fuel units.
	bulkShift uint8
}

// Fuel units per byte of bulk memory work (one per 16 bytes) and per table
// entry (one per two 8-byte entries).
const (
	memoryShift = 4
	tableShift  = 1
)

// decoder reads the instructions of one function body.
type decoder struct {
	r      reader
	labels []uint32 // br_table targets of the last instruction, default last
}

func unsupported(what string) error { return fmt.Errorf("%w: %s", ErrUnsupported, what) }

// next decodes one instruction with all its immediates.
func (d *decoder) next() (inst, error) {
	r := &d.r
	in := inst{start: r.pos}
	op, err := r.byte()
	if err != nil {
		return in, err
	}
	switch {
	case op == 0x00 || op == 0x01 || op == 0x05 || op == 0x1a || op == 0x1b ||
		(op >= 0x45 && op <= 0xc4) || op == 0xd1:
		// unreachable, nop, else, drop, select, numeric and sign-extension ops, ref.is_null
	case op == 0x02 || op == 0x04:
		in.class = opBlock
		err = d.blockType()
	case op == 0x03:
		in.class = opLoop
		err = d.blockType()
	case op == 0x0b:
		in.class = opEnd
	case op == 0x0c || op == 0x0d:
		in.class = opBr
		in.idx, err = r.u32()
	case op == 0x0e:
		in.class = opBrTable
		err = d.brTable()
	case op == 0x0f:
		in.class = opReturn
	case op == 0x10:
		in.class = opCall
		in.idx, err = r.u32()
	case op == 0x11:
		in.class = opCallIndirect
		if _, err = r.u32(); err == nil {
			_, err = r.u32()
		}
	case op == 0x12 || op == 0x13:
		return in, unsupported("tail calls (return_call)")
	case op == 0x14 || op == 0x15 || (op >= 0xd3 && op <= 0xd6):
		return in, unsupported(fmt.Sprintf("typed function references (opcode %#x)", op))
	case (op >= 0x06 && op <= 0x0a) || op == 0x18 || op == 0x19 || op == 0x1f:
		return in, unsupported(fmt.Sprintf("exception handling (opcode %#x)", op))
	case op == 0x1c: // select t*
		var ts []byte
		if ts, err = r.vec(); err == nil {
			for _, t := range ts {
				if err = checkValType(t); err != nil {
					break
				}
			}
		}
	case op >= 0x20 && op <= 0x26: // local.*, global.*, table.get/set
		_, err = r.u32()
	case op >= 0x28 && op <= 0x3e: // loads and stores
		err = d.memarg()
	case op == 0x3f || op == 0x40: // memory.size, memory.grow
		err = d.memIndex()
	case op == 0x41:
		_, err = r.s32()
	case op == 0x42:
		_, err = r.s64()
	case op == 0x43:
		err = r.skip(4)
	case op == 0x44:
		err = r.skip(8)
	case op == 0xd0: // ref.null
		var t byte
		if t, err = r.byte(); err == nil {
			err = checkRefType(t)
		}
	case op == 0xd2:
		in.class = opRefFunc
		in.idx, err = r.u32()
	case op == 0xfb:
		return in, unsupported("GC (0xfb prefix)")
	case op == 0xfc:
		err = d.misc(&in)
	case op == 0xfd:
		err = d.simd()
	case op == 0xfe:
		return in, unsupported("threads (atomic 0xfe prefix)")
	default:
		return in, r.errorf("unknown opcode %#x", op)
	}
	in.end = r.pos
	return in, err
}

// blockType reads an empty type (0x40), a value type or a type index (s33).
func (d *decoder) blockType() error {
	r := &d.r
	if r.eof() {
		return r.errorf("unexpected end")
	}
	b := r.buf[r.pos]
	if b == 0x40 {
		r.pos++
		return nil
	}
	if b&0xc0 == 0x40 { // a negative single byte: a value type
		r.pos++
		return checkValType(b)
	}
	idx, err := r.s33()
	if err != nil {
		return err
	}
	if idx < 0 {
		return r.errorf("negative block type %d", idx)
	}
	return nil
}

func (d *decoder) brTable() error {
	n, err := d.r.count(1)
	if err != nil {
		return err
	}
	d.labels = d.labels[:0]
	for i := uint32(0); i <= n; i++ { // n targets plus the default
		l, err := d.r.u32()
		if err != nil {
			return err
		}
		d.labels = append(d.labels, l)
	}
	return nil
}

func (d *decoder) memarg() error {
	align, err := d.r.u32()
	if err != nil {
		return err
	}
	if align&0x40 != 0 {
		return unsupported("multi-memory (memory index in memarg)")
	}
	_, err = d.r.u32()
	return err
}

// memIndex reads the memory index byte of MVP and bulk memory instructions,
// which CoreFeaturesV2 fixes to zero.
func (d *decoder) memIndex() error {
	b, err := d.r.byte()
	if err != nil {
		return err
	}
	if b != 0 {
		return unsupported(fmt.Sprintf("multi-memory (memory index byte %#x)", b))
	}
	return nil
}

// misc decodes the 0xfc prefix: saturating truncations, bulk memory and table
// instructions.
func (d *decoder) misc(in *inst) error {
	r := &d.r
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 7: // i32/i64.trunc_sat_f32/f64_s/u
		return nil
	case sub == 8: // memory.init data mem
		in.class, in.bulkShift = opBulk, memoryShift
		if _, err := r.u32(); err != nil {
			return err
		}
		return d.memIndex()
	case sub == 9 || sub == 13 || sub == 16: // data.drop, elem.drop, table.size
		_, err := r.u32()
		return err
	case sub == 10: // memory.copy dst src
		in.class, in.bulkShift = opBulk, memoryShift
		if err := d.memIndex(); err != nil {
			return err
		}
		return d.memIndex()
	case sub == 11: // memory.fill
		in.class, in.bulkShift = opBulk, memoryShift
		return d.memIndex()
	case sub == 12 || sub == 14: // table.init elem table, table.copy dst src
		in.class, in.bulkShift = opBulk, tableShift
		if _, err := r.u32(); err != nil {
			return err
		}
		_, err := r.u32()
		return err
	case sub == 15 || sub == 17: // table.grow, table.fill
		in.class, in.bulkShift = opBulk, tableShift
		_, err := r.u32()
		return err
	default:
		return unsupported(fmt.Sprintf("0xfc %d (memory64, wide arithmetic or a later proposal)", sub))
	}
}

// simdGaps are the unassigned opcodes below 0x100 in the SIMD space.
var simdGaps = map[uint32]bool{
	0x9a: true, 0xa2: true, 0xa5: true, 0xa6: true, 0xaf: true, 0xb0: true,
	0xb2: true, 0xb3: true, 0xb4: true, 0xbb: true, 0xc2: true, 0xc5: true,
	0xc6: true, 0xcf: true, 0xd0: true, 0xd2: true, 0xd3: true, 0xd4: true,
	0xe2: true, 0xee: true,
}

// simd decodes the 0xfd prefix.
func (d *decoder) simd() error {
	r := &d.r
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 0x0b || sub == 0x5c || sub == 0x5d: // loads, stores, load_zero
		return d.memarg()
	case sub == 0x0c || sub == 0x0d: // v128.const, i8x16.shuffle
		return r.skip(16)
	case sub >= 0x15 && sub <= 0x22: // extract_lane, replace_lane
		return r.skip(1)
	case sub >= 0x54 && sub <= 0x5b: // load_lane, store_lane
		if err := d.memarg(); err != nil {
			return err
		}
		return r.skip(1)
	case sub <= 0xff && !simdGaps[sub]:
		return nil
	case sub >= 0x100 && sub <= 0x113:
		return unsupported(fmt.Sprintf("relaxed SIMD (0xfd %#x)", sub))
	default:
		return r.errorf("unknown SIMD opcode %#x", sub)
	}
}
