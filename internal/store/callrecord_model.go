package store

import (
	"encoding/json"
	"time"
)

// OutcomeOK is the outcome of a call that returned an ok envelope; any other
// outcome is the error code.
const OutcomeOK = "ok"

// CallRecord is one method call of an installation, for debugging and
// metrics. Log holds the app's captured log lines as JSON.
type CallRecord struct {
	ID             int64           `json:"id"`
	TenantID       string          `json:"tenantId"`
	InstallationID string          `json:"installationId"`
	AppVersionID   string          `json:"appVersionId,omitempty"`
	Method         string          `json:"method"`
	Outcome        string          `json:"outcome"`
	Message        string          `json:"message,omitempty"`
	DurationUS     int64           `json:"durationUs"`
	FuelUsed       int64           `json:"fuelUsed"`
	Log            json.RawMessage `json:"log,omitempty"`
	CreatedAt      time.Time       `json:"createdAt"`
}

// CallRecordFilter narrows ListCallRecords; empty fields match all.
type CallRecordFilter struct {
	InstallationID string
}
