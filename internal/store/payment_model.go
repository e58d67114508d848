package store

import (
	"encoding/json"
	"time"
)

// Payment statuses.
const (
	PaymentPending  = "pending"
	PaymentHeld     = "held"
	PaymentPaid     = "paid"
	PaymentFailed   = "failed"
	PaymentRefunded = "refunded"
)

var paymentStatuses = map[string]bool{
	PaymentPending: true, PaymentHeld: true, PaymentPaid: true, PaymentFailed: true, PaymentRefunded: true,
}

// Payment is a payment a payment app created for a booking. The host, not
// the app, owns this row.
type Payment struct {
	ID        string `json:"id"`
	TenantID  string `json:"tenantId"`
	BookingID string `json:"bookingId"`
	// InstallationID is "" once the installation was deleted.
	InstallationID string `json:"installationId,omitempty"`
	// ExternalID is the provider's id (e.g. a Stripe PaymentIntent).
	ExternalID    string          `json:"externalId,omitempty"`
	Amount        int64           `json:"amount"`
	Currency      string          `json:"currency"`
	PaymentOption string          `json:"paymentOption,omitempty"`
	Status        string          `json:"status"`
	Data          json.RawMessage `json:"data,omitempty"`
	PaidAt        time.Time       `json:"paidAt,omitzero"`
	CreatedAt     time.Time       `json:"createdAt"`
	UpdatedAt     time.Time       `json:"updatedAt"`
}

// NewPayment is what CreatePayment needs.
type NewPayment struct {
	BookingID      string
	InstallationID string
	ExternalID     string
	Amount         int64
	Currency       string
	PaymentOption  string
	Status         string
	Data           json.RawMessage
}

// PaymentUpdate changes a payment; nil fields stay as they are.
type PaymentUpdate struct {
	ExternalID *string
	Status     *string
	Data       *json.RawMessage
	PaidAt     *time.Time
}
