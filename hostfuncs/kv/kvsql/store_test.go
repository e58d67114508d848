package kvsql_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/slotbox/slotbox/hostfuncs/kv"
	"github.com/slotbox/slotbox/hostfuncs/kv/kvsql"
)

func TestStore(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "kv.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := kvsql.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	// New is idempotent: a second store over the same table works.
	s2, err := kvsql.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_900_000_000, 0)
	if err := s.Set(ctx, kv.Entry{Installation: "a", Key: "k", Value: "v1"}, 2, now); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := s2.Get(ctx, "a", "k", now); err != nil || !ok || v != "v1" {
		t.Fatalf("Get = %q, %v, %v", v, ok, err)
	}
	if err := s.Set(ctx, kv.Entry{Installation: "a", Key: "k2", Value: "v", ExpiresAt: now.Add(time.Second)}, 2, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, kv.Entry{Installation: "a", Key: "k3", Value: "v"}, 2, now); !errors.Is(err, kv.ErrTooManyKeys) {
		t.Fatalf("third key: %v; want ErrTooManyKeys", err)
	}
	// At the expiry instant the entry is gone, and it frees its slot.
	if _, ok, _ := s.Get(ctx, "a", "k2", now.Add(time.Second)); ok {
		t.Fatal("entry readable at its expiry instant")
	}
	if err := s.Set(ctx, kv.Entry{Installation: "a", Key: "k3", Value: "v"}, 2, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "a", "k"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Count(ctx, "a"); err != nil || n != 1 {
		t.Fatalf("Count = %d, %v; want 1", n, err)
	}
	if n, err := s.Purge(ctx, now.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("Purge = %d, %v; want 0", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(ctx, "a", "k3", now); err == nil {
		t.Fatal("Get after Close succeeded")
	}
}
