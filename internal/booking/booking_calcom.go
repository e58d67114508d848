package booking

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/internal/webhook"
)

// calcomSealApp names Cal.com hook secrets in the vault's associated data.
const calcomSealApp = "slotbox/calcom-hook"

// MaxCalcomBody caps a Cal.com webhook body.
const MaxCalcomBody = 1 << 20

// ErrBadSignature means a Cal.com webhook was not signed with the tenant's
// secret (or the tenant has no Cal.com hook).
var ErrBadSignature = errors.New("the X-Cal-Signature-256 does not match")

// SetCalcomSecret sets the secret a tenant's Cal.com signs its webhooks to
// /hooks/calcom/{tenant} with; "" generates one. It returns the generated
// secret, shown this once ("" when the caller gave its own).
func (s *Service) SetCalcomSecret(ctx context.Context, tenantID, secret string) (string, error) {
	shown := ""
	if secret == "" {
		var b [32]byte
		_, _ = rand.Read(b[:])
		secret, shown = hex.EncodeToString(b[:]), "generated"
	} else if len(secret) < 16 || len(secret) > 1024 || strings.ContainsAny(secret, "\x00\r\n") {
		return "", &appstore.ProblemsError{Message: "the secret is invalid",
			Problems: abi.Problems{{Path: "/secret", Message: "must be 16 to 1024 bytes on one line"}}}
	}
	sealed, err := s.sealer.Seal(vault.AAD{App: calcomSealApp, Installation: tenantID}, []byte(secret))
	if err != nil {
		return "", fmt.Errorf("booking: seal calcom secret: %w", err)
	}
	if _, err := s.st.PutCalcomHook(ctx, tenantID, sealed, s.sealer.PrimaryKeyID()); err != nil {
		return "", err
	}
	if shown != "" {
		shown = secret
	}
	return shown, nil
}

// DeleteCalcomHook removes a tenant's Cal.com hook.
func (s *Service) DeleteCalcomHook(ctx context.Context, tenantID string) error {
	return s.st.DeleteCalcomHook(ctx, tenantID)
}

