package store

import "time"

// Webhook is a tenant's subscription to booking trigger events. Secret is the
// sealed signing secret (nil when the subscriber set none); it never leaves
// the server.
type Webhook struct {
	ID            string    `json:"id"`
	TenantID      string    `json:"tenantId"`
	SubscriberURL string    `json:"subscriberUrl"`
	Triggers      []string  `json:"eventTriggers"`
	Active        bool      `json:"active"`
	HasSecret     bool      `json:"hasSecret"`
	Secret        []byte    `json:"-"`
	KeyID         string    `json:"-"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// NewWebhook is what CreateWebhook needs.
type NewWebhook struct {
	SubscriberURL string
	Triggers      []string
	Active        bool
	// Secret is sealed by the caller; KeyID names the sealing key.
	Secret []byte
	KeyID  string
}

// WebhookUpdate changes a webhook; nil fields stay as they are.
type WebhookUpdate struct {
	SubscriberURL *string
	Triggers      *[]string
	Active        *bool
	// Secret replaces the sealed secret; a pointer to nil removes it.
	Secret *[]byte
	KeyID  *string
}

// Delivery statuses.
const (
	DeliveryPending = "pending"
	DeliverySuccess = "success"
	DeliveryError   = "error"
	DeliveryDead    = "dead"
)

var deliveryStatuses = map[string]bool{DeliveryPending: true, DeliverySuccess: true, DeliveryError: true, DeliveryDead: true}

// WebhookDelivery is one payload sent (or to send) to a webhook, with the
// outcome of its latest attempt. Its ID doubles as the Standard Webhooks
// webhook-id header.
type WebhookDelivery struct {
	ID             string    `json:"id"`
	TenantID       string    `json:"tenantId"`
	WebhookID      string    `json:"webhookId"`
	Trigger        string    `json:"triggerEvent"`
	Payload        []byte    `json:"payload"`
	Status         string    `json:"status"`
	Attempts       int       `json:"attempts"`
	ResponseStatus int       `json:"responseStatus,omitempty"`
	Error          string    `json:"error,omitempty"`
	CreatedAt      time.Time `json:"createdAt"`
	DeliveredAt    time.Time `json:"deliveredAt,omitzero"`
}

// DeliveryUpdate is the outcome of a delivery attempt.
type DeliveryUpdate struct {
	Status         string
	Attempts       int
	ResponseStatus int
	Error          string
	// DeliveredAt is set on success; zero leaves it as it is.
	DeliveredAt time.Time
}
