package meter

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/tetratelabs/wazero/api"
)

var errStopped = errors.New("stopped by the test")

// TestGCWhileGuestSpins shows why the meter exists: a guest spinning in an
// infinite loop must not block the host's garbage collector. Compiled wasm
// is never preempted, so without the refuel calls runtime.GC below would
// wait for the guest forever with the whole process stopped (measured in the
// reference notes); the 20 s limits only fire if metering is broken.
func TestGCWhileGuestSpins(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t, ctx, nil)
	running := make(chan struct{})
	refueled := make(chan struct{}, 1)
	stop := make(chan struct{})
	first := true
	refuel := func(_ context.Context, mod api.Module, _ []uint64) {
		if first { // refuel runs on the guest's goroutine only
			first = false
			close(running)
		}
		select {
		case <-stop:
			panic(errStopped)
		case refueled <- struct{}{}:
		default:
		}
		mod.ExportedGlobal(ExportFuel).(api.MutableGlobal).Set(1 << 20)
	}
	_, err := rt.NewHostModuleBuilder(ImportModule).NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(refuel), nil, nil).Export(ImportRefuel).Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := rt.Instantiate(ctx, mustInstrument(t, readTestdata(t, "loops.wasm"), Options{}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := mod.ExportedFunction("spin").Call(ctx)
		done <- err
	}()
	timeout := time.After(20 * time.Second)
	select {
	case <-running:
	case <-timeout:
		t.Fatal("guest never called refuel")
	}

	ticks := make(chan int)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		for i := 0; ; i++ {
			select {
			case ticks <- i:
			case <-quit:
				return
			}
		}
	}()

	runtime.GC()
	runtime.GC()

	for range 1000 {
		select {
		case <-ticks:
		case <-timeout:
			t.Fatal("heartbeat stopped while the guest spins")
		}
	}
	// Two refuels after the collections: the first may predate them.
	for range 2 {
		select {
		case <-refueled:
		case err := <-done:
			t.Fatalf("guest returned early: %v", err)
		case <-timeout:
			t.Fatal("guest stopped calling refuel")
		}
	}
	close(stop)
	select {
	case err := <-done:
		if !errors.Is(err, errStopped) {
			t.Fatalf("spin returned %v, want %v", err, errStopped)
		}
	case <-timeout:
		t.Fatal("guest did not trap after stop")
	}
}
