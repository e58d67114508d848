package vault_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/hostfuncs/vault/vaultsql"
)

// openDB opens a fresh SQLite database in WAL mode, as the server does.
func openDB(t testing.TB) *sql.DB {
	t.Helper()
	dsn := "file:" + filepath.Join(t.TempDir(), "vault.db") +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q, %v; want wal", mode, err)
	}
	return db
}

func newStore(t testing.TB, db *sql.DB) *vaultsql.Store {
	t.Helper()
	s, err := vaultsql.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustKey(t testing.TB) vault.Key {
	t.Helper()
	k, err := vault.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustSealer(t testing.TB, primary vault.Key, older ...vault.Key) *vault.Sealer {
	t.Helper()
	s, err := vault.NewSealer(primary, older...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustVault(t testing.TB, store vault.CredentialStore, s *vault.Sealer, cfg vault.Config) *vault.Vault {
	t.Helper()
	v, err := vault.New(store, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// auditLog collects audit events.
type auditLog struct {
	mu     sync.Mutex
	events []vault.Event
	err    error
}

func (a *auditLog) Audit(_ context.Context, e vault.Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.err != nil {
		return a.err
	}
	a.events = append(a.events, e)
	return nil
}

func (a *auditLog) all() []vault.Event {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]vault.Event(nil), a.events...)
}

// syncBuffer is a bytes.Buffer safe for concurrent writes (slog handlers
// write from many goroutines).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newLogger(buf *syncBuffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
