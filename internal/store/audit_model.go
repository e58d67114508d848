package store

import (
	"encoding/json"
	"time"
)

// AuditEntry is one change someone made. Detail is JSON context and must
// never hold a secret: callers log key names, never key values.
type AuditEntry struct {
	ID int64     `json:"id"`
	At time.Time `json:"at"`
	// TenantID is "" for operator-level actions.
	TenantID       string          `json:"tenantId,omitempty"`
	Actor          string          `json:"actor"`
	Action         string          `json:"action"`
	InstallationID string          `json:"installationId,omitempty"`
	Detail         json.RawMessage `json:"detail,omitempty"`
}
