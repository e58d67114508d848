package benchevent

import (
	"testing"
)

func TestProcess(t *testing.T) {
	got, err := Process(Sample())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"uid":"c3bb0a42a2457877","id":"20260302140000","type":"meeting","password":"","url":"https://bench.slotbox.invalid/events/c3bb0a42a2457877"}`
	if string(got) != want {
		t.Fatalf("Process = %s\nwant %s", got, want)
	}
	if n := len(Sample()); n < 1000 || n > 1100 {
		t.Fatalf("sample is %d bytes, want about 1 KB", n)
	}
}

func TestProcessRejectsBadInput(t *testing.T) {
	if _, err := Process([]byte(`{"event":`)); err == nil {
		t.Fatal("Process accepted truncated JSON")
	}
}

// BenchmarkProcess is the native side of the native-versus-wasm comparison
// (the wasm side is BenchmarkWasmBenchCall in guest-sdk/go).
func BenchmarkProcess(b *testing.B) {
	in := Sample()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Process(in); err != nil {
			b.Fatal(err)
		}
	}
}
