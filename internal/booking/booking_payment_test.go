package booking

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

// providerEvent is what the test payment provider posts, and what the
// peer's payment.handleWebhook answers after checking the signature.
func providerEvent(paymentID, status, eventID string) []byte {
	b, _ := json.Marshal(map[string]string{"paymentId": paymentID, "status": status, "eventId": eventID})
	return b
}

var signed = map[string]string{"x-test-signature": "valid", "content-type": "application/json"}

// TestPaymentOnBooking takes an ON_BOOKING payment: the booking waits for
// it with its apps held, BOOKING_PAYMENT_INITIATED goes out; the
// provider's webhook marks it paid, runs afterPayment, the held apps and
// BOOKING_PAID; a redelivery does nothing.
func TestPaymentOnBooking(t *testing.T) {
	e := newEnv(t)
	cal := e.install("peer-cal", "calendar", nil)
	pay := e.install("peer-pay", "payment", nil)
	auto := e.install("peer-auto", "automation", nil)
	e.enable("et", cal, `{}`)
	e.enable("et", pay, `{"price": 2500, "currency": "EUR", "paymentOption": "ON_BOOKING"}`)
	e.enable("et", auto, `{}`)
	hooks, _ := e.subscribe("BOOKING_PAYMENT_INITIATED", "BOOKING_PAID")
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("paid1", time.Now().Add(24*time.Hour), nil)})
	if err != nil {
		t.Fatal(err)
	}
	id := v.Booking.ID
	if v.Booking.Status != store.BookingPendingPayment || v.Booking.Price != 2500 || v.Booking.Currency != "eur" {
		t.Fatalf("booking %+v", v.Booking)
	}
	v = e.settle(id)
	if o := outcomeOf(t, v, cal, stepCalendarCreate); o.Status != store.AppStatusPending || o.State != store.StepHeld {
		t.Errorf("calendar before payment: %+v", o)
	}
	if len(e.peer.callsOf("peer-cal", "")) != 0 {
		t.Error("the calendar ran before the payment")
	}
	if len(v.Payments) != 1 || v.Payments[0].ExternalID != "pi_paid1" || v.Payments[0].Status != store.PaymentPending {
		t.Fatalf("payments %+v", v.Payments)
	}
	var created abi.PaymentCreateInput
	json.Unmarshal(e.peer.callsOf("peer-pay", "payment.create")[0].Body, &created)
	if created.Payment.Amount != 2500 || created.Payment.Currency != "eur" || created.BookerEmail != "ada@example.com" ||
		created.PaymentOption != abi.PaymentOnBooking {
		t.Errorf("payment.create got %+v", created)
	}
	initiated := delivery(t, hooks)
	p := initiated["payload"].(map[string]any)
	if initiated["triggerEvent"] != "BOOKING_PAYMENT_INITIATED" || p["paymentLink"] != "https://pay.example/paid1" || p["status"] != "PENDING" {
		t.Errorf("initiated %v", initiated)
	}

	// A forged request: the app refuses it, nothing changes.
	_, err = e.svc.PaymentWebhook(e.ctx, pay, map[string]string{"x-test-signature": "forged"}, providerEvent("pi_paid1", "succeeded", "evt_1"))
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Status != http.StatusBadRequest {
		t.Fatalf("forged webhook = %v", err)
	}
	res, err := e.svc.PaymentWebhook(e.ctx, pay, signed, providerEvent("pi_paid1", "succeeded", "evt_1"))
	if err != nil || res.Duplicate || res.PaymentStatus != store.PaymentPaid || res.BookingID != id {
		t.Fatalf("webhook = %+v, %v", res, err)
	}
	v = e.settle(id)
	if v.Booking.Status != store.BookingAccepted || !v.Booking.Paid || v.Payments[0].Status != store.PaymentPaid || v.Payments[0].PaidAt.IsZero() {
		t.Fatalf("after payment %+v %+v", v.Booking, v.Payments)
	}
	for _, s := range []struct{ inst, step string }{
		{pay, stepPaymentAfter}, {cal, stepCalendarCreate}, {auto, "automation.onTrigger:BOOKING_PAID"},
		{auto, "automation.onTrigger:BOOKING_PAYMENT_INITIATED"},
	} {
		if o := outcomeOf(t, v, s.inst, s.step); o.Status != store.AppStatusSuccess {
			t.Errorf("%s: %+v", s.step, o)
		}
	}
	if paid := delivery(t, hooks); paid["triggerEvent"] != "BOOKING_PAID" || paid["payload"].(map[string]any)["status"] != "ACCEPTED" {
		t.Errorf("paid %v", paid)
	}
	res, err = e.svc.PaymentWebhook(e.ctx, pay, signed, providerEvent("pi_paid1", "succeeded", "evt_1"))
	if err != nil || !res.Duplicate {
		t.Fatalf("redelivery = %+v, %v", res, err)
	}
	if n := e.peer.performedCount("peer-cal", "calendar.createEvent", "paid1"); n != 1 {
		t.Errorf("calendar event made %d times", n)
	}
	if n := len(e.peer.callsOf("peer-pay", "payment.afterPayment")); n != 1 {
		t.Errorf("afterPayment ran %d times", n)
	}
	if res, err := e.svc.PaymentWebhook(e.ctx, pay, signed, providerEvent("pi_unknown", "succeeded", "evt_2")); err != nil || res.Ignored == "" {
		t.Errorf("unknown payment = %+v, %v", res, err)
	}
	if _, err := e.svc.PaymentWebhook(e.ctx, cal, signed, providerEvent("pi_paid1", "succeeded", "evt_3")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("webhook to a calendar = %v", err)
	}
}

