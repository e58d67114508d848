package store

import "time"

// Booking step states.
const (
	// StepHeld waits for the booking's payment.
	StepHeld = "held"
	// StepPlanned waits for the earlier stages of its operation.
	StepPlanned = "planned"
	// StepQueued has its job in the queue (waiting, running or retrying).
	StepQueued = "queued"
	// StepSettled is done: succeeded, failed for good, or skipped.
	StepSettled = "settled"
)

var stepStates = map[string]bool{StepHeld: true, StepPlanned: true, StepQueued: true, StepSettled: true}

// Booking origins.
const (
	OriginAPI    = "api"
	OriginCalcom = "calcom"
)

// BookingStep is one planned app call of one operation on a booking (an
// installation's method, or the webhook fan-out when InstallationID is
// ""). Steps of an operation run stage by stage; the outcome the API shows
// is the matching BookingAppStatus.
type BookingStep struct {
	TenantID       string    `json:"tenantId"`
	BookingID      string    `json:"bookingId"`
	Op             int       `json:"op"`
	InstallationID string    `json:"installationId,omitempty"`
	Step           string    `json:"step"`
	Stage          int       `json:"stage"`
	State          string    `json:"state"`
	Replays        int       `json:"replays"`
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
}

// CalcomHook is a tenant's Cal.com webhook receiver: the secret Cal.com
// signs with, sealed by the vault.
type CalcomHook struct {
	TenantID  string    `json:"tenantId"`
	Secret    []byte    `json:"-"`
	KeyID     string    `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}
