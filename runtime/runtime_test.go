package runtime

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	goruntime "runtime"
	"sync"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
)

func compileFixture(t testing.TB, e *Engine, dir, wasm, config string) *App {
	t.Helper()
	b, m := readFixture(t, dir, wasm, config)
	app, err := e.Compile(context.Background(), b, m)
	if err != nil {
		t.Fatalf("compile %s: %v", wasm, err)
	}
	t.Cleanup(func() { _ = app.Close(context.Background()) })
	return app
}

func TestPoolReusesInstancePerInstallation(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	app := compileFixture(t, e, smallDir, "echo.wasm", "echo.config.json")
	ctx := context.Background()
	call := func(inst string) *Result {
		res := app.Call(ctx, CallRequest{Installation: inst, Method: "test.echo", Input: []byte(`{"n":1}`)})
		if res.Envelope.Error != nil {
			t.Fatalf("%s: %v", inst, res.Envelope.Error)
		}
		return res
	}
	if !call("a").Instantiated {
		t.Fatal("first call of a reused an instance")
	}
	if call("a").Instantiated {
		t.Fatal("second call of a did not reuse its instance")
	}
	if !call("b").Instantiated {
		t.Fatal("installation b was served by a's instance")
	}
	if s := e.Stats(); s.IdleInstances != 2 || s.LiveInstances != 2 {
		t.Fatalf("stats %+v; want 2 idle, 2 live", s)
	}
	app.Evict(ctx, "a")
	if s := e.Stats(); s.IdleInstances != 1 || s.LiveInstances != 1 {
		t.Fatalf("after evict: stats %+v; want 1 idle, 1 live", s)
	}
}

