package slotbox

import (
	"bytes"
	"context"

	"github.com/slotbox/slotbox/abi"
)

// module is the state behind a module's exports: the Mux that Register
// fills and the buffers pinned for the host. Its methods are the exports
// with addresses as uintptr, so they run natively in tests; the wasip1
// build only converts to and from 32-bit linear-memory addresses.
type module struct {
	mux   *Mux
	arena *arena
	// fallback pins an envelope built outside the Mux until the next call.
	fallback []byte
}

// newModule returns a module serving mux.
func newModule(mux *Mux) *module { return &module{mux: mux, arena: newArena()} }

// alloc implements slotbox_alloc.
func (m *module) alloc(size int32) uintptr { return m.arena.alloc(int(size)) }

// free implements slotbox_free: it releases an allocated buffer, or drops a
// large output buffer (a small one is kept for the next call).
func (m *module) free(ptr uintptr) {
	if ptr == 0 || m.arena.free(ptr) {
		return
	}
	if m.mux.out.Cap() > maxKeptOutput && ptr == addrOf(m.mux.out.Bytes()) {
		m.mux.out = bytes.Buffer{}
	}
	if len(m.fallback) > 0 && ptr == addrOf(m.fallback) {
		m.fallback = nil
	}
}

// call implements slotbox_call: it runs the method and returns the address
// and length of the envelope, which stays valid until the next call or its
// slotbox_free. The method and input buffers are released afterwards.
func (m *module) call(methodPtr uintptr, methodLen uint32, inPtr uintptr, inLen uint32) (uintptr, int) {
	method, mStart, okM := m.arena.slice(methodPtr, int(methodLen))
	in, iStart, okI := m.arena.slice(inPtr, int(inLen))
	var out []byte
	if okM && okI {
		out = m.mux.serve(context.Background(), method, in)
	} else {
		out = errorEnvelope(&Error{
			Code:    abi.CodeInvalidInput,
			Message: "method or input lies outside the buffers slotbox_alloc returned",
		})
	}
	// An envelope outside the Mux's buffer (the one above, or a re-entered
	// call's) stays reachable, so in place, until the next call.
	m.fallback = nil
	if len(out) > 0 && addrOf(out) != addrOf(m.mux.out.Bytes()) {
		m.fallback = out
	}
	// The call consumed its buffers, also those it refused; freeing an
	// address twice, or one that starts no buffer, does nothing.
	for _, p := range [...]uintptr{mStart, iStart, methodPtr, inPtr} {
		if p != 0 {
			m.arena.free(p)
		}
	}
	return addrOf(out), len(out)
}