// CalcomResult is what a Cal.com webhook did.
type CalcomResult struct {
	TriggerEvent string `json:"triggerEvent"`
	// Action is created, rescheduled, cancelled, paid, meeting, duplicate
	// or ignored.
	Action    string `json:"action"`
	BookingID string `json:"bookingId,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// calcomBody is Cal.com's webhook body.
type calcomBody struct {
	TriggerEvent string          `json:"triggerEvent"`
	CreatedAt    string          `json:"createdAt"`
	Payload      json.RawMessage `json:"payload"`
}

// calcomFields are the payload's fields beside the CalendarEvent ones the
// mapping needs.
type calcomFields struct {
	UID                string          `json:"uid"`
	RescheduleUID      string          `json:"rescheduleUid"`
	ICalUID            string          `json:"iCalUID"`
	EventTypeID        json.RawMessage `json:"eventTypeId"`
	StartTime          string          `json:"startTime"`
	EndTime            string          `json:"endTime"`
	CancellationReason string          `json:"cancellationReason"`
}

// CalcomWebhook takes a delivery of a tenant's Cal.com webhook, checks its
// X-Cal-Signature-256 and runs the same flow as the API: BOOKING_CREATED
// creates (without a payment: Cal.com took it), BOOKING_RESCHEDULED moves
// the booking the iCalUID or rescheduleUid names, BOOKING_CANCELLED
// cancels, BOOKING_PAID marks it paid (creating it when unknown),
// MEETING_STARTED and MEETING_ENDED raise the trigger. A redelivery changes
// nothing. Cal.com's event type id, as text, is the Slotbox event type.
func (s *Service) CalcomWebhook(ctx context.Context, tenantID, signature string, body []byte) (CalcomResult, error) {
	h, err := s.st.CalcomHook(ctx, tenantID)
	if errors.Is(err, store.ErrNotFound) {
		return CalcomResult{}, ErrBadSignature
	}
	if err != nil {
		return CalcomResult{}, err
	}
	secret, err := s.sealer.Open(vault.AAD{App: calcomSealApp, Installation: tenantID}, h.Secret)
	if err != nil {
		return CalcomResult{}, fmt.Errorf("booking: open calcom secret of tenant[%s]: %w", tenantID, err)
	}
	if !webhook.VerifyCalSignature(string(secret), body, signature) {
		return CalcomResult{}, ErrBadSignature
	}
	var in calcomBody
	if err := json.Unmarshal(body, &in); err != nil || len(bytes.TrimSpace(in.Payload)) == 0 || in.Payload[0] != '{' {
		return CalcomResult{}, &appstore.ProblemsError{Message: "not a Cal.com webhook body",
			Problems: abi.Problems{{Path: "/payload", Message: "{triggerEvent, createdAt, payload} with an object payload is required"}}}
	}
	var f calcomFields
	_ = json.Unmarshal(in.Payload, &f) // the payload is an object; mismatched fields stay empty
	out := CalcomResult{TriggerEvent: in.TriggerEvent}
	switch in.TriggerEvent {
	case triggerCreated:
		return s.calcomCreate(ctx, tenantID, in, f, false, out)
	case triggerRescheduled:
		return s.calcomReschedule(ctx, tenantID, in, f, out)
	case triggerCancelled:
		b, ok, err := s.calcomFind(ctx, tenantID, f.UID, f.ICalUID)
		if err != nil || !ok {
			out.Action, out.Reason = "ignored", "no booking has this uid or iCalUID"
			return out, err
		}
		out.BookingID = b.ID
		if b.Status == store.BookingCancelled {
			out.Action = "duplicate"
			return out, nil
		}
		_, err = s.cancel(ctx, tenantID, b.ID, f.CancellationReason, store.OriginCalcom)
		out.Action = "cancelled"
		return out, err
	case triggerPaid:
		b, ok, err := s.calcomFind(ctx, tenantID, f.UID, f.ICalUID)
		if err != nil {
			return out, err
		}
		if !ok {
			return s.calcomCreate(ctx, tenantID, in, f, true, out)
		}
		out.BookingID = b.ID
		if b.Paid {
			out.Action = "duplicate"
			return out, nil
		}
		out.Action = "paid"
		return out, s.calcomPaid(ctx, b)
	case triggerMeetingStarted, triggerMeetingEnded:
		b, ok, err := s.calcomFind(ctx, tenantID, f.UID, f.ICalUID)
		if err != nil || !ok {
			out.Action, out.Reason = "ignored", "no booking has this uid or iCalUID"
			return out, err
		}
		out.BookingID = b.ID
		out.Action, err = s.calcomMeeting(ctx, b, in.TriggerEvent)
		return out, err
	}
	out.Action, out.Reason = "ignored", "Slotbox acts on BOOKING_CREATED, BOOKING_RESCHEDULED, BOOKING_CANCELLED, BOOKING_PAID, MEETING_STARTED and MEETING_ENDED"
	return out, nil
}

// calcomFind finds the booking a Cal.com payload is about: by uid, else by
// iCalUID (kept across Cal.com's reschedules, which make new uids).
func (s *Service) calcomFind(ctx context.Context, tenantID string, uids ...string) (store.Booking, bool, error) {
	for i, id := range uids {
		if id == "" {
			continue
		}
		var b store.Booking
		var err error
		if i == len(uids)-1 {
			b, err = s.st.BookingByICalUID(ctx, tenantID, id)
		} else {
			b, err = s.st.BookingByUID(ctx, tenantID, id)
		}
		if err == nil {
			return b, true, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.Booking{}, false, err
		}
	}
	return store.Booking{}, false, nil
}

// calcomEvent turns a Cal.com payload into a CalendarEvent, dropping the
// webhook's own fields; a field of an unexpected type is dropped too
// rather than failing the delivery.
func calcomEvent(payload json.RawMessage) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		return nil, err
	}
	// Cal.com sends destinationCalendar as one object in webhooks, a list
	// in CalendarEvent.
	if d := bytes.TrimSpace(m["destinationCalendar"]); len(d) > 0 && d[0] == '{' {
		m["destinationCalendar"] = append(append([]byte{'['}, d...), ']')
	}
	for range 20 {
		raw, _ := json.Marshal(m)
		var ev abi.CalendarEvent
		err := json.Unmarshal(raw, &ev)
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			delete(m, strings.SplitN(te.Field, ".", 2)[0])
			continue
		}
		if err != nil {
			return nil, err
		}
		return json.Marshal(ev)
	}
	return nil, errors.New("too many fields of unexpected types")
}

// eventTypeOf is Cal.com's eventTypeId as a Slotbox event type id.
func eventTypeOf(raw json.RawMessage) string {
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String()
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

func (s *Service) calcomCreate(ctx context.Context, tenantID string, in calcomBody, f calcomFields, paid bool, out CalcomResult) (CalcomResult, error) {
	if b, ok, err := s.calcomFind(ctx, tenantID, f.UID); err != nil || ok {
		out.Action, out.BookingID = "duplicate", b.ID
		return out, err
	}
	ev, err := calcomEvent(in.Payload)
	if err != nil {
		return out, &appstore.ProblemsError{Message: "the payload is not a CalendarEvent",
			Problems: abi.Problems{{Path: "/payload", Message: err.Error()}}}
	}
	v, err := s.create(ctx, tenantID, CreateInput{EventTypeID: eventTypeOf(f.EventTypeID), Event: ev}, store.OriginCalcom, paid)
	if errors.Is(err, ErrExists) {
		out.Action = "duplicate"
		return out, nil
	}
	out.Action, out.BookingID = "created", v.Booking.ID
	return out, err
}

func (s *Service) calcomReschedule(ctx context.Context, tenantID string, in calcomBody, f calcomFields, out CalcomResult) (CalcomResult, error) {
	b, ok, err := s.calcomFind(ctx, tenantID, f.RescheduleUID, f.UID, f.ICalUID)
	if err != nil {
		return out, err
	}
	if !ok {
		return s.calcomCreate(ctx, tenantID, in, f, false, out)
	}
	out.BookingID = b.ID
	if b.Status == store.BookingCancelled {
		out.Action, out.Reason = "ignored", "the booking is cancelled"
		return out, nil
	}
	start, err1 := time.Parse(time.RFC3339, f.StartTime)
	end, err2 := time.Parse(time.RFC3339, f.EndTime)
	if err1 != nil || err2 != nil {
		return out, &appstore.ProblemsError{Message: "the payload has no valid times",
			Problems: abi.Problems{{Path: "/payload/startTime", Message: "startTime and endTime must be RFC 3339 times"}}}
	}
	if start.Equal(b.StartTime) && end.Equal(b.EndTime) {
		out.Action = "duplicate"
		return out, nil
	}
	ev, err := calcomEvent(in.Payload)
	if err != nil {
		return out, &appstore.ProblemsError{Message: "the payload is not a CalendarEvent",
			Problems: abi.Problems{{Path: "/payload", Message: err.Error()}}}
	}
	_, err = s.reschedule(ctx, tenantID, b.ID, RescheduleInput{StartTime: start.UTC(), EndTime: end.UTC(), Event: ev}, store.OriginCalcom)
	out.Action = "rescheduled"
	return out, err
}

// calcomPaid marks a booking Cal.com reports paid and raises BOOKING_PAID.
func (s *Service) calcomPaid(ctx context.Context, b store.Booking) error {
	apps, err := s.eventApps(ctx, b.TenantID, b.EventTypeID)
	if err != nil {
		return err
	}
	var p plan
	p.triggers(apps, triggerPaid, true)
	err = s.st.RunInTx(ctx, func(tx *store.Tx) error {
		yes := true
		pb, err := tx.UpdateBooking(ctx, b.TenantID, b.ID, store.BookingUpdate{Paid: &yes})
		if err != nil {
			return err
		}
		_, err = s.writeOp(ctx, tx, pb, store.OriginCalcom, p)
		return err
	})
	if err == nil {
		s.waiters.notify(b.ID)
	}
	return err
}

// calcomMeeting raises a meeting trigger once per booking.
func (s *Service) calcomMeeting(ctx context.Context, b store.Booking, trigger string) (string, error) {
	apps, err := s.eventApps(ctx, b.TenantID, b.EventTypeID)
	if err != nil {
		return "", err
	}
	var p plan
	p.triggers(apps, trigger, false)
	action := "meeting"
	err = s.st.RunInTx(ctx, func(tx *store.Tx) error {
		steps, err := tx.BookingSteps(ctx, b.TenantID, b.ID)
		if err != nil {
			return err
		}
		for _, st := range steps {
			if st.Step == prefixWebhooks+triggerSep+trigger {
				action = "duplicate"
				return nil
			}
		}
		_, err = s.writeOp(ctx, tx, b, store.OriginCalcom, p)
		return err
	})
	if err == nil {
		s.waiters.notify(b.ID)
	}
	return action, err
}

// CalcomHookURL is the path a tenant points its Cal.com webhook at.
func CalcomHookURL(tenantID string) string { return "/hooks/calcom/" + tenantID }
