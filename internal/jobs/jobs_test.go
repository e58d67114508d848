package jobs

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/slotbox/slotbox/internal/store"
)

type testArgs struct {
	Name string `json:"name"`
}

func (testArgs) Kind() string { return "jobs_test" }

func (testArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueHooks} }

// flaky fails its first failures runs, then succeeds.
type flaky struct {
	river.WorkerDefaults[testArgs]
	failures int32
	runs     atomic.Int32
}

func (w *flaky) Work(ctx context.Context, job *river.Job[testArgs]) error {
	if n := w.runs.Add(1); n <= w.failures {
		return errors.New("peer answered 500")
	}
	return nil
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "slotbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fastConfig retries after about a millisecond.
func fastConfig() Config {
	return DefaultConfig().WithBackoff(time.Millisecond, 2, 10*time.Millisecond, 0.25).WithPollInterval(50 * time.Millisecond)
}

func startRunner(t *testing.T, st *store.Store, cfg Config, w river.Worker[testArgs]) *Runner {
	t.Helper()
	r, err := New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	river.AddWorker(r.Workers(), w)
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return r
}

// insert enqueues args in a store transaction.
func insert(t *testing.T, r *Runner, st *store.Store, args testArgs, opts *river.InsertOpts) {
	t.Helper()
	err := st.RunInTx(context.Background(), func(tx *store.Tx) error {
		_, err := r.InsertTx(context.Background(), tx, args, opts)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// next waits for the next event on ch.
func next(t *testing.T, ch <-chan *river.Event) *river.Event {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(30 * time.Second):
		t.Fatal("no job event within 30s")
		return nil
	}
}

func TestBackoffDelay(t *testing.T) {
	b := backoff{base: 5 * time.Second, factor: 4, max: 6 * time.Hour, jitter: 0.25}
	tests := []struct {
		n    int
		r    float64
		want time.Duration
	}{
		{1, 0.5, 5 * time.Second},
		{2, 0.5, 20 * time.Second},
		{3, 0.5, 80 * time.Second},
		{1, 0, 3750 * time.Millisecond}, // -25 %
		{1, 1, 6250 * time.Millisecond}, // +25 %
		{0, 0.5, 5 * time.Second},       // treated as the first failure
		{20, 0.5, 6 * time.Hour},        // capped
		{20, 1, 6 * time.Hour},          // jitter never passes the cap
		{5000, 0.5, 6 * time.Hour},      // no overflow
	}
	for _, tt := range tests {
		if got := b.delay(tt.n, tt.r); got != tt.want {
			t.Errorf("delay(%d, %v) = %s, want %s", tt.n, tt.r, got, tt.want)
		}
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.now = func() time.Time { return now }
	got := b.NextRetry(&rivertype.JobRow{Errors: make([]rivertype.AttemptError, 2)}).Sub(now)
	if got < 60*time.Second || got > 100*time.Second {
		t.Errorf("NextRetry after 2 errors = %s, want 80s ±25%%", got)
	}
}

func TestConfigRejects(t *testing.T) {
	st := openStore(t)
	tests := []struct {
		name string
		cfg  Config
	}{
		{"zero attempts", DefaultConfig().WithMaxAttempts(0)},
		{"factor below 1", DefaultConfig().WithBackoff(time.Second, 0.5, time.Hour, 0)},
		{"max below base", DefaultConfig().WithBackoff(time.Hour, 2, time.Second, 0)},
		{"jitter above 1", DefaultConfig().WithBackoff(time.Second, 2, time.Hour, 2)},
		{"no workers", DefaultConfig().WithWorkers(0, 1)},
		{"poll below cooldown", DefaultConfig().WithPollInterval(time.Millisecond)},
	}
	for _, tt := range tests {
		if _, err := New(st, tt.cfg); err == nil {
			t.Errorf("%s: New accepted it", tt.name)
		}
	}
}

func TestInsertBeforeStart(t *testing.T) {
	st := openStore(t)
	r, err := New(st, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	err = st.RunInTx(context.Background(), func(tx *store.Tx) error {
		_, err := r.InsertTx(context.Background(), tx, testArgs{}, nil)
		return err
	})
	if !errors.Is(err, ErrNotStarted) {
		t.Fatalf("insert before start = %v", err)
	}
	if _, _, err := r.Subscribe(); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("subscribe before start = %v", err)
	}
}

func TestRetriedThenCompleted(t *testing.T) {
	st := openStore(t)
	w := &flaky{failures: 2}
	r := startRunner(t, st, fastConfig(), w)
	events, cancel, err := r.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	insert(t, r, st, testArgs{Name: "flaky"}, nil)
	for _, want := range []river.EventKind{river.EventKindJobFailed, river.EventKindJobFailed, river.EventKindJobCompleted} {
		if ev := next(t, events); ev.Kind != want {
			t.Fatalf("event %s, want %s", ev.Kind, want)
		}
	}
	if n := w.runs.Load(); n != 3 {
		t.Errorf("%d runs, want 3", n)
	}
}

func TestDeadLetterAfterMaxAttempts(t *testing.T) {
	st := openStore(t)
	w := &flaky{failures: 1000}
	r := startRunner(t, st, fastConfig().WithMaxAttempts(3), w)
	events, cancel, err := r.Subscribe(river.EventKindJobFailed)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	insert(t, r, st, testArgs{Name: "doomed"}, nil)
	var last *river.Event
	for range 3 {
		last = next(t, events)
	}
	if last.Job.State != rivertype.JobStateDiscarded || last.Job.Attempt != 3 || len(last.Job.Errors) != 3 {
		t.Fatalf("last failure: state %s attempt %d errors %d", last.Job.State, last.Job.Attempt, len(last.Job.Errors))
	}
	// A replay is a fresh insert: the discarded job does not block it.
	insert(t, r, st, testArgs{Name: "doomed"}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}})
	if ev := next(t, events); ev.Job.Attempt != 1 {
		t.Errorf("replayed job attempt %d, want 1", ev.Job.Attempt)
	}
}

// TestRecoverRunningJobs leaves a job in the running state with a leader
// lease, as a killed process would, and starts a runner on the database:
// the job runs at once.
func TestRecoverRunningJobs(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	// An insert-only client stands in for the dead process.
	r0, err := New(st, fastConfig())
	if err != nil {
		t.Fatal(err)
	}
	river.AddWorker(r0.Workers(), &flaky{})
	if err := r0.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r0.Client().Stop(ctx); err != nil {
		t.Fatal(err)
	}
	insert(t, r0, st, testArgs{Name: "orphan"}, nil)
	db := st.DB()
	if _, err := db.ExecContext(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = datetime('now', 'subsec')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO river_leader (leader_id, elected_at, expires_at)
		VALUES ('dead-process', datetime('now', 'subsec'), datetime('now', '+1 hour'))`); err != nil {
		t.Fatal(err)
	}

	w := &flaky{}
	r := startRunner(t, st, fastConfig(), w)
	events, cancel, err := r.Subscribe(river.EventKindJobCompleted)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	ev := next(t, events)
	if ev.Job.Attempt != 2 {
		t.Errorf("recovered job attempt %d, want 2 (the killed run counts)", ev.Job.Attempt)
	}
	var leaders int
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_leader WHERE leader_id = 'dead-process'`).Scan(&leaders); err != nil {
		t.Fatal(err)
	}
	if leaders != 0 {
		t.Error("the dead process still holds the lease")
	}
}
