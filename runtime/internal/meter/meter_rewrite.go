package meter

import (
	"fmt"
	"math"
)

// remapFunc returns the index a function has once the meter's imports are
// appended to the function imports.
func (m *module) remapFunc(idx uint32) (uint32, error) {
	if idx >= m.funcCount() {
		return 0, fmt.Errorf("%w: function index %d out of range (%d functions)", ErrMalformed, idx, m.funcCount())
	}
	if idx < m.importedFuncs {
		return idx, nil
	}
	return idx + m.added, nil
}

// constExpr reads a constant expression up to and including its end and
// appends it to out with ref.func renumbered.
func (m *module) constExpr(r *reader, out []byte) ([]byte, error) {
	for {
		start := r.pos
		op, err := r.byte()
		if err != nil {
			return nil, err
		}
		switch op {
		case 0x0b: // end
			return append(out, op), nil
		case 0x41: // i32.const
			_, err = r.s32()
		case 0x42: // i64.const
			_, err = r.s64()
		case 0x43: // f32.const
			err = r.skip(4)
		case 0x44: // f64.const
			err = r.skip(8)
		case 0x23: // global.get
			_, err = r.u32()
		case 0xd0: // ref.null
			var t byte
			if t, err = r.byte(); err == nil {
				err = checkRefType(t)
			}
		case 0xd2: // ref.func
			var idx uint32
			if idx, err = r.u32(); err == nil {
				if idx, err = m.remapFunc(idx); err == nil {
					out = appendU32(append(out, op), idx)
					continue
				}
			}
		case 0xfd: // v128.const
			var sub uint32
			if sub, err = r.u32(); err == nil {
				if sub != 0x0c {
					return nil, fmt.Errorf("%w: SIMD opcode %#x in a constant expression", ErrMalformed, sub)
				}
				err = r.skip(16)
			}
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e:
			return nil, fmt.Errorf("%w: extended constant expressions (opcode %#x)", ErrUnsupported, op)
		default:
			return nil, fmt.Errorf("%w: opcode %#x in a constant expression", ErrMalformed, op)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r.buf[start:r.pos]...)
	}
}

// rewriteExports renumbers function exports and refuses reserved names. It
// returns the entries appended to out and their count.
func (m *module) rewriteExports(r *reader, out []byte) ([]byte, uint32, error) {
	if r.buf == nil {
		return out, 0, nil
	}
	n, err := r.count(3)
	if err != nil {
		return nil, 0, err
	}
	for i := uint32(0); i < n; i++ {
		name, err := r.vec()
		if err != nil {
			return nil, 0, err
		}
		if s := string(name); s == ExportFuel || s == ExportDepth {
			return nil, 0, fmt.Errorf("export[%d] %q: %w: the meter adds this export", i, s, ErrReserved)
		}
		kind, err := r.byte()
		if err != nil {
			return nil, 0, err
		}
		idx, err := r.u32()
		if err != nil {
			return nil, 0, err
		}
		switch kind {
		case 0x00:
			if idx, err = m.remapFunc(idx); err != nil {
				return nil, 0, fmt.Errorf("export[%d] %q: %w", i, name, err)
			}
		case 0x01, 0x02, 0x03:
		case 0x04:
			return nil, 0, fmt.Errorf("export[%d] %q: %w: exception handling (tag export)", i, name, ErrUnsupported)
		default:
			return nil, 0, fmt.Errorf("export[%d] %q: %w: unknown export kind %#x", i, name, ErrMalformed, kind)
		}
		out = appendU32(append(appendVec(out, name), kind), idx)
	}
	return out, n, nil
}

// rewriteElements renumbers the function indices and ref.func expressions of
// all eight element segment encodings.
func (m *module) rewriteElements(r *reader) ([]byte, error) {
	n, err := r.count(2)
	if err != nil {
		return nil, err
	}
	out := appendU32(nil, n)
	for i := uint32(0); i < n; i++ {
		if out, err = m.rewriteElement(r, out); err != nil {
			return nil, fmt.Errorf("element[%d]: %w", i, err)
		}
	}
	return out, nil
}

func (m *module) rewriteElement(r *reader, out []byte) ([]byte, error) {
	flags, err := r.u32()
	if err != nil {
		return nil, err
	}
	if flags > 7 {
		return nil, fmt.Errorf("%w: element segment flags %d", ErrMalformed, flags)
	}
	out = appendU32(out, flags)
	if flags == 2 || flags == 6 { // explicit table index
		t, err := r.u32()
		if err != nil {
			return nil, err
		}
		out = appendU32(out, t)
	}
	if flags&1 == 0 { // active: offset expression
		if out, err = m.constExpr(r, out); err != nil {
			return nil, err
		}
	}
	if flags&3 != 0 { // elemkind (0x00) or reftype
		k, err := r.byte()
		if err != nil {
			return nil, err
		}
		if flags&4 == 0 && k != 0x00 {
			return nil, fmt.Errorf("%w: element kind %#x", ErrMalformed, k)
		}
		if flags&4 != 0 {
			if err := checkRefType(k); err != nil {
				return nil, err
			}
		}
		out = append(out, k)
	}
	cnt, err := r.count(1)
	if err != nil {
		return nil, err
	}
	out = appendU32(out, cnt)
	for j := uint32(0); j < cnt; j++ {
		if flags&4 != 0 {
			if out, err = m.constExpr(r, out); err != nil {
				return nil, err
			}
			continue
		}
		idx, err := r.u32()
		if err != nil {
			return nil, err
		}
		if idx, err = m.remapFunc(idx); err != nil {
			return nil, err
		}
		out = appendU32(out, idx)
	}
	return out, nil
}

// rewriteGlobals re-encodes the global section with ref.func renumbered and
// the given globals (type byte, init expression) appended.
func (m *module) rewriteGlobals(r *reader, extra [][]byte) ([]byte, error) {
	var n uint32
	if r != nil {
		var err error
		if n, err = r.count(4); err != nil {
			return nil, err
		}
	}
	out := appendU32(nil, n+uint32(len(extra)))
	for i := uint32(0); i < n; i++ {
		out = append(out, r.buf[r.pos:r.pos+2]...) // checked by parseGlobals
		r.pos += 2
		var err error
		if out, err = m.constExpr(r, out); err != nil {
			return nil, fmt.Errorf("global[%d]: %w", i, err)
		}
	}
	for _, g := range extra {
		out = append(out, g...)
	}
	return out, nil
}

// appendEntries re-encodes a vector section with extra entries appended; the
// original entries are copied unchanged.
func appendEntries(payload []byte, extra uint32, entries []byte) ([]byte, error) {
	var n uint32
	rest := payload
	if payload != nil {
		r := &reader{buf: payload}
		var err error
		if n, err = r.u32(); err != nil {
			return nil, err
		}
		rest = payload[r.pos:]
	}
	if uint64(n)+uint64(extra) > math.MaxUint32 {
		return nil, fmt.Errorf("%w: too many entries", ErrLimit)
	}
	out := appendU32(make([]byte, 0, len(rest)+len(entries)+5), n+extra)
	out = append(out, rest...)
	return append(out, entries...), nil
}
