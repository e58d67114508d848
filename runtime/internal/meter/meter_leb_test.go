package meter

import (
	"errors"
	"math"
	"testing"
)

func TestLEB128(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		bits   uint
		signed bool
		want   int64
		ok     bool
	}{
		{"u32 zero", []byte{0}, 32, false, 0, true},
		{"u32 padded zero", []byte{0x80, 0x80, 0x80, 0x80, 0x00}, 32, false, 0, true},
		{"u32 max", []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 32, false, math.MaxUint32, true},
		{"u32 624485", []byte{0xe5, 0x8e, 0x26}, 32, false, 624485, true},
		{"u32 6 bytes", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, false, 0, false},
		{"u32 bit 32 set", []byte{0xff, 0xff, 0xff, 0xff, 0x1f}, 32, false, 0, false},
		{"u32 truncated", []byte{0x80}, 32, false, 0, false},
		{"u32 empty", nil, 32, false, 0, false},
		{"s32 -1", []byte{0x7f}, 32, true, -1, true},
		{"s32 -123456", []byte{0xc0, 0xbb, 0x78}, 32, true, -123456, true},
		{"s32 min", []byte{0x80, 0x80, 0x80, 0x80, 0x78}, 32, true, math.MinInt32, true},
		{"s32 max", []byte{0xff, 0xff, 0xff, 0xff, 0x07}, 32, true, math.MaxInt32, true},
		{"s32 padded -1", []byte{0xff, 0xff, 0xff, 0xff, 0x7f}, 32, true, -1, true},
		{"s32 unused bits not sign", []byte{0xff, 0xff, 0xff, 0xff, 0x4f}, 32, true, 0, false},
		{"s32 positive overflow", []byte{0x80, 0x80, 0x80, 0x80, 0x08}, 32, true, 0, false},
		{"s32 6 bytes", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, 32, true, 0, false},
		{"s33 type index 64", []byte{0xc0, 0x00}, 33, true, 64, true},
		{"s33 max", []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 33, true, math.MaxUint32, true},
		{"s33 bit 33", []byte{0xff, 0xff, 0xff, 0xff, 0x1f}, 33, true, 0, false},
		{"s64 min", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, 64, true, math.MinInt64, true},
		{"s64 max", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}, 64, true, math.MaxInt64, true},
		{"s64 last byte 0x01", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 64, true, 0, false},
		{"s64 11 bytes", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 64, true, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &reader{buf: tt.in}
			var got int64
			var err error
			if tt.signed {
				got, err = r.sleb(tt.bits)
			} else {
				var u uint64
				u, err = r.uleb(tt.bits)
				got = int64(u)
			}
			if !tt.ok {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("got %d, %v; want ErrMalformed", got, err)
				}
				return
			}
			if err != nil || got != tt.want || !r.eof() {
				t.Fatalf("got %d, %v (pos %d of %d); want %d", got, err, r.pos, len(tt.in), tt.want)
			}
		})
	}
}

// TestLEB128RoundTrip encodes values with the writers and decodes them.
func TestLEB128RoundTrip(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 63, 64, -64, -65, 127, 128, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64} {
		r := &reader{buf: appendS64(nil, v)}
		if got, err := r.s64(); err != nil || got != v || !r.eof() {
			t.Errorf("s64 %d: got %d, %v", v, got, err)
		}
	}
	for _, v := range []uint32{0, 1, 127, 128, 16383, 16384, math.MaxUint32} {
		r := &reader{buf: appendU32(nil, v)}
		if got, err := r.u32(); err != nil || got != v || !r.eof() {
			t.Errorf("u32 %d: got %d, %v", v, got, err)
		}
	}
}
