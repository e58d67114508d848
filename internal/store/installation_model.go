package store

import "time"

// Installation statuses.
const (
	StatusValid   = "valid"
	StatusInvalid = "invalid"
)

// Installation is an app installed by a tenant, with its credential sealed by
// the vault. The sealed credential is never part of this struct; read it with
// InstallationCredential.
type Installation struct {
	ID       string `json:"id"`
	TenantID string `json:"tenantId"`
	AppID    string `json:"appId"`
	// AppVersionID pins a version; "" follows the app's current version.
	AppVersionID    string    `json:"appVersionId,omitempty"`
	Name            string    `json:"name"`
	Status          string    `json:"status"`
	StatusReason    string    `json:"statusReason,omitempty"`
	StatusChangedAt time.Time `json:"statusChangedAt,omitzero"`
	KeyID           string    `json:"keyId,omitempty"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

// NewInstallation is what CreateInstallation needs.
type NewInstallation struct {
	AppID string
	// AppVersionID pins a version of AppID; "" follows the current one.
	AppVersionID string
	Name         string
	// Credential is the sealed credential (may be nil until keys are set);
	// KeyID names the vault key that sealed it.
	Credential []byte
	KeyID      string
}

// InstallationUpdate changes an installation; nil fields stay as they are.
type InstallationUpdate struct {
	Name *string
	// AppVersionID pins a version; a pointer to "" unpins.
	AppVersionID *string
}

// InstallationFilter narrows ListInstallations; empty fields match all.
type InstallationFilter struct {
	AppID    string
	Category string
	Status   string
}

// SealedCredential is an installation's credential as stored: ciphertext and
// the id of the key that sealed it.
type SealedCredential struct {
	Ciphertext []byte
	KeyID      string
}

// CallTarget is what running a method of an installation needs, read in one
// query: the installation, its app, and the version it runs (the pinned one,
// or the app's current one). Version.Wasm is nil: callers cache compiled
// modules by Version.SHA256 and fetch bytes with AppVersionWasm on a miss.
type CallTarget struct {
	Installation Installation
	App          App
	Version      AppVersion
}
