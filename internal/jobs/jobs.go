// Package jobs runs Slotbox's durable jobs: the app calls a booking needs
// and the outbound webhook deliveries, each a River job (riverqueue/river
// with its SQLite driver) in the server's own database, so a job is
// inserted in the same transaction as the rows that need it and survives a
// crash.
//
// SQLite has one writer, and River shares the store's single writer
// connection (store.DB): its fetches, completions and our own writes
// queue for that connection in Go instead of meeting SQLITE_BUSY. Keep
// transactions that insert jobs short.
//
// Failed jobs are retried with exponential backoff and jitter up to a
// maximum of attempts, then discarded (the dead letters, which the booking
// and webhook packages also mark in their own rows and can replay).
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/slotbox/slotbox/internal/store"
)

// Queue names. Booking steps and webhook deliveries have their own queues,
// so a slow subscriber does not hold up calendar writes.
const (
	QueueHooks    = "hooks"
	QueueWebhooks = "webhooks"
)

// ErrNotStarted means a job was inserted before Start built the client.
var ErrNotStarted = errors.New("jobs: the runner is not started")

// Runner owns the River client. Register workers on Workers before Start;
// insert jobs after it.
type Runner struct {
	st      *store.Store
	cfg     Config
	workers *river.Workers
	log     *slog.Logger

	mu     sync.Mutex
	client *river.Client[*sql.Tx]
}

// New returns a Runner over the store; nothing runs until Start.
func New(st *store.Store, cfg Config) (*Runner, error) {
	if st == nil {
		return nil, errors.New("jobs: new needs a store")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{st: st, cfg: cfg, workers: river.NewWorkers(), log: logger}, nil
}

// Workers is where packages register their workers, before Start.
func (r *Runner) Workers() *river.Workers { return r.workers }

// Config returns the runner's configuration.
func (r *Runner) Config() Config { return r.cfg }

// Start migrates River's tables, recovers the jobs a killed process left
// running (see Recover), builds the client and starts working. Every worker
// must be registered by then.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.client != nil {
		return errors.New("jobs: already started")
	}
	driver := riversqlite.New(r.st.DB())
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: r.log})
	if err != nil {
		return fmt.Errorf("jobs: migrator: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate river tables: %w", err)
	}
	if r.cfg.recoverOnStart {
		n, err := Recover(ctx, r.st.DB())
		if err != nil {
			return err
		}
		if n > 0 {
			r.log.WarnContext(ctx, "jobs left running by a previous process are queued again", "jobs", n)
		}
	}
	client, err := river.NewClient(driver, r.riverConfig())
	if err != nil {
		return fmt.Errorf("jobs: new client: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	r.client = client
	return nil
}

// riverConfig is the River client configuration of r.cfg.
func (r *Runner) riverConfig() *river.Config {
	return &river.Config{
		Queues: map[string]river.QueueConfig{
			QueueHooks:    {MaxWorkers: r.cfg.hookWorkers},
			QueueWebhooks: {MaxWorkers: r.cfg.webhookWorkers},
		},
		Workers:                     r.workers,
		MaxAttempts:                 r.cfg.maxAttempts,
		RetryPolicy:                 r.cfg.retryPolicy(),
		JobTimeout:                  r.cfg.jobTimeout,
		FetchPollInterval:           r.cfg.pollInterval,
		FetchCooldown:               r.cfg.fetchCooldown,
		CompletedJobRetentionPeriod: r.cfg.completedRetention,
		CancelledJobRetentionPeriod: r.cfg.deadRetention,
		DiscardedJobRetentionPeriod: r.cfg.deadRetention,
		Logger:                      r.log,
	}
}

// Stop stops fetching and waits for the jobs in flight (until ctx ends,
// then cancels them; a cancelled job runs again after the next start).
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	client := r.client
	r.mu.Unlock()
	if client == nil {
		return nil
	}
	err := client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.jobTimeout)
		defer cancel()
		return client.StopAndCancel(cctx)
	}
	return err
}

// Client returns the River client; nil before Start.
func (r *Runner) Client() *river.Client[*sql.Tx] {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.client
}

// InsertTx enqueues a job in tx: it commits or rolls back with the rows
// written in tx.
func (r *Runner) InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	c := r.Client()
	if c == nil {
		return nil, ErrNotStarted
	}
	res, err := c.InsertTx(ctx, tx.SQL(), args, opts)
	if err != nil {
		return nil, fmt.Errorf("jobs: insert kind[%s]: %w", args.Kind(), err)
	}
	return res, nil
}

// Subscribe returns a channel of the client's job events of kinds and a
// function that ends the subscription; ErrNotStarted before Start.
func (r *Runner) Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func(), error) {
	c := r.Client()
	if c == nil {
		return nil, nil, ErrNotStarted
	}
	ch, cancel := c.Subscribe(kinds...)
	return ch, cancel, nil
}

// Recover makes the jobs a killed process left in the running state
// available again and drops the stale leader lease, so a restarted server
// resumes at once rather than after River's stuck-job rescue (an hour by
// default) and the lease's expiry. It is only safe when no other process
// works the same database, which a single SQLite writer implies. It returns
// how many jobs it queued again; each keeps its attempt count.
func Recover(ctx context.Context, db *sql.DB) (int64, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("jobs: recover: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a committed tx reports ErrTxDone
	res, err := tx.ExecContext(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
	if err != nil {
		return 0, fmt.Errorf("jobs: recover running jobs: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("jobs: recover running jobs: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM river_leader`); err != nil {
		return 0, fmt.Errorf("jobs: recover leader: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("jobs: recover: commit: %w", err)
	}
	return n, nil
}
