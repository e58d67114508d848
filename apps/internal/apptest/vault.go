package apptest

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" driver for vaultsql

	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/hostfuncs/vault/vaultsql"
)

// NewVault opens a vault over a fresh SQLite file with a random key and stores keys as ref's credential (none when keys is nil).
func NewVault(tb testing.TB, ref vault.InstallationRef, keys map[string]string) *vault.Vault {
	tb.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(tb.TempDir(), "vault.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	db.SetMaxOpenConns(1)
	store, err := vaultsql.New(ctx, db)
	if err != nil {
		tb.Fatal(err)
	}
	key, err := vault.GenerateKey()
	if err != nil {
		tb.Fatal(err)
	}
	sealer, err := vault.NewSealer(key)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := vault.New(store, sealer, vault.DefaultConfig())
	if err != nil {
		tb.Fatal(err)
	}
	if keys != nil {
		if err := v.Put(ctx, ref, vault.Credential{Keys: keys}); err != nil {
			tb.Fatal(err)
		}
	}
	return v
}

// AuditLog records vault reveals; it implements vault.Auditor.
type AuditLog struct {
	mu     sync.Mutex
	events []vault.Event
}

// Audit implements vault.Auditor.
func (a *AuditLog) Audit(_ context.Context, e vault.Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, e)
	return nil
}

// Fields returns every field revealed so far.
func (a *AuditLog) Fields() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, e := range a.events {
		out = append(out, e.Fields...)
	}
	return out
}
