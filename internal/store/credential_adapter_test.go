package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/slotbox/slotbox/hostfuncs/vault"
)

func newVault(t *testing.T, f *fixture, primary vault.Key, older ...vault.Key) *vault.Vault {
	t.Helper()
	sealer := must(vault.NewSealer(primary, older...))(t)
	return must(vault.New(f.s.CredentialStore(), sealer, vault.DefaultConfig().WithClock(f.clock.Now)))(t)
}

func TestCredentialStoreWithRealVault(t *testing.T) {
	f := newFixture(t)
	key := must(vault.GenerateKey())(t)
	v := newVault(t, f, key)
	ref := vault.InstallationRef{ID: f.instA.ID, App: f.app.Slug}
	cred := vault.Credential{Keys: map[string]string{"username": "ann", "password": "s3cret"}}
	ok(t, v.Put(f.ctx, ref, cred))

	got := must(v.Get(f.ctx, ref))(t)
	if got.Keys["password"] != "s3cret" {
		t.Fatalf("round trip keys = %v", got.KeyNames())
	}
	sealed := must(f.s.InstallationCredential(f.ctx, f.a.ID, f.instA.ID))(t)
	if bytes.Contains(sealed.Ciphertext, []byte("s3cret")) || sealed.KeyID != key.ID() {
		t.Errorf("stored credential: plaintext visible or key id %q, want %q", sealed.KeyID, key.ID())
	}

	// The vault checks the app: a row read as another app's does not open.
	_, err := v.Get(f.ctx, vault.InstallationRef{ID: f.instA.ID, App: "other"})
	isErr(t, err, vault.ErrDecrypt)
	// Installations are created by the store, not by the vault.
	err = v.Put(f.ctx, vault.InstallationRef{ID: "ins_missing", App: f.app.Slug}, cred)
	isErr(t, err, vault.ErrNotFound)
	err = v.Put(f.ctx, vault.InstallationRef{ID: f.instA.ID, App: "zoom"}, cred) // wrong app
	isErr(t, err, vault.ErrNotFound)
	// An installation without a credential has none to get.
	bare := must(f.s.CreateInstallation(f.ctx, f.a.ID, NewInstallation{AppID: f.app.ID, Name: "bare"}))(t)
	_, err = v.Get(f.ctx, vault.InstallationRef{ID: bare.ID, App: f.app.Slug})
	isErr(t, err, vault.ErrNotFound)

	f.clock.Add(time.Hour)
	ok(t, v.MarkInvalid(f.ctx, ref, "invalid_grant"))
	in := must(f.s.Installation(f.ctx, f.a.ID, f.instA.ID))(t)
	if in.Status != StatusInvalid || in.StatusReason != "invalid_grant" || !in.StatusChangedAt.Equal(f.clock.Now()) {
		t.Errorf("installation after MarkInvalid = %+v", in)
	}
	rec := must(f.s.CredentialStore().Get(f.ctx, f.instA.ID))(t)
	if !rec.Status.Invalid || rec.Status.Reason != "invalid_grant" || !rec.Status.Since.Equal(f.clock.Now()) || rec.App != f.app.Slug {
		t.Errorf("sealed status = %+v", rec.Status)
	}
	// Reconnecting stores a valid credential again.
	f.clock.Add(time.Hour)
	ok(t, v.Put(f.ctx, ref, cred))
	if in := must(f.s.Installation(f.ctx, f.a.ID, f.instA.ID))(t); in.Status != StatusValid || in.StatusReason != "" ||
		!in.StatusChangedAt.Equal(f.clock.Now()) {
		t.Errorf("after reconnect = %+v", in)
	}
	err = f.s.CredentialStore().SetStatus(f.ctx, "ins_missing", vault.Status{Invalid: true})
	isErr(t, err, vault.ErrNotFound)
}

func TestCredentialStoreRotation(t *testing.T) {
	f := newFixture(t)
	oldKey := must(vault.GenerateKey())(t)
	v := newVault(t, f, oldKey)
	refs := []vault.InstallationRef{{ID: f.instA.ID, App: f.app.Slug}, {ID: f.instB.ID, App: f.app.Slug}}
	for range 5 {
		in := must(f.s.CreateInstallation(f.ctx, f.a.ID, NewInstallation{AppID: f.app.ID, Name: "x"}))(t)
		refs = append(refs, vault.InstallationRef{ID: in.ID, App: f.app.Slug})
	}
	for _, r := range refs {
		ok(t, v.Put(f.ctx, r, vault.Credential{Keys: map[string]string{"api_key": "k-" + r.ID}}))
	}
	// One installation never got a credential: rotation skips it.
	must(f.s.CreateInstallation(f.ctx, f.a.ID, NewInstallation{AppID: f.app.ID, Name: "none"}))(t)

	newKey := must(vault.GenerateKey())(t)
	sealer := must(vault.NewSealer(newKey, oldKey))(t)
	stats, err := vault.Rotate(f.ctx, f.s.CredentialStore(), sealer, vault.RotateOptions{BatchSize: 3})
	ok(t, err)
	if stats.Rotated != len(refs) {
		t.Errorf("rotated %d, want %d (stats %+v)", stats.Rotated, len(refs), stats)
	}
	onlyNew := newVault(t, f, newKey)
	for _, r := range refs {
		c := must(onlyNew.Get(f.ctx, r))(t)
		if c.Keys["api_key"] != "k-"+r.ID {
			t.Errorf("installation %s after rotation has key %q", r.ID, c.Keys["api_key"])
		}
	}
	ins, _ := must2(f.s.AdminListInstallations(f.ctx, InstallationFilter{}, Page{}))(t)
	for _, in := range ins {
		if in.Name != "none" && in.KeyID != newKey.ID() {
			t.Errorf("installation %s key id %q, want %q", in.ID, in.KeyID, newKey.ID())
		}
	}
}

