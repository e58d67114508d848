package vaultsql_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/hostfuncs/vault/vaultsql"
)

func newStore(t *testing.T) (*vaultsql.Store, *sql.DB) {
	t.Helper()
	dsn := "file:" + filepath.Join(t.TempDir(), "v.db") + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := vaultsql.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	// New is idempotent.
	if _, err := vaultsql.New(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return s, db
}

func TestStoreCRUD(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	if _, err := s.Get(ctx, "a"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("Get missing = %v", err)
	}
	if err := s.Put(ctx, vault.Sealed{Installation: "a", App: "x", Ciphertext: []byte{1, 2, 0, 3}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "a")
	if err != nil || got.App != "x" || !bytes.Equal(got.Ciphertext, []byte{1, 2, 0, 3}) || got.Status.Invalid {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	since := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.SetStatus(ctx, "a", vault.Status{Invalid: true, Reason: "r", Since: since}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, "a")
	if !got.Status.Invalid || got.Status.Reason != "r" || !got.Status.Since.Equal(since) || !bytes.Equal(got.Ciphertext, []byte{1, 2, 0, 3}) {
		t.Fatalf("after SetStatus %+v", got)
	}
	if err := s.SetStatus(ctx, "nope", vault.Status{}); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("SetStatus missing = %v", err)
	}
	if err := s.Put(ctx, vault.Sealed{Installation: "a", App: "y", Ciphertext: []byte{9}}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, "a")
	if got.App != "y" || !bytes.Equal(got.Ciphertext, []byte{9}) || got.Status.Invalid {
		t.Fatalf("after replace %+v", got)
	}
}

func TestStoreListAndSwap(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	for i := range 7 {
		if err := s.Put(ctx, vault.Sealed{Installation: fmt.Sprintf("i%d", i), App: "x", Ciphertext: []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	var all []string
	after := ""
	for {
		page, err := s.List(ctx, after, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, r := range page {
			all = append(all, r.Installation)
		}
		after = page[len(page)-1].Installation
	}
	if fmt.Sprint(all) != "[i0 i1 i2 i3 i4 i5 i6]" {
		t.Fatalf("listed %v", all)
	}
	n, err := s.Swap(ctx, []vault.Swap{
		{Installation: "i0", Old: []byte{0}, New: []byte{100}},
		{Installation: "i1", Old: []byte{99}, New: []byte{101}}, // stale
		{Installation: "missing", Old: []byte{0}, New: []byte{1}},
	})
	if err != nil || n != 1 {
		t.Fatalf("Swap = %d, %v; want 1", n, err)
	}
	r0, _ := s.Get(ctx, "i0")
	r1, _ := s.Get(ctx, "i1")
	if r0.Ciphertext[0] != 100 || r1.Ciphertext[0] != 1 {
		t.Fatalf("after swap: %v %v", r0.Ciphertext, r1.Ciphertext)
	}
	// A failing swap leaves the whole batch undone.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Swap(cctx, []vault.Swap{{Installation: "i2", Old: []byte{2}, New: []byte{102}}}); err == nil {
		t.Fatal("swap with a cancelled context succeeded")
	}
	if r2, _ := s.Get(ctx, "i2"); r2.Ciphertext[0] != 2 {
		t.Fatal("cancelled swap changed a row")
	}
}
