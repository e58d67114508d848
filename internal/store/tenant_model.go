package store

import "time"

// Tenant is one customer of the server; everything else a tenant owns is
// deleted with it.
type Tenant struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
}

// APIKey describes a tenant's API key. The key itself is shown once, by
// CreateAPIKey; only its SHA-256 hash and public prefix are stored.
type APIKey struct {
	ID        string    `json:"id"`
	TenantID  string    `json:"tenantId"`
	Name      string    `json:"name"`
	Prefix    string    `json:"prefix"`
	CreatedAt time.Time `json:"createdAt"`
}