func TestCredentialStoreSwapIsCompareAndSwap(t *testing.T) {
	f := newFixture(t)
	cs := f.s.CredentialStore()
	n := must(cs.Swap(f.ctx, []vault.Swap{
		{Installation: f.instA.ID, Old: []byte("sealed-a"), New: []byte("new-a")},
		{Installation: f.instB.ID, Old: []byte("stale"), New: []byte("new-b")},
	}))(t)
	if n != 1 {
		t.Errorf("swapped %d, want 1", n)
	}
	a := must(cs.Get(f.ctx, f.instA.ID))(t)
	b := must(cs.Get(f.ctx, f.instB.ID))(t)
	if string(a.Ciphertext) != "new-a" || string(b.Ciphertext) != "sealed-b" {
		t.Errorf("after swap a=%q b=%q", a.Ciphertext, b.Ciphertext)
	}
	// A bad swap in the batch rolls back the whole batch.
	_, err := cs.Swap(f.ctx, []vault.Swap{
		{Installation: f.instA.ID, Old: []byte("new-a"), New: []byte("newer-a")},
		{Installation: f.instB.ID, Old: []byte("sealed-b"), New: nil},
	})
	isErr(t, err, ErrInvalid)
	if a := must(cs.Get(f.ctx, f.instA.ID))(t); string(a.Ciphertext) != "new-a" {
		t.Errorf("failed batch changed a to %q", a.Ciphertext)
	}
	list := must(cs.List(f.ctx, "", 1))(t)
	if len(list) != 1 {
		t.Errorf("List limit 1 = %d rows", len(list))
	}
}

func TestVaultAuditorRecordsReveals(t *testing.T) {
	f := newFixture(t)
	v := newVault(t, f, must(vault.GenerateKey())(t))
	ref := vault.InstallationRef{ID: f.instA.ID, App: f.app.Slug}
	ok(t, v.Put(f.ctx, ref, vault.Credential{Keys: map[string]string{"webhook_secret": "whsec_123", "api_key": "sk_123"}}))
	reveal := v.Func(vault.Grant{Installation: ref, Reveal: []string{"webhook_secret"}, Audit: f.s.VaultAuditor(), CallID: "call-1"})

	out, err := reveal(f.ctx, []byte(`{"fields":["webhook_secret"]}`))
	ok(t, err)
	if !bytes.Contains(out, []byte("whsec_123")) {
		t.Fatalf("reveal = %s", out)
	}
	if _, err := reveal(f.ctx, []byte(`{"fields":["api_key"]}`)); err == nil {
		t.Fatal("reveal of an unlisted field succeeded")
	}
	entries, _ := must2(f.s.ListAudit(f.ctx, f.a.ID, Page{}))(t)
	if len(entries) != 2 {
		t.Fatalf("audit entries = %+v", entries)
	}
	denied, granted := entries[0], entries[1] // newest first
	var d revealDetail
	ok(t, json.Unmarshal(granted.Detail, &d))
	if granted.Action != ActionVaultReveal || granted.Actor != "app:caldav" || granted.InstallationID != f.instA.ID ||
		len(d.Fields) != 1 || d.Fields[0] != "webhook_secret" || d.CallID != "call-1" {
		t.Errorf("reveal entry = %+v %+v", granted, d)
	}
	if denied.Action != ActionVaultRevealDenied {
		t.Errorf("denied entry = %+v", denied)
	}
	for _, e := range entries {
		if bytes.Contains(e.Detail, []byte("whsec_123")) || bytes.Contains(e.Detail, []byte("sk_123")) {
			t.Errorf("audit entry holds a secret: %s", e.Detail)
		}
	}
	// An installation that does not exist cannot be audited, so the reveal
	// is refused.
	err = f.s.VaultAuditor().Audit(f.ctx, vault.Event{Installation: "ins_missing", App: "x", Fields: []string{"a"}})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("audit of a missing installation = %v", err)
	}
}
