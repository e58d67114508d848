package vault

import "errors"

// Sentinel errors of the vault. They are never mutated; callers match them
// with errors.Is.
var (
	// ErrNotFound means no credential is stored for the installation.
	ErrNotFound = errors.New("vault: credential not found")
	// ErrDecrypt means a ciphertext did not open: it was altered, sealed for
	// another installation or app, or sealed under a key the sealer lacks.
	ErrDecrypt = errors.New("vault: ciphertext does not open")
	// ErrUnknownKey means a ciphertext names a key id the sealer does not hold.
	ErrUnknownKey = errors.New("vault: ciphertext sealed under an unknown key")
	// ErrFormat means a ciphertext is not in a format this package reads.
	ErrFormat = errors.New("vault: malformed ciphertext")
	// ErrCredentialInvalid means the installation's credential is marked
	// invalid (for example the provider revoked its OAuth grant); the user
	// must reconnect the app. Errors wrapping it also wrap an *abi.Error with
	// code PERMISSION_DENIED, so a guest sees a clear, non-retryable failure.
	ErrCredentialInvalid = errors.New("vault: credential is invalid")
	// ErrNoToken means an OAuth operation was asked of a credential without
	// an OAuth token.
	ErrNoToken = errors.New("vault: credential holds no oauth token")
)
