package store

import (
	"encoding/json"
	"time"
)

// EventTypeSetting is an installation's settings for one event type of a
// tenant (Cal.com's eventType.metadata.apps[slug]): whether it acts on
// bookings of that type and its appData.
type EventTypeSetting struct {
	TenantID       string          `json:"tenantId"`
	EventTypeID    string          `json:"eventTypeId"`
	InstallationID string          `json:"installationId"`
	Enabled        bool            `json:"enabled"`
	AppData        json.RawMessage `json:"appData"`
	UpdatedAt      time.Time       `json:"updatedAt"`
}

// EventTypeApp is an enabled setting of an event type joined with its
// installation and app, as the booking flow needs it.
type EventTypeApp struct {
	Setting      EventTypeSetting
	Installation Installation
	AppSlug      string
	AppCategory  string
	AppEnabled   bool
}
