package webhook

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/slotbox/slotbox/internal/store"
)

// Booking is what a payload tells about a booking.
type Booking struct {
	Booking store.Booking
	// VideoCallURL is the meeting link a conferencing app made, if any.
	VideoCallURL string
	// PaymentID is the booking's payment, if any.
	PaymentID string
	// PaymentLink is where the booker pays, if a payment waits.
	PaymentLink string
}

// calcomStatus is Cal.com's BookingStatus for a store status.
func calcomStatus(s string) string {
	if s == store.BookingPendingPayment {
		return "PENDING"
	}
	return strings.ToUpper(s)
}

// createdAtLayout is JavaScript's Date.toISOString, as Cal.com writes it.
const createdAtLayout = "2006-01-02T15:04:05.000Z07:00"

// Payload returns the body Cal.com sends for trigger: {triggerEvent,
// createdAt, payload}, the payload being the booking's CalendarEvent with
// Cal.com's webhook fields added (status, eventTitle, eventDescription,
// length, price, currency, metadata.videoCallUrl, iCalUID, iCalSequence)
// and slotboxBookingId. Fields the event already has are kept.
func Payload(trigger string, at time.Time, b Booking) ([]byte, error) {
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(b.Booking.Event, &fields); err != nil {
		return nil, fmt.Errorf("webhook: payload of booking[%s]: event: %w", b.Booking.ID, err)
	}
	if fields == nil {
		fields = map[string]json.RawMessage{}
	}
	set := func(k string, v any, always bool) {
		if _, ok := fields[k]; ok && !always {
			return
		}
		raw, err := json.Marshal(v)
		if err == nil {
			fields[k] = raw
		}
	}
	var ev struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	_ = json.Unmarshal(b.Booking.Event, &ev) // the map decode above succeeded
	bk := b.Booking
	set("uid", bk.UID, true)
	set("status", calcomStatus(bk.Status), true)
	set("startTime", bk.StartTime.UTC().Format(time.RFC3339), true)
	set("endTime", bk.EndTime.UTC().Format(time.RFC3339), true)
	set("iCalUID", bk.ICalUID, true)
	set("iCalSequence", bk.ICalSequence, true)
	set("slotboxBookingId", bk.ID, true)
	set("eventTitle", ev.Title, false)
	set("eventDescription", ev.Description, false)
	set("length", int(bk.EndTime.Sub(bk.StartTime)/time.Minute), false)
	set("price", bk.Price, true)
	if bk.Currency != "" {
		set("currency", bk.Currency, true)
	}
	if bk.EventTypeID != "" {
		set("slotboxEventTypeId", bk.EventTypeID, true)
	}
	meta := map[string]any{}
	if raw, ok := fields["metadata"]; ok {
		_ = json.Unmarshal(raw, &meta) // not an object: replaced
		if meta == nil {
			meta = map[string]any{}
		}
	}
	if b.VideoCallURL != "" {
		meta["videoCallUrl"] = b.VideoCallURL
	}
	set("metadata", meta, true)
	if b.PaymentID != "" {
		set("paymentId", b.PaymentID, true)
	}
	if b.PaymentLink != "" {
		set("paymentLink", b.PaymentLink, true)
	}
	payload, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("webhook: payload of booking[%s]: %w", bk.ID, err)
	}
	return json.Marshal(struct {
		TriggerEvent string          `json:"triggerEvent"`
		CreatedAt    string          `json:"createdAt"`
		Payload      json.RawMessage `json:"payload"`
	}{trigger, at.UTC().Format(createdAtLayout), payload})
}
