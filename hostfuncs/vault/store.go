package vault

import (
	"context"
	"time"
)

// CredentialStore keeps sealed credentials, one per installation. The vault
// never gives it plaintext. internal/store implements it on SQLite;
// vaultsql is the reference implementation.
type CredentialStore interface {
	// Get returns the sealed credential of an installation, or an error
	// wrapping ErrNotFound.
	Get(ctx context.Context, installation string) (Sealed, error)
	// Put creates or replaces the sealed credential and status of
	// rec.Installation.
	Put(ctx context.Context, rec Sealed) error
	// SetStatus sets an installation's status without touching its
	// ciphertext; an error wrapping ErrNotFound when there is no row.
	SetStatus(ctx context.Context, installation string, st Status) error
	// List returns up to limit credentials whose installation id sorts after
	// after, in installation id order (keyset paging for rotation).
	List(ctx context.Context, after string, limit int) ([]Sealed, error)
	// Swap replaces, in one transaction, the ciphertext of every row whose
	// stored ciphertext still equals its Old, and returns how many it
	// replaced; a row changed meanwhile is left alone.
	Swap(ctx context.Context, swaps []Swap) (int, error)
}

// Sealed is a credential as the store keeps it: the ciphertext, and the
// status in clear so the server can list broken installations without the
// key.
type Sealed struct {
	Installation string
	App          string
	Ciphertext   []byte
	Status       Status
}

// Swap is one compare-and-swap of a ciphertext.
type Swap struct {
	Installation string
	Old, New     []byte
}

// Status says whether a credential still works.
type Status struct {
	// Invalid is true once the provider rejected the credential; the user
	// must reconnect the app.
	Invalid bool
	// Reason says why, for the operator and the user; never a secret.
	Reason string
	// Since is when Invalid was set.
	Since time.Time
}
