package metrics

import (
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

func TestObserve(t *testing.T) {
	m := New()
	m.ObserveCall("go-echo", "calendar.listCalendars", "ok", 3*time.Millisecond)
	m.ObserveCall("go-echo", "calendar.listCalendars", "ok", 4*time.Millisecond)
	m.ObserveCall("go-echo", "calendar.createEvent", "TIMEOUT", 2*time.Second)
	m.ObserveHTTP("/api/apps", "GET", 200, time.Millisecond)
	m.ObserveHTTP("/api/installations/:id", "GET", 404, time.Millisecond)

	if got := testutil.ToFloat64(m.calls.WithLabelValues("go-echo", "calendar.listCalendars", "ok")); got != 2 {
		t.Errorf("ok calls = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.calls.WithLabelValues("go-echo", "calendar.createEvent", "TIMEOUT")); got != 1 {
		t.Errorf("timeout calls = %v, want 1", got)
	}
	if got := testutil.CollectAndCount(m.callSeconds); got != 2 {
		t.Errorf("latency series = %d, want 2 (one per app and method)", got)
	}
	if got := testutil.ToFloat64(m.httpRequests.WithLabelValues("/api/installations/:id", "GET", "404")); got != 1 {
		t.Errorf("http 404s = %v", got)
	}
}

func TestCollectors(t *testing.T) {
	m := New()
	stats := runtime.Stats{Modules: 2, LiveInstances: 5, IdleInstances: 3, IdleBytes: 3 << 20}
	if err := m.WatchEngine(func() runtime.Stats { return stats }); err != nil {
		t.Fatal(err)
	}
	if err := m.WatchStore(func() store.PoolStats {
		return store.PoolStats{Writer: sql.DBStats{OpenConnections: 1, WaitCount: 7}, Reader: sql.DBStats{OpenConnections: 4, InUse: 2}}
	}); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP slotbox_runtime_idle_instances App instances waiting in pools.
# TYPE slotbox_runtime_idle_instances gauge
slotbox_runtime_idle_instances 3
# HELP slotbox_runtime_instances App instances alive, in use or idle.
# TYPE slotbox_runtime_instances gauge
slotbox_runtime_instances 5
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "slotbox_runtime_instances", "slotbox_runtime_idle_instances"); err != nil {
		t.Error(err)
	}
	stats.LiveInstances = 9 // read at scrape time
	want = strings.Replace(want, "slotbox_runtime_instances 5", "slotbox_runtime_instances 9", 1)
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "slotbox_runtime_instances", "slotbox_runtime_idle_instances"); err != nil {
		t.Error(err)
	}
	wantDB := `
# HELP slotbox_db_connection_waits_total Times a query waited for a free connection, by pool.
# TYPE slotbox_db_connection_waits_total counter
slotbox_db_connection_waits_total{pool="reader"} 0
slotbox_db_connection_waits_total{pool="writer"} 7
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(wantDB), "slotbox_db_connection_waits_total"); err != nil {
		t.Error(err)
	}
	if err := m.WatchEngine(func() runtime.Stats { return stats }); err == nil {
		t.Error("a second engine collector registered; want a duplicate error")
	}
}

func TestHandler(t *testing.T) {
	m := New()
	m.ObserveCall("a", "app.checkKeys", "ok", time.Millisecond)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, s := range []string{`slotbox_app_calls_total{app="a",method="app.checkKeys",outcome="ok"} 1`, "go_goroutines", "slotbox_app_call_duration_seconds_bucket"} {
		if !strings.Contains(string(body), s) {
			t.Errorf("exposition lacks %q", s)
		}
	}
}
