package meter

import (
	"errors"
	"fmt"
)

// errPastEnd marks a length or count that reaches past the end of its
// section. It is wrapped together with ErrMalformed. wazero v1.12 allocates
// such counts before reading the elements (a 26-byte module claiming 2^28
// exports costs it 13 GB and 10 s), so a module Instrument refuses this way
// must not be handed to wazero either.
var errPastEnd = errors.New("past the end")

// reader walks a byte slice; every read is bounds-checked and fails with an
// error wrapping ErrMalformed instead of panicking.
type reader struct {
	buf []byte
	pos int
}

func (r *reader) eof() bool { return r.pos >= len(r.buf) }

func (r *reader) remaining() int { return len(r.buf) - r.pos }

func (r *reader) errorf(format string, args ...any) error {
	return fmt.Errorf("offset[%#x]: %w: %s", r.pos, ErrMalformed, fmt.Sprintf(format, args...))
}

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.buf) {
		return 0, r.errorf("unexpected end")
	}
	b := r.buf[r.pos]
	r.pos++
	return b, nil
}

func (r *reader) pastEnd(what string, n uint64) error {
	return fmt.Errorf("offset[%#x]: %w: %s %d %w (%d bytes left)", r.pos, ErrMalformed, what, n, errPastEnd, r.remaining())
}

// bytes returns the next n bytes (a sub-slice, not a copy).
func (r *reader) bytes(n uint32) ([]byte, error) {
	if uint64(n) > uint64(r.remaining()) {
		return nil, r.pastEnd("length", uint64(n))
	}
	b := r.buf[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return b, nil
}

func (r *reader) skip(n int) error {
	if n > r.remaining() {
		return r.pastEnd("length", uint64(n))
	}
	r.pos += n
	return nil
}

// vec reads a length-prefixed byte vector (a name).
func (r *reader) vec() ([]byte, error) {
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	return r.bytes(n)
}

// count reads a vector length and rejects counts that cannot fit in the bytes
// left when every element takes at least minSize bytes, so that no caller
// loops or allocates for a count the input cannot back.
func (r *reader) count(minSize int) (uint32, error) {
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if uint64(n)*uint64(minSize) > uint64(r.remaining()) {
		return 0, r.pastEnd("count", uint64(n))
	}
	return n, nil
}

func (r *reader) u32() (uint32, error) {
	v, err := r.uleb(32)
	return uint32(v), err
}

func (r *reader) s32() (int32, error) {
	v, err := r.sleb(32)
	return int32(v), err
}

func (r *reader) s33() (int64, error) { return r.sleb(33) }

func (r *reader) s64() (int64, error) { return r.sleb(64) }

// uleb decodes an unsigned LEB128 of at most bits bits. Padded encodings are
// valid as long as they use no more than ceil(bits/7) bytes; longer encodings
// and set bits beyond bits in the last byte are rejected.
func (r *reader) uleb(bits uint) (uint64, error) {
	start := r.pos
	maxBytes := int(bits+6) / 7
	var v uint64
	for i := 0; i < maxBytes; i++ {
		b, err := r.byte()
		if err != nil {
			return 0, err
		}
		shift := uint(7 * i)
		if i == maxBytes-1 {
			if b&0x80 != 0 {
				r.pos = start
				return 0, r.errorf("LEB128 longer than %d bytes for a %d-bit integer", maxBytes, bits)
			}
			if rest := bits - shift; rest < 7 && b>>rest != 0 {
				r.pos = start
				return 0, r.errorf("LEB128 value does not fit %d bits", bits)
			}
		}
		v |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			break
		}
	}
	return v, nil
}

// sleb decodes a signed LEB128 of at most bits bits, with the same rules as
// uleb; the unused bits of a last byte must repeat the sign bit.
func (r *reader) sleb(bits uint) (int64, error) {
	start := r.pos
	maxBytes := int(bits+6) / 7
	var v int64
	for i := 0; i < maxBytes; i++ {
		b, err := r.byte()
		if err != nil {
			return 0, err
		}
		shift := uint(7 * i)
		if i == maxBytes-1 {
			if b&0x80 != 0 {
				r.pos = start
				return 0, r.errorf("LEB128 longer than %d bytes for a %d-bit integer", maxBytes, bits)
			}
			if rest := bits - shift; rest < 7 {
				hi := (b & 0x7f) >> (rest - 1)
				if hi != 0 && hi != 0x7f>>(rest-1) {
					r.pos = start
					return 0, r.errorf("LEB128 value does not fit %d bits", bits)
				}
			}
		}
		v |= int64(b&0x7f) << shift
		if b&0x80 == 0 {
			if shift += 7; shift < 64 && b&0x40 != 0 {
				v |= -1 << shift
			}
			break
		}
	}
	return v, nil
}

func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendS64(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// appendVec appends a length-prefixed byte vector.
func appendVec(b, v []byte) []byte {
	return append(appendU32(b, uint32(len(v))), v...)
}
