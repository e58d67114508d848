package vault_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slotbox/slotbox/hostfuncs/vault"
)

var (
	instA = vault.InstallationRef{ID: "inst-a", App: "stripe"}
	instB = vault.InstallationRef{ID: "inst-b", App: "stripe"}
)

func TestPutGet(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	v := mustVault(t, newStore(t, db), mustSealer(t, mustKey(t)), vault.DefaultConfig())
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	in := vault.Credential{
		Keys:  map[string]string{"api_key": "sk_live_1", "webhook_secret": "whsec_2"},
		Token: &vault.Token{AccessToken: "at", RefreshToken: "rt", TokenType: "Bearer", Expiry: exp, Scope: "read"},
	}
	if err := v.Put(ctx, instA, in); err != nil {
		t.Fatal(err)
	}
	got, err := v.Get(ctx, instA)
	if err != nil {
		t.Fatal(err)
	}
	if got.Keys["api_key"] != "sk_live_1" || got.Keys["webhook_secret"] != "whsec_2" || len(got.Keys) != 2 {
		t.Errorf("keys = %v", got.Keys)
	}
	if tk := got.Token; tk == nil || tk.AccessToken != "at" || tk.RefreshToken != "rt" || !tk.Expiry.Equal(exp) || tk.Scope != "read" || tk.TokenType != "Bearer" {
		t.Errorf("token = %+v", got.Token)
	}
	if got.Status.Invalid {
		t.Error("status invalid")
	}
	// The plaintext is nowhere in the row.
	var raw []byte
	if err := db.QueryRow(`SELECT ciphertext FROM vault_credentials WHERE installation_id = ?`, instA.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "sk_live_1") || strings.Contains(string(raw), "api_key") {
		t.Error("row holds plaintext")
	}

	if _, err := v.Get(ctx, instB); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Get of missing = %v; want ErrNotFound", err)
	}
	if err := v.MarkInvalid(ctx, instA, "revoked\nby user"); err != nil {
		t.Fatal(err)
	}
	got, err = v.Get(ctx, instA)
	if err != nil || !got.Status.Invalid || got.Status.Reason != "revoked by user" || got.Status.Since.IsZero() {
		t.Errorf("after MarkInvalid: %+v, %v", got.Status, err)
	}
	if err := v.MarkInvalid(ctx, instB, "x"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("MarkInvalid of missing = %v", err)
	}
	// Put replaces, status included.
	if err := v.Put(ctx, instA, vault.Credential{Keys: map[string]string{"api_key": "sk_live_3"}}); err != nil {
		t.Fatal(err)
	}
	got, _ = v.Get(ctx, instA)
	if got.Keys["api_key"] != "sk_live_3" || got.Token != nil || got.Status.Invalid {
		t.Errorf("after replace: %v", got)
	}
}

func TestPutValidates(t *testing.T) {
	ctx := context.Background()
	v := mustVault(t, newStore(t, openDB(t)), mustSealer(t, mustKey(t)), vault.DefaultConfig())
	big := strings.Repeat("x", 20<<10)
	tests := []struct {
		name string
		inst vault.InstallationRef
		cred vault.Credential
	}{
		{"no installation id", vault.InstallationRef{App: "a"}, vault.Credential{}},
		{"no app", vault.InstallationRef{ID: "a"}, vault.Credential{}},
		{"empty key name", instA, vault.Credential{Keys: map[string]string{"": "v"}}},
		{"huge value", instA, vault.Credential{Keys: map[string]string{"k": big}}},
		{"huge token", instA, vault.Credential{Token: &vault.Token{AccessToken: big}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := v.Put(ctx, tt.inst, tt.cred); err == nil {
				t.Fatal("Put accepted it")
			}
		})
	}
}

// TestRowSwap copies installation A's ciphertext into B's row, and moves a
// row to another app, in the database itself: neither opens.
func TestRowSwap(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	v := mustVault(t, newStore(t, db), mustSealer(t, mustKey(t)), vault.DefaultConfig())
	if err := v.Put(ctx, instA, vault.Credential{Keys: map[string]string{"api_key": "A"}}); err != nil {
		t.Fatal(err)
	}
	if err := v.Put(ctx, instB, vault.Credential{Keys: map[string]string{"api_key": "B"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE vault_credentials SET ciphertext = (SELECT ciphertext FROM vault_credentials WHERE installation_id = ?) WHERE installation_id = ?`, instA.ID, instB.ID); err != nil {
		t.Fatal(err)
	}
	if c, err := v.Get(ctx, instB); !errors.Is(err, vault.ErrDecrypt) {
		t.Fatalf("Get(B) with A's ciphertext = %v, %v; want ErrDecrypt", c, err)
	}
	if _, err := v.Get(ctx, instA); err != nil {
		t.Fatalf("Get(A) = %v", err)
	}
	// Same installation id asked for under another app.
	if _, err := v.Get(ctx, vault.InstallationRef{ID: instA.ID, App: "paypal"}); !errors.Is(err, vault.ErrDecrypt) {
		t.Fatalf("Get under another app = %v; want ErrDecrypt", err)
	}
	// The app column rewritten to match does not help: the AAD still differs.
	if _, err := db.Exec(`UPDATE vault_credentials SET app = 'paypal' WHERE installation_id = ?`, instA.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Get(ctx, vault.InstallationRef{ID: instA.ID, App: "paypal"}); !errors.Is(err, vault.ErrDecrypt) {
		t.Fatalf("Get after moving the row to another app = %v; want ErrDecrypt", err)
	}
}

func TestNewValidates(t *testing.T) {
	s := mustSealer(t, mustKey(t))
	store := newStore(t, openDB(t))
	if _, err := vault.New(nil, s, vault.DefaultConfig()); err == nil {
		t.Error("nil store accepted")
	}
	if _, err := vault.New(store, nil, vault.DefaultConfig()); err == nil {
		t.Error("nil sealer accepted")
	}
	if _, err := vault.New(store, s, vault.Config{}); err == nil {
		t.Error("zero config accepted")
	}
	if _, err := vault.New(store, s, vault.DefaultConfig().WithRefreshSkew(-time.Second)); err == nil {
		t.Error("negative skew accepted")
	}
}