func TestConcurrentCallsGetTheirOwnInstances(t *testing.T) {
	e := newTestEngine(t, NewConfig().WithMaxIdlePerPool(8))
	app := compileFixture(t, e, smallDir, "echo.wasm", "echo.config.json")
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				in := fmt.Sprintf(`{"g":%d,"i":%d}`, g, i)
				res := app.Call(ctx, CallRequest{Installation: "shared", Method: "test.echo", Input: []byte(in)})
				if res.Envelope.Error != nil || string(res.Envelope.OK) != in {
					errs <- fmt.Errorf("g%d i%d: got %s %v", g, i, res.Envelope.OK, res.Envelope.Error)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s := e.Stats(); s.LiveInstances > 8 || s.LiveInstances != s.IdleInstances {
		t.Fatalf("stats %+v: instances leaked or still busy", s)
	}
}

func TestFailureDiscardsInstance(t *testing.T) {
	e := newTestEngine(t, NewConfig().WithFuel(5_000_000))
	app := compileFixture(t, e, hostileDir, "loop_call.wasm", "loop_call.config.json")
	ctx := context.Background()
	for i := range 2 {
		res := app.Call(ctx, CallRequest{Installation: "a", Method: "calendar.listCalendars", Input: []byte(`{}`)})
		if res.Envelope.Error == nil || res.Envelope.Error.Code != abi.CodeFuelExhausted {
			t.Fatalf("call %d: %+v; want FUEL_EXHAUSTED", i, res.Envelope)
		}
		if !res.Instantiated {
			t.Fatalf("call %d reused the instance that ran out of fuel", i)
		}
		if res.FuelUsed < 5_000_000 {
			t.Fatalf("call %d used %d fuel; want the whole budget", i, res.FuelUsed)
		}
	}
	if s := e.Stats(); s.LiveInstances != 0 {
		t.Fatalf("stats %+v; failed instances were kept", s)
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	e := newTestEngine(t, NewConfig().WithFuel(1<<62).WithTimeout(50*time.Millisecond))
	app := compileFixture(t, e, hostileDir, "loop_call.wasm", "loop_call.config.json")
	res := app.Call(context.Background(), CallRequest{Installation: "a", Method: "calendar.listCalendars", Input: []byte(`{}`)})
	if res.Envelope.Error == nil || res.Envelope.Error.Code != abi.CodeTimeout || !res.Envelope.Error.Retryable {
		t.Fatalf("%+v; want a retryable TIMEOUT", res.Envelope)
	}

	e2 := newTestEngine(t, NewConfig().WithFuel(1<<62).WithTimeout(time.Hour))
	app2 := compileFixture(t, e2, hostileDir, "loop_call.wasm", "loop_call.config.json")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *Result)
	go func() {
		done <- app2.Call(ctx, CallRequest{Installation: "a", Method: "calendar.listCalendars", Input: []byte(`{}`)})
	}()
	cancel()
	res = <-done
	if res.Envelope.Error == nil || res.Envelope.Error.Code != abi.CodeTimeout {
		t.Fatalf("%+v; want TIMEOUT after cancel", res.Envelope)
	}
}

func TestFuelIsDeterministic(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	app := compileFixture(t, e, smallDir, "echo.wasm", "echo.config.json")
	ctx := context.Background()
	var used []int64
	for range 3 {
		res := app.Call(ctx, CallRequest{Installation: "a", Method: "test.echo", Input: event1KB})
		if res.Envelope.Error != nil {
			t.Fatal(res.Envelope.Error)
		}
		used = append(used, res.FuelUsed)
	}
	if used[0] <= 0 || used[1] != used[2] {
		t.Fatalf("fuel used %v; want positive and equal for equal calls on a warm instance", used)
	}
}

// TestSpinningGuestDoesNotFreezeHost is the reason for metering: compiled
// Wasm is never preempted, so without the refuel calls a spinning guest
// holds up every stop-the-world and so the whole process. While a guest
// spins, a loopback HTTP server keeps answering and GC completes; the guest
// is still running when they do.
func TestSpinningGuestDoesNotFreezeHost(t *testing.T) {
	e := newTestEngine(t, NewConfig().WithFuel(1<<62).WithTimeout(time.Hour))
	app := compileFixture(t, e, hostileDir, "loop_call.wasm", "loop_call.config.json")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = make([]byte, 1<<20) // allocate, so the server needs the GC too
		w.WriteHeader(http.StatusNoContent)
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	spinning := make(chan struct{})
	done := make(chan *Result, 1)
	go func() {
		close(spinning)
		done <- app.Call(ctx, CallRequest{Installation: "a", Method: "calendar.listCalendars", Input: []byte(`{}`)})
	}()
	<-spinning
	client := &http.Client{Timeout: 30 * time.Second}
	for i := range 20 {
		resp, err := client.Get("http://" + ln.Addr().String() + "/healthz")
		if err != nil {
			t.Fatalf("healthz %d while the guest spins: %v", i, err)
		}
		resp.Body.Close()
		goruntime.GC()
	}
	select {
	case res := <-done:
		t.Fatalf("guest stopped before the checks ended: %+v", res.Envelope)
	default:
	}
	cancel()
	if res := <-done; res.Envelope.Error == nil || res.Envelope.Error.Code != abi.CodeTimeout {
		t.Fatalf("%+v; want TIMEOUT after cancel", res.Envelope)
	}
}

// TestHostileModulesKeepHostMemoryBounded runs the memory-hungry hostile
// guests many times and checks the host's heap returns to where it was.
func TestHostileModulesKeepHostMemoryBounded(t *testing.T) {
	e := newTestEngine(t, NewConfig().WithMemoryLimit(16<<20).WithMaxCallDepth(5000))
	var apps []*App
	for _, name := range []string{"grow_bomb", "recursion", "log_flood"} {
		if _, err := os.Stat(hostileDir + "/" + name + ".wasm"); errors.Is(err, os.ErrNotExist) {
			t.Fatalf("fixture %s is missing", name)
		}
		apps = append(apps, compileFixture(t, e, hostileDir, name+".wasm", name+".config.json"))
	}
	heap := func() uint64 {
		goruntime.GC()
		var ms goruntime.MemStats
		goruntime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	ctx := context.Background()
	run := func() {
		for _, app := range apps {
			res := app.Call(ctx, CallRequest{Installation: "a", Method: "calendar.listCalendars", Input: []byte(`{}`)})
			if res.Envelope.Error != nil && res.Envelope.Error.Code == abi.CodeHostError {
				t.Fatalf("host error: %v", res.Envelope.Error)
			}
		}
	}
	run()
	before := heap()
	for range 20 {
		run()
	}
	after := heap()
	if after > before+32<<20 {
		t.Fatalf("host heap grew from %d to %d bytes over 20 rounds of hostile calls", before, after)
	}
}

func TestCompileCacheSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	wasm, m := readFixture(t, smallDir, "echo.wasm", "echo.config.json")
	for round := range 2 {
		e, err := NewEngine(ctx, NewConfig().WithCacheDir(dir))
		if err != nil {
			t.Fatal(err)
		}
		app, err := e.Compile(ctx, wasm, m)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		res := app.Call(ctx, CallRequest{Installation: "a", Method: "test.echo", Input: []byte(`{}`)})
		if res.Envelope.Error != nil {
			t.Fatalf("round %d: %v", round, res.Envelope.Error)
		}
		_ = e.Close(ctx)
		entries, _ := os.ReadDir(dir)
		if len(entries) == 0 {
			t.Fatalf("round %d: cache dir is empty", round)
		}
	}
}

func TestCompileDeduplicates(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	wasm, m := readFixture(t, smallDir, "echo.wasm", "echo.config.json")
	ctx := context.Background()
	var wg sync.WaitGroup
	apps := make([]*App, 4)
	for i := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := e.Compile(ctx, wasm, m)
			if err != nil {
				t.Error(err)
				return
			}
			apps[i] = a
		}()
	}
	wg.Wait()
	if s := e.Stats(); s.Modules != 1 {
		t.Fatalf("stats %+v; want one compiled module for one sha256", s)
	}
	for _, a := range apps {
		if a != nil {
			_ = a.Close(ctx)
		}
	}
	if s := e.Stats(); s.Modules != 0 {
		t.Fatalf("stats %+v; closing every app must release the module", s)
	}
}

