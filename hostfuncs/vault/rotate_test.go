package vault_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/slotbox/slotbox/hostfuncs/vault"
)

const rotateRows = 25

func seedRows(t *testing.T, v *vault.Vault) {
	t.Helper()
	for i := range rotateRows {
		inst := vault.InstallationRef{ID: fmt.Sprintf("inst-%03d", i), App: "caldav"}
		if err := v.Put(context.Background(), inst, vault.Credential{Keys: map[string]string{"password": fmt.Sprint("pw-", i)}}); err != nil {
			t.Fatal(err)
		}
	}
}

// checkRows opens every row with v and counts rows per key id.
func checkRows(t *testing.T, v *vault.Vault, store vault.CredentialStore) map[string]int {
	t.Helper()
	ctx := context.Background()
	ids := map[string]int{}
	for i := range rotateRows {
		inst := vault.InstallationRef{ID: fmt.Sprintf("inst-%03d", i), App: "caldav"}
		c, err := v.Get(ctx, inst)
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if c.Keys["password"] != fmt.Sprint("pw-", i) {
			t.Fatalf("row %d: password %q", i, c.Keys["password"])
		}
		rec, err := store.Get(ctx, inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := vault.KeyIDOf(rec.Ciphertext)
		ids[id]++
	}
	return ids
}

func TestRotate(t *testing.T) {
	ctx := context.Background()
	store := newStore(t, openDB(t))
	oldK, newK := mustKey(t), mustKey(t)
	seedRows(t, mustVault(t, store, mustSealer(t, oldK), vault.DefaultConfig()))

	var batches int
	st, err := vault.Rotate(ctx, store, mustSealer(t, newK, oldK), vault.RotateOptions{BatchSize: 10, Progress: func(vault.RotateStats) { batches++ }})
	if err != nil {
		t.Fatal(err)
	}
	if st.Rotated != rotateRows || st.Current != 0 || st.Conflicts != 0 || batches != 3 {
		t.Errorf("stats %+v after %d batches; want %d rotated in 3 batches", st, batches, rotateRows)
	}
	onlyNew := mustVault(t, store, mustSealer(t, newK), vault.DefaultConfig())
	if ids := checkRows(t, onlyNew, store); ids[newK.ID()] != rotateRows {
		t.Errorf("key ids after rotation: %v", ids)
	}
	// Running it again finds nothing to do.
	st, err = vault.Rotate(ctx, store, mustSealer(t, newK, oldK), vault.RotateOptions{})
	if err != nil || st.Rotated != 0 || st.Current != rotateRows {
		t.Errorf("second rotation: %+v, %v", st, err)
	}
}

func TestRotateInterrupted(t *testing.T) {
	store := newStore(t, openDB(t))
	oldK, newK := mustKey(t), mustKey(t)
	seedRows(t, mustVault(t, store, mustSealer(t, oldK), vault.DefaultConfig()))
	both := mustSealer(t, newK, oldK)

	ctx, cancel := context.WithCancel(context.Background())
	st, err := vault.Rotate(ctx, store, both, vault.RotateOptions{BatchSize: 10, Progress: func(vault.RotateStats) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted rotation err = %v", err)
	}
	if st.Rotated != 10 {
		t.Fatalf("rotated %d before the stop; want one batch of 10", st.Rotated)
	}
	ids := checkRows(t, mustVault(t, store, both, vault.DefaultConfig()), store)
	if ids[newK.ID()] != 10 || ids[oldK.ID()] != rotateRows-10 {
		t.Fatalf("key ids halfway: %v", ids)
	}
	// The server keeps serving meanwhile with both keys, writing under the new one.
	mid := mustVault(t, store, both, vault.DefaultConfig())
	if err := mid.Put(context.Background(), vault.InstallationRef{ID: "inst-020", App: "caldav"}, vault.Credential{Keys: map[string]string{"password": "pw-20"}}); err != nil {
		t.Fatal(err)
	}
	st, err = vault.Rotate(context.Background(), store, both, vault.RotateOptions{BatchSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if st.Rotated != rotateRows-11 || st.Current != 11 {
		t.Errorf("resumed rotation %+v; want %d rotated, 11 current", st, rotateRows-11)
	}
	if ids := checkRows(t, mustVault(t, store, mustSealer(t, newK), vault.DefaultConfig()), store); ids[newK.ID()] != rotateRows {
		t.Errorf("key ids after resumed rotation: %v", ids)
	}
}

// conflictStore makes the first Swap lose every row to a concurrent writer.
type conflictStore struct {
	vault.CredentialStore
	v     *vault.Vault
	fired bool
}

func (c *conflictStore) Swap(ctx context.Context, swaps []vault.Swap) (int, error) {
	if !c.fired {
		c.fired = true
		for _, sw := range swaps {
			rec, err := c.Get(ctx, sw.Installation)
			if err != nil {
				return 0, err
			}
			inst := vault.InstallationRef{ID: rec.Installation, App: rec.App}
			cred, err := c.v.Get(ctx, inst)
			if err != nil {
				return 0, err
			}
			if err := c.v.Put(ctx, inst, cred); err != nil { // re-sealed under the old key again
				return 0, err
			}
		}
	}
	return c.CredentialStore.Swap(ctx, swaps)
}

func TestRotateConflictsTakeAnotherPass(t *testing.T) {
	store := newStore(t, openDB(t))
	oldK, newK := mustKey(t), mustKey(t)
	oldVault := mustVault(t, store, mustSealer(t, oldK), vault.DefaultConfig())
	seedRows(t, oldVault)
	cs := &conflictStore{CredentialStore: store, v: oldVault}
	st, err := vault.Rotate(context.Background(), cs, mustSealer(t, newK, oldK), vault.RotateOptions{BatchSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if st.Conflicts != rotateRows || st.Rotated != rotateRows || st.Passes != 2 {
		t.Errorf("stats %+v; want %d conflicts, %d rotated, 2 passes", st, rotateRows, rotateRows)
	}
	checkRows(t, mustVault(t, store, mustSealer(t, newK), vault.DefaultConfig()), store)
}

// cappedStore returns at most 4 rows per List, whatever it is asked.
type cappedStore struct{ vault.CredentialStore }

func (c cappedStore) List(ctx context.Context, after string, limit int) ([]vault.Sealed, error) {
	return c.CredentialStore.List(ctx, after, min(limit, 4))
}

func TestRotateStoreCapsPages(t *testing.T) {
	store := newStore(t, openDB(t))
	oldK, newK := mustKey(t), mustKey(t)
	seedRows(t, mustVault(t, store, mustSealer(t, oldK), vault.DefaultConfig()))
	st, err := vault.Rotate(context.Background(), cappedStore{store}, mustSealer(t, newK, oldK), vault.RotateOptions{BatchSize: 10})
	if err != nil || st.Rotated != rotateRows {
		t.Fatalf("stats %+v, %v; want all %d rotated through short pages", st, err, rotateRows)
	}
}

func TestRotateReportsRowsNoKeyOpens(t *testing.T) {
	store := newStore(t, openDB(t))
	lost, oldK, newK := mustKey(t), mustKey(t), mustKey(t)
	seedRows(t, mustVault(t, store, mustSealer(t, oldK), vault.DefaultConfig()))
	lostVault := mustVault(t, store, mustSealer(t, lost), vault.DefaultConfig())
	if err := lostVault.Put(context.Background(), vault.InstallationRef{ID: "inst-lost", App: "caldav"}, vault.Credential{}); err != nil {
		t.Fatal(err)
	}
	st, err := vault.Rotate(context.Background(), store, mustSealer(t, newK, oldK), vault.RotateOptions{})
	if !errors.Is(err, vault.ErrDecrypt) || len(st.Failed) != 1 || st.Failed[0] != "inst-lost" || st.Rotated != rotateRows {
		t.Fatalf("stats %+v, err %v; want inst-lost failed and the rest rotated", st, err)
	}
}