// TestPaymentHoldThenCapture places a card hold: the booking is confirmed
// at once, the provider's success holds the card, Capture charges it.
func TestPaymentHoldThenCapture(t *testing.T) {
	e := newEnv(t)
	cal := e.install("peer-cal", "calendar", nil)
	pay := e.install("peer-pay", "payment", nil)
	e.enable("et", cal, `{}`)
	e.enable("et", pay, `{"price": 1000, "currency": "usd", "paymentOption": "HOLD"}`)
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("hold1", time.Now().Add(24*time.Hour), nil)})
	if err != nil {
		t.Fatal(err)
	}
	id := v.Booking.ID
	v = e.settle(id)
	if v.Booking.Status != store.BookingAccepted || outcomeOf(t, v, cal, stepCalendarCreate).Status != store.AppStatusSuccess {
		t.Fatalf("hold booking %+v%s", v.Booking, describe(v))
	}
	if _, err := e.svc.Capture(e.ctx, e.tenant.ID, id); !errors.Is(err, ErrNotHeld) {
		t.Errorf("capture before the hold = %v", err)
	}
	if res, err := e.svc.PaymentWebhook(e.ctx, pay, signed, providerEvent("pi_hold1", "succeeded", "evt_h")); err != nil || res.PaymentStatus != store.PaymentHeld {
		t.Fatalf("hold webhook %+v, %v", res, err)
	}
	if _, err := e.svc.Capture(e.ctx, e.tenant.ID, id); err != nil {
		t.Fatal(err)
	}
	v = e.settle(id)
	if !v.Booking.Paid || v.Payments[0].Status != store.PaymentPaid {
		t.Errorf("after capture %+v %+v%s", v.Booking, v.Payments, describe(v))
	}
	var up abi.PaymentUpdateInput
	json.Unmarshal(e.peer.callsOf("peer-pay", "payment.update")[0].Body, &up)
	if up.PaymentID != "pi_hold1" || up.Data["capture"] != true {
		t.Errorf("payment.update got %+v", up)
	}
}

// TestCancelUnpaid cancels a booking waiting for its payment: the held
// steps never run and say so, the payment is withdrawn.
func TestCancelUnpaid(t *testing.T) {
	e := newEnv(t)
	cal := e.install("peer-cal", "calendar", nil)
	pay := e.install("peer-pay", "payment", nil)
	e.enable("et", cal, `{}`)
	e.enable("et", pay, `{"price": 500, "currency": "usd"}`)
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("unpaid", time.Now().Add(24*time.Hour), nil)})
	if err != nil {
		t.Fatal(err)
	}
	e.settle(v.Booking.ID)
	if _, err := e.svc.Cancel(e.ctx, e.tenant.ID, v.Booking.ID, ""); err != nil {
		t.Fatal(err)
	}
	v = e.settle(v.Booking.ID)
	if o := outcomeOf(t, v, cal, stepCalendarCreate); o.Status != store.AppStatusError || o.ErrorCode != codeNotRun {
		t.Errorf("held calendar step %+v", o)
	}
	if o := outcomeOf(t, v, pay, stepPaymentDelete); o.Status != store.AppStatusSuccess || v.Payments[0].Status != store.PaymentFailed {
		t.Errorf("payment delete %+v, payments %+v", o, v.Payments)
	}
	if len(e.peer.callsOf("peer-cal", "")) != 0 {
		t.Error("the calendar ran for a booking never paid")
	}
	if _, err := e.svc.Replay(e.ctx, e.tenant.ID, v.Booking.ID, "", ""); !errors.Is(err, ErrNothingToReplay) {
		t.Errorf("replay of steps that never ran = %v", err)
	}
}

func TestPaymentSettingsValidated(t *testing.T) {
	e := newEnv(t)
	pay := e.install("peer-pay", "payment", nil)
	e.enable("et", pay, `{"price": 12.5, "currency": "usd"}`)
	_, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("frac", time.Now().Add(time.Hour), nil)})
	if len(problemsOf(err).At("/eventTypeId")) == 0 {
		t.Errorf("a fractional price = %v", err)
	}
}
