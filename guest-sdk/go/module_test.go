package slotbox

import (
	"context"
	"testing"
	"unsafe"

	"github.com/slotbox/slotbox/abi"
)

// hostWrite plays the host: it allocates size bytes through the module and
// copies s in, returning the address.
func hostWrite(t *testing.T, m *module, s string) uintptr {
	t.Helper()
	p := m.alloc(int32(len(s)))
	if p == 0 {
		t.Fatalf("alloc(%d) failed", len(s))
	}
	copy(m.arena.pinned[p], s)
	return p
}

// hostRead plays the host reading the envelope at (ptr, n): the bytes must
// be the module's output buffer or its fallback envelope.
func hostRead(t *testing.T, m *module, ptr uintptr, n int) string {
	t.Helper()
	for _, b := range [][]byte{m.mux.out.Bytes(), m.fallback} {
		if len(b) > 0 && addrOf(b) == ptr && n <= len(b) {
			return string(b[:n])
		}
	}
	t.Fatalf("(%#x, %d) is not the module's output", ptr, n)
	return ""
}

func TestModuleCall(t *testing.T) {
	mux := NewMux()
	mux.Register(testCalendar{})
	m := newModule(mux)

	method := hostWrite(t, m, abi.MethodAppCheckKeys)
	in := hostWrite(t, m, `{}`)
	ptr, n := m.call(method, uint32(len(abi.MethodAppCheckKeys)), in, 2)
	if got := hostRead(t, m, ptr, n); got != `{"ok":{"valid":true}}` {
		t.Fatalf("envelope = %s", got)
	}
	if len(m.arena.pinned) != 0 {
		t.Fatalf("%d buffers still pinned after the call consumed them", len(m.arena.pinned))
	}
	// A small output stays readable until the next call, even after free.
	m.free(ptr)
	if got := hostRead(t, m, ptr, n); got != `{"ok":{"valid":true}}` {
		t.Fatalf("small output changed after free: %s", got)
	}
}

func TestModuleCallOneAllocation(t *testing.T) {
	mux := NewMux()
	mux.Register(testCalendar{})
	m := newModule(mux)
	both := abi.MethodAppCheckKeys + `{}`
	p := hostWrite(t, m, both)
	ml := uintptr(len(abi.MethodAppCheckKeys))
	ptr, n := m.call(p, uint32(ml), p+ml, 2)
	if got := hostRead(t, m, ptr, n); got != `{"ok":{"valid":true}}` {
		t.Fatalf("envelope = %s", got)
	}
	if len(m.arena.pinned) != 0 {
		t.Fatal("shared buffer still pinned")
	}
}

func TestModuleCallRejectsForeignMemory(t *testing.T) {
	m := newModule(NewMux())
	var outside [16]byte
	tests := []struct {
		name       string
		mp, ip     uintptr
		mlen, ilen uint32
	}{
		{"method outside", uintptr(unsafe.Pointer(&outside[0])), 0, 4, 0},
		{"input too long", 0, 0, 0, 0},
	}
	tests[1].mp = hostWrite(t, m, "x")
	tests[1].mlen = 1
	tests[1].ip = hostWrite(t, m, "{}")
	tests[1].ilen = 3
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ptr, n := m.call(tt.mp, tt.mlen, tt.ip, tt.ilen)
			env := mustJSON(t, []byte(hostRead(t, m, ptr, n)))
			e, _ := env["error"].(map[string]any)
			if e["code"] != string(abi.CodeInvalidInput) {
				t.Fatalf("envelope = %v, want INVALID_INPUT", env)
			}
		})
	}
	if len(m.arena.pinned) != 0 {
		t.Fatalf("%d buffers pinned after failed calls", len(m.arena.pinned))
	}
}

func TestModuleFreeDropsLargeOutput(t *testing.T) {
	mux := NewMux()
	mux.Register(bigLister{})
	m := newModule(mux)
	method := hostWrite(t, m, abi.MethodCalendarListCalendars)
	ptr, n := m.call(method, uint32(len(abi.MethodCalendarListCalendars)), 0, 0)
	if n <= maxKeptOutput {
		t.Fatalf("output %d bytes, expected a large one", n)
	}
	m.free(ptr)
	if mux.out.Cap() != 0 {
		t.Fatalf("large output buffer kept after slotbox_free (cap %d)", mux.out.Cap())
	}
}

func TestModuleAllocFree(t *testing.T) {
	m := newModule(NewMux())
	if p := m.alloc(-5); p != 0 {
		t.Fatalf("alloc(-5) = %#x, want 0", p)
	}
	p := m.alloc(10)
	m.free(p)
	m.free(p) // a double free is ignored
	m.free(0)
	if len(m.arena.pinned) != 0 {
		t.Fatal("buffer still pinned after free")
	}
}

// reentrant calls back into its module from inside a method, as a host
// function that re-entered slotbox_call would.
type reentrant struct {
	m     *module
	inner string
	t     *testing.T
}

func (r *reentrant) ListCalendars(context.Context, *abi.CalendarListCalendarsInput) ([]abi.IntegrationCalendar, error) {
	method := hostWrite(r.t, r.m, abi.MethodAppCheckKeys)
	ptr, n := r.m.call(method, uint32(len(abi.MethodAppCheckKeys)), 0, 0)
	r.inner = hostRead(r.t, r.m, ptr, n)
	return nil, nil
}

func TestModuleReentrantCall(t *testing.T) {
	mux := NewMux()
	r := &reentrant{t: t}
	mux.Register(r)
	r.m = newModule(mux)
	method := hostWrite(t, r.m, abi.MethodCalendarListCalendars)
	ptr, n := r.m.call(method, uint32(len(abi.MethodCalendarListCalendars)), 0, 0)
	if got := hostRead(t, r.m, ptr, n); got != `{"ok":[]}` {
		t.Fatalf("outer call answered %s", got)
	}
	if want := `{"error":{"code":"INTERNAL","message":"slotbox_call re-entered","retryable":false}}`; r.inner != want {
		t.Fatalf("inner call answered %s, want %s", r.inner, want)
	}
}
