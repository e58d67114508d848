package slotbox

import (
	"testing"
)

func TestArenaAlloc(t *testing.T) {
	tests := []struct {
		size   int
		wantOK bool
		minLen int
	}{
		{-1, false, 0},
		{0, true, 1},
		{1, true, 1},
		{4096, true, 4096},
		{maxAlloc, true, maxAlloc},
		{maxAlloc + 1, false, 0},
	}
	for _, tt := range tests {
		a := newArena()
		addr := a.alloc(tt.size)
		if (addr != 0) != tt.wantOK {
			t.Fatalf("alloc(%d) = %#x, want ok=%v", tt.size, addr, tt.wantOK)
		}
		if !tt.wantOK {
			continue
		}
		if got := len(a.pinned[addr]); got < tt.minLen {
			t.Fatalf("alloc(%d) pinned %d bytes", tt.size, got)
		}
		if !a.free(addr) || a.free(addr) {
			t.Fatalf("free(alloc(%d)) must succeed once", tt.size)
		}
	}
}

func TestArenaSlice(t *testing.T) {
	a := newArena()
	base := a.alloc(16)
	copy(a.pinned[base], "method.nameINPUT")
	tests := []struct {
		name      string
		addr      uintptr
		n         int
		want      string
		wantStart uintptr
		wantOK    bool
	}{
		{"whole buffer", base, 16, "method.nameINPUT", base, true},
		{"prefix", base, 11, "method.name", base, true},
		{"inside one allocation", base + 11, 5, "INPUT", base, true},
		{"empty", 12345, 0, "", 0, true},
		{"past the end", base, 17, "", 0, false},
		{"inner past the end", base + 11, 6, "", 0, false},
		{"outside any buffer", base + 1<<20, 1, "", 0, false},
		{"negative length", base, -1, "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, start, ok := a.slice(tt.addr, tt.n)
			if ok != tt.wantOK || string(b) != tt.want || start != tt.wantStart {
				t.Fatalf("slice = %q, %#x, %v; want %q, %#x, %v", b, start, ok, tt.want, tt.wantStart, tt.wantOK)
			}
		})
	}
}

func TestArenaReusesReleasedBuffers(t *testing.T) {
	a := newArena()
	first := a.alloc(100)
	a.free(first)
	if again := a.alloc(80); again != first {
		t.Fatalf("alloc after free = %#x, want the released buffer %#x", again, first)
	}
	if got := len(a.pinned[first]); got != 80 {
		t.Fatalf("reused buffer has len %d, want 80", got)
	}
	allocs := testing.AllocsPerRun(100, func() {
		p := a.alloc(64)
		a.free(p)
	})
	if allocs != 0 {
		t.Fatalf("steady alloc/free allocates %.1f times, want 0", allocs)
	}
}

func TestArenaDoesNotPoolLargeBuffers(t *testing.T) {
	a := newArena()
	p := a.alloc(maxPooled + 1)
	a.free(p)
	if len(a.pool) != 0 {
		t.Fatalf("pool holds %d buffers after freeing a large one", len(a.pool))
	}
}
