package store

import (
	"encoding/json"
	"time"
)

// Booking statuses (Cal.com's BookingStatus, lower case, plus
// pending_payment for a booking that waits for payment before its hooks).
const (
	BookingAccepted       = "accepted"
	BookingPending        = "pending"
	BookingPendingPayment = "pending_payment"
	BookingCancelled      = "cancelled"
	BookingRejected       = "rejected"
	BookingAwaitingHost   = "awaiting_host"
)

var bookingStatuses = map[string]bool{
	BookingAccepted: true, BookingPending: true, BookingPendingPayment: true,
	BookingCancelled: true, BookingRejected: true, BookingAwaitingHost: true,
}

// Booking is a booking a scheduler reported, with the CalendarEvent the apps
// receive.
type Booking struct {
	ID           string          `json:"id"`
	TenantID     string          `json:"tenantId"`
	UID          string          `json:"uid"`
	EventTypeID  string          `json:"eventTypeId,omitempty"`
	Status       string          `json:"status"`
	Event        json.RawMessage `json:"event"`
	StartTime    time.Time       `json:"startTime"`
	EndTime      time.Time       `json:"endTime"`
	ICalUID      string          `json:"iCalUID,omitempty"`
	ICalSequence int             `json:"iCalSequence"`
	// Price is in the currency's smallest unit; 0 means free.
	Price         int64     `json:"price"`
	Currency      string    `json:"currency,omitempty"`
	PaymentOption string    `json:"paymentOption,omitempty"`
	Paid          bool      `json:"paid"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// NewBooking is what CreateBooking needs.
type NewBooking struct {
	UID           string
	EventTypeID   string
	Status        string
	Event         json.RawMessage
	StartTime     time.Time
	EndTime       time.Time
	ICalUID       string
	Price         int64
	Currency      string
	PaymentOption string
}

// BookingUpdate changes a booking; nil fields stay as they are.
type BookingUpdate struct {
	Status    *string
	Event     *json.RawMessage
	StartTime *time.Time
	EndTime   *time.Time
	Paid      *bool
	// BumpICalSequence raises iCalSequence by one (a reschedule).
	BumpICalSequence bool
}

// BookingFilter narrows ListBookings; empty fields match all.
type BookingFilter struct {
	Status      string
	EventTypeID string
}

// BookingReference is what an app's external system returned for a booking
// (a calendar event, a meeting, a CRM record), to update or delete it later.
type BookingReference struct {
	ID        int64  `json:"id"`
	TenantID  string `json:"tenantId"`
	BookingID string `json:"bookingId"`
	// InstallationID is "" once the installation was deleted.
	InstallationID     string    `json:"installationId,omitempty"`
	Type               string    `json:"type"`
	UID                string    `json:"uid"`
	MeetingID          string    `json:"meetingId,omitempty"`
	MeetingPassword    string    `json:"meetingPassword,omitempty"`
	MeetingURL         string    `json:"meetingUrl,omitempty"`
	ExternalCalendarID string    `json:"externalCalendarId,omitempty"`
	CredentialID       string    `json:"credentialId,omitempty"`
	Deleted            bool      `json:"deleted"`
	CreatedAt          time.Time `json:"createdAt"`
	UpdatedAt          time.Time `json:"updatedAt"`
}

// App status values of one booking step.
const (
	AppStatusPending = "pending"
	AppStatusSuccess = "success"
	AppStatusError   = "error"
	AppStatusDead    = "dead"
)

// BookingAppStatus is the outcome of one step (an app method) of one
// installation for a booking, so no app fails silently.
type BookingAppStatus struct {
	ID             int64     `json:"id"`
	TenantID       string    `json:"tenantId"`
	BookingID      string    `json:"bookingId"`
	InstallationID string    `json:"installationId"`
	Step           string    `json:"step"`
	Status         string    `json:"status"`
	ErrorCode      string    `json:"errorCode,omitempty"`
	ErrorMessage   string    `json:"errorMessage,omitempty"`
	Attempts       int       `json:"attempts"`
	UpdatedAt      time.Time `json:"updatedAt"`
}