func TestResultIsCheckedAgainstSchema(t *testing.T) {
	e := newTestEngine(t, NewConfig())
	app := compileFixture(t, e, smallDir, "passthrough.wasm", "passthrough.config.json")
	ctx := context.Background()
	tests := []struct {
		method, result string
		ok             bool
	}{
		{"calendar.listCalendars", `[]`, true},
		{"calendar.listCalendars", `[{"externalId":"cal-1","name":"Work","primary":true}]`, true},
		{"calendar.listCalendars", `{"not":"a list"}`, false},
		{"calendar.createEvent", `{"uid":"u1","id":"e1","type":"caldav_calendar","extra":"allowed"}`, true},
		{"calendar.createEvent", `{"uid":17}`, false},
		{"test.anything", `{"uid":17}`, true}, // not in the catalogue: no schema
	}
	for _, tt := range tests {
		res := app.Call(ctx, CallRequest{Installation: "a", Method: tt.method, Input: []byte(tt.result)})
		switch {
		case tt.ok && res.Envelope.Error != nil:
			t.Errorf("%s %s: refused: %v", tt.method, tt.result, res.Envelope.Error)
		case !tt.ok && (res.Envelope.Error == nil || res.Envelope.Error.Code != abi.CodeBadOutput):
			t.Errorf("%s %s: %+v; want BAD_OUTPUT", tt.method, tt.result, res.Envelope)
		}
	}
}

// TestIdleBudgetCountsHostOverhead fills a small idle budget with warm
// instances of many installations: the pools keep what fits, counting each
// instance's linear memory and its estimated host overhead, and close the
// least recently used rest.
func TestIdleBudgetCountsHostOverhead(t *testing.T) {
	e := newTestEngine(t, NewConfig().WithIdleMemoryBudget(1<<20))
	app := compileFixture(t, e, smallDir, "echo.wasm", "echo.config.json")
	ctx := context.Background()
	for i := range 40 {
		res := app.Call(ctx, CallRequest{Installation: fmt.Sprintf("inst-%d", i), Method: "test.echo", Input: []byte(`{}`)})
		if res.Envelope.Error != nil {
			t.Fatal(res.Envelope.Error)
		}
	}
	per := uint64(pageSize) + app.overhead
	s := e.Stats()
	if s.IdleBytes > 1<<20 || uint64(s.IdleInstances) != (1<<20)/per || s.IdleBytes != uint64(s.IdleInstances)*per {
		t.Fatalf("stats %+v; want %d instances of %d bytes within the 1 MiB budget", s, (1<<20)/per, per)
	}
	// The most recent installation is still warm, the first is not.
	if app.Call(ctx, CallRequest{Installation: "inst-39", Method: "test.echo", Input: []byte(`{}`)}).Instantiated {
		t.Fatal("the most recently used instance was evicted")
	}
	if !app.Call(ctx, CallRequest{Installation: "inst-0", Method: "test.echo", Input: []byte(`{}`)}).Instantiated {
		t.Fatal("the least recently used instance survived the budget")
	}
}
