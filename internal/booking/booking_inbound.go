package booking

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

// Caps of an inbound provider webhook.
const (
	MaxInboundBody    = 256 << 10
	maxInboundHeaders = 100
	maxHeaderValue    = 8 << 10
)

// ProviderError is an inbound provider webhook that was not handled.
// Status is what to answer the provider: 400 when the app refused it (a
// bad signature), 503 when it may succeed later, so the provider retries.
type ProviderError struct {
	Status  int
	Code    string
	Message string
}

// Error implements the error interface.
func (e *ProviderError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// InboundResult is what an inbound provider webhook did.
type InboundResult struct {
	Received bool `json:"received"`
	// Duplicate is true for an event already handled (the provider
	// redelivered it).
	Duplicate bool `json:"duplicate,omitempty"`
	// Ignored says why nothing was done, when nothing was.
	Ignored       string `json:"ignored,omitempty"`
	BookingID     string `json:"bookingId,omitempty"`
	PaymentStatus string `json:"paymentStatus,omitempty"`
}

// handleWebhookResult is payment.handleWebhook's result; eventId is an
// optional addition naming the provider's event, the key redeliveries are
// recognised by (without it, the payment id and status are).
type handleWebhookResult struct {
	PaymentID string            `json:"paymentId"`
	Status    abi.PaymentStatus `json:"status"`
	EventID   string            `json:"eventId"`
}

// PaymentWebhook handles a request a payment provider sent to an
// installation's webhook URL: the app checks the provider's signature and
// says which payment it is about (payment.handleWebhook); a payment that
// succeeded is marked paid, payment.afterPayment runs, then the steps the
// payment held, and BOOKING_PAID goes out. The provider's event is
// recorded in the same transaction, so a redelivery does nothing.
func (s *Service) PaymentWebhook(ctx context.Context, installationID string, headers map[string]string, body []byte) (InboundResult, error) {
	if len(body) > MaxInboundBody || len(headers) > maxInboundHeaders {
		return InboundResult{}, &ProviderError{Status: http.StatusRequestEntityTooLarge, Code: "TOO_LARGE", Message: "request too large"}
	}
	in, err := s.st.AdminInstallation(ctx, installationID)
	if err != nil {
		return InboundResult{}, err
	}
	info, err := s.app(ctx, in.TenantID, in.ID)
	if err != nil {
		return InboundResult{}, err
	}
	if info.Category != abi.CategoryPayment {
		return InboundResult{}, fmt.Errorf("installation[%s] is not a payment app: %w", in.ID, store.ErrNotFound)
	}
	var res handleWebhookResult
	input := abi.PaymentHandleWebhookInput{Headers: headers, Body: string(body)}
	if fail := s.call(ctx, in.TenantID, in.ID, abi.MethodPaymentHandleWebhook, input, &res); fail != nil {
		status := http.StatusBadRequest
		if fail.retry {
			status = http.StatusServiceUnavailable
		}
		return InboundResult{}, &ProviderError{Status: status, Code: fail.code, Message: fail.msg}
	}
	if res.Status == abi.PaymentIgnored || res.Status == abi.PaymentPending {
		return InboundResult{Received: true, Ignored: "the app reports nothing to do (" + string(res.Status) + ")"}, nil
	}
	pay, err := s.st.PaymentByExternalID(ctx, in.TenantID, in.ID, res.PaymentID)
	if errors.Is(err, store.ErrNotFound) {
		s.log.WarnContext(ctx, "provider webhook about an unknown payment", "installation", in.ID, "payment", res.PaymentID)
		return InboundResult{Received: true, Ignored: "no booking has this payment"}, nil
	}
	if err != nil {
		return InboundResult{}, err
	}
	eventID := res.EventID
	if eventID == "" {
		eventID = res.PaymentID + ":" + string(res.Status)
	}
	if len(eventID) > 255 {
		eventID = eventID[:255]
	}
	out := InboundResult{Received: true, BookingID: pay.BookingID}
	err = s.st.RunInTx(ctx, func(tx *store.Tx) error {
		first, err := tx.RecordInboundEvent(ctx, in.TenantID, in.ID, eventID)
		if err != nil {
			return err
		}
		if !first {
			out.Duplicate = true
			return nil
		}
		p, err := tx.Payment(ctx, in.TenantID, pay.ID)
		if err != nil {
			return err
		}
		out.PaymentStatus, err = s.applyPaymentStatus(ctx, tx, p, res.Status)
		return err
	})
	if err != nil {
		return InboundResult{}, err
	}
	s.waiters.notify(pay.BookingID)
	return out, nil
}

// applyPaymentStatus records what the provider reported about a payment,
// in tx, and returns the payment's status.
func (s *Service) applyPaymentStatus(ctx context.Context, tx *store.Tx, p store.Payment, status abi.PaymentStatus) (string, error) {
	set := func(st string) (string, error) {
		_, err := tx.UpdatePayment(ctx, p.TenantID, p.ID, store.PaymentUpdate{Status: &st})
		return st, err
	}
	switch status {
	case abi.PaymentFailed, abi.PaymentCanceled:
		if p.Status == store.PaymentPaid {
			return p.Status, nil
		}
		return set(store.PaymentFailed)
	case abi.PaymentRefunded:
		return set(store.PaymentRefunded)
	case abi.PaymentSucceeded:
	default:
		return p.Status, nil
	}
	if p.Status == store.PaymentPaid || p.Status == store.PaymentHeld {
		return p.Status, nil // a second event about the same success
	}
	if p.PaymentOption == string(abi.PaymentHold) {
		return set(store.PaymentHeld) // the card is held; Capture charges it
	}
	b, err := tx.Booking(ctx, p.TenantID, p.BookingID)
	if err != nil {
		return "", err
	}
	if err := s.markPaid(ctx, tx, b, p); err != nil {
		return "", err
	}
	return store.PaymentPaid, s.paidOp(ctx, tx, b, p)
}

// paidOp plans what a paid booking does: payment.afterPayment, the steps
// the payment held, BOOKING_PAID; a booking waiting for the payment is
// confirmed and its meetings scheduled.
func (s *Service) paidOp(ctx context.Context, tx *store.Tx, b store.Booking, p store.Payment) error {
	apps, err := s.eventApps(ctx, b.TenantID, b.EventTypeID)
	if err != nil {
		return err
	}
	var pl plan
	if info, err := s.app(ctx, b.TenantID, p.InstallationID); err == nil {
		pl.addApp(info, stepPaymentAfter, stageFirst, store.StepPlanned)
	}
	if b.Status == store.BookingPendingPayment {
		steps, err := tx.BookingSteps(ctx, b.TenantID, b.ID)
		if err != nil {
			return err
		}
		for _, st := range steps {
			if st.State != store.StepHeld {
				continue
			}
			if _, err := tx.SetBookingStepState(ctx, b.TenantID, b.ID, st.Op, st.InstallationID, st.Step, store.StepSettled, false); err != nil {
				return err
			}
			pl.add(st.InstallationID, st.Step, st.Stage, store.StepPlanned)
		}
		accepted := store.BookingAccepted
		if b, err = tx.UpdateBooking(ctx, b.TenantID, b.ID, store.BookingUpdate{Status: &accepted}); err != nil {
			return err
		}
		if err := s.scheduleMeetings(ctx, tx, b); err != nil {
			return err
		}
	}
	pl.triggers(apps, triggerPaid, true)
	_, err = s.writeOp(ctx, tx, b, store.OriginAPI, pl)
	return err
}
