// Package store is the Slotbox server's persistence layer: one SQLite
// database (modernc.org/sqlite, no cgo) holding tenants, apps, installations,
// bookings, call records, webhooks, key-value data and the audit log.
//
// The layout follows PocketBase: a single writer connection (SQLite allows one
// writer at a time, so queueing writers in Go is cheaper than retrying
// SQLITE_BUSY) and a pool of read-only connections, every connection set up
// with busy_timeout first, then WAL, synchronous NORMAL and foreign keys on.
//
// Every method on a tenant-owned row takes the tenant id and filters by it: a
// row of another tenant is reported exactly like a missing one, ErrNotFound.
// The few methods that cross tenants are named Admin….
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Store is an open Slotbox database. It is safe for concurrent use.
type Store struct {
	queries
	writer       *sql.DB
	reader       *sql.DB
	wstmt, rstmt *stmtCache
	path         string
}

// Open opens (creating if needed) the database at path, with its folder,
// and applies every pending migration. It refuses a database whose schema is
// newer than this binary (ErrSchemaTooNew).
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if path == "" || strings.ContainsAny(path, "?\x00") || strings.HasPrefix(path, "file:") || path == ":memory:" {
		return nil, fmt.Errorf("store: open path[%s]: %w: want a plain file path", path, ErrInvalid)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create folder of path[%s]: %w", path, err)
	}

	writer, err := sql.Open("sqlite", dsn(path, cfg, false))
	if err != nil {
		return nil, fmt.Errorf("store: open writer path[%s]: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)

	// The writer connects first: it switches a new file to WAL and migrates
	// before any read-only connection exists.
	if err := migrate(ctx, writer, cfg.now); err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: path[%s]: %w", path, err)
	}

	reader, err := sql.Open("sqlite", dsn(path, cfg, true))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open readers path[%s]: %w", path, err)
	}
	reader.SetMaxOpenConns(cfg.readConns)
	reader.SetMaxIdleConns(cfg.readConns)
	reader.SetConnMaxIdleTime(0)
	if err := reader.PingContext(ctx); err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("store: ping readers path[%s]: %w", path, err)
	}

	s := &Store{writer: writer, reader: reader, wstmt: newStmtCache(writer), rstmt: newStmtCache(reader), path: path}
	s.queries = queries{r: s.rstmt, w: s.wstmt, begin: writer.BeginTx, now: cfg.now}
	return s, nil
}

// dsn builds a data source name whose pragmas the driver runs on every new
// pooled connection, busy_timeout first (the driver orders it so).
func dsn(path string, cfg config, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(cfg.busyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// BEGIN IMMEDIATE: a write transaction takes the write lock at its
		// start, so it never fails later upgrading a read lock.
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

// Close closes both connection pools, first letting SQLite refresh its
// query planner statistics (PRAGMA optimize, as SQLite advises on close).
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, optErr := s.writer.ExecContext(ctx, "PRAGMA optimize")
	if optErr != nil {
		optErr = fmt.Errorf("store: optimize: %w", optErr)
	}
	return errors.Join(optErr, s.rstmt.Close(), s.wstmt.Close(), s.reader.Close(), s.writer.Close())
}

// Ping checks that the database answers on both pools, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.reader.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping readers: %w", err)
	}
	if err := s.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping writer: %w", err)
	}
	return nil
}

// DB returns the single writer connection pool. It exists for River
// (riverqueue, riversqlite driver), which needs a *sql.DB of its own kind
// and migrates its own tables: SQLite allows one writer, so River must share
// this one-connection pool rather than open a second writer that would meet
// SQLITE_BUSY. Nothing else should write through it; use the Store's methods.
func (s *Store) DB() *sql.DB { return s.writer }

// Path returns the database file path.
func (s *Store) Path() string { return s.path }

// PoolStats are the connection pool statistics of both pools, for metrics.
type PoolStats struct {
	Writer sql.DBStats
	Reader sql.DBStats
}

// Stats returns the connection pool statistics.
func (s *Store) Stats() PoolStats {
	return PoolStats{Writer: s.writer.Stats(), Reader: s.reader.Stats()}
}

// config is what Options set.
type config struct {
	readConns   int
	busyTimeout time.Duration
	now         func() time.Time
}

func defaultConfig() config {
	return config{readConns: 4, busyTimeout: 10 * time.Second, now: time.Now}
}

func (c config) validate() error {
	if c.readConns < 1 || c.readConns > 256 {
		return fmt.Errorf("store: read connections %d: %w: want 1 to 256", c.readConns, ErrInvalid)
	}
	if c.busyTimeout < time.Millisecond || c.busyTimeout > time.Hour {
		return fmt.Errorf("store: busy timeout %s: %w: want 1ms to 1h", c.busyTimeout, ErrInvalid)
	}
	if c.now == nil {
		return fmt.Errorf("store: clock: %w: nil", ErrInvalid)
	}
	return nil
}

// Option changes how Open sets up the store.
type Option func(*config)

// WithReadConns sets the size of the read-only connection pool (default 4).
func WithReadConns(n int) Option { return func(c *config) { c.readConns = n } }

// WithBusyTimeout sets how long a connection waits on a locked database
// before SQLITE_BUSY (default 10s).
func WithBusyTimeout(d time.Duration) Option { return func(c *config) { c.busyTimeout = d } }

// WithClock sets the clock used for created/updated times, expiry and
// retention (default time.Now); tests pass a fixed clock.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }
