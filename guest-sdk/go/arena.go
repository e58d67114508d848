package slotbox

import "unsafe"

// Limits of the buffers the host allocates in the module.
const (
	// maxAlloc caps one slotbox_alloc; the host's own input cap is far
	// lower, so a larger request is a host bug answered with 0.
	maxAlloc = 64 << 20
	// maxPooled is the largest buffer kept for reuse after release.
	maxPooled = 64 << 10
	// poolSize is how many released buffers are kept for reuse.
	poolSize = 4
)

// arena pins the buffers handed to the host through slotbox_alloc: Go's
// collector does not move memory, so holding a reference keeps a buffer at
// its address until slotbox_free or the call that consumes it releases it.
// A few small released buffers are reused, so a steady stream of calls
// allocates nothing here.
type arena struct {
	pinned map[uintptr][]byte
	pool   [][]byte
}

// newArena returns an empty arena.
func newArena() *arena { return &arena{pinned: make(map[uintptr][]byte)} }

// alloc pins a buffer of size bytes and returns its address, or 0 when size
// is negative or above maxAlloc.
func (a *arena) alloc(size int) uintptr {
	if size < 0 || size > maxAlloc {
		return 0
	}
	var buf []byte
	for i, b := range a.pool {
		if cap(b) >= size {
			buf = b[:max(size, 1)]
			last := len(a.pool) - 1
			a.pool[i], a.pool[last] = a.pool[last], nil
			a.pool = a.pool[:last]
			break
		}
	}
	if buf == nil {
		// Never zero bytes: a zero-size slice may share its address.
		buf = make([]byte, max(size, 1))
	}
	addr := addrOf(buf)
	a.pinned[addr] = buf
	return addr
}

// free releases the buffer that starts at addr; it reports whether one did.
func (a *arena) free(addr uintptr) bool {
	buf, ok := a.pinned[addr]
	if !ok {
		return false
	}
	delete(a.pinned, addr)
	if cap(buf) <= maxPooled && len(a.pool) < poolSize {
		a.pool = append(a.pool, buf)
	}
	return true
}

// slice returns the n bytes at addr when they lie inside one pinned buffer,
// and that buffer's start address. n == 0 always succeeds with an empty
// slice and start 0.
func (a *arena) slice(addr uintptr, n int) (b []byte, start uintptr, ok bool) {
	if n == 0 {
		return nil, 0, true
	}
	if n < 0 {
		return nil, 0, false
	}
	if buf, ok := a.pinned[addr]; ok {
		if n > len(buf) {
			return nil, 0, false
		}
		return buf[:n], addr, true
	}
	// The host may write both strings into one allocation.
	for s, buf := range a.pinned {
		if addr > s && addr-s <= uintptr(len(buf)) && uintptr(n) <= uintptr(len(buf))-(addr-s) {
			off := addr - s
			return buf[off : off+uintptr(n)], s, true
		}
	}
	return nil, 0, false
}

// addrOf returns the address of b's first byte.
func addrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }
