package booking

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

// paymentOf is the booking's latest payment taken by an installation.
func (s *Service) paymentOf(ctx context.Context, b store.Booking, installationID string) (store.Payment, bool, error) {
	pays, err := s.st.PaymentsForBooking(ctx, b.TenantID, b.ID)
	if err != nil {
		return store.Payment{}, false, err
	}
	for i := len(pays) - 1; i >= 0; i-- {
		if pays[i].InstallationID == installationID {
			return pays[i], true, nil
		}
	}
	return store.Payment{}, false, nil
}

// paymentCreate asks the payment app for the booking's price (Cal.com's
// handlePayment) and stores the payment it made. A retry after a payment
// was stored does nothing.
func (s *Service) paymentCreate(ctx context.Context, b store.Booking, info appInfo, ev *abi.CalendarEvent) outcome {
	if _, ok, err := s.paymentOf(ctx, b, info.InstallationID); err != nil {
		return failed(string(abi.CodeHostError), err.Error(), true)
	} else if ok {
		return done(nil)
	}
	in := abi.PaymentCreateInput{
		Payment:   abi.PaymentAmount{Amount: b.Price, Currency: b.Currency},
		BookingID: ev.BookingID, PaymentOption: abi.PaymentOption(b.PaymentOption), EventTitle: ev.Title, BookingTitle: ev.Title,
	}
	if len(ev.Attendees) > 0 {
		in.BookerName, in.BookerEmail, in.BookerPhoneNumber = ev.Attendees[0].Name, ev.Attendees[0].Email, ev.Attendees[0].PhoneNumber
	}
	var res abi.PaymentCreateResult
	if fail := s.call(ctx, b.TenantID, info.InstallationID, stepPaymentCreate, in, &res); fail != nil {
		return *fail
	}
	if res.ID == "" {
		return failed(string(abi.CodeBadOutput), "the payment app answered no payment id", false)
	}
	data := map[string]any{}
	for k, v := range res.Data {
		data[k] = v
	}
	if res.URL != "" {
		data["url"] = res.URL
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return failed(string(abi.CodeBadOutput), "payment data does not encode: "+err.Error(), false)
	}
	return done(func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.CreatePayment(ctx, b.TenantID, store.NewPayment{BookingID: b.ID, InstallationID: info.InstallationID,
			ExternalID: res.ID, Amount: b.Price, Currency: b.Currency, PaymentOption: b.PaymentOption, Status: store.PaymentPending,
			Data: raw})
		return err
	})
}

// paymentStep runs afterPayment, deletePayment or the capture of a held
// card on the booking's payment.
func (s *Service) paymentStep(ctx context.Context, b store.Booking, info appInfo, ev *abi.CalendarEvent, step string) outcome {
	p, ok, err := s.paymentOf(ctx, b, info.InstallationID)
	if err != nil {
		return failed(string(abi.CodeHostError), err.Error(), true)
	}
	if !ok {
		return failed("NO_PAYMENT", "the booking has no payment of this app", false)
	}
	switch step {
	case stepPaymentAfter:
		in := abi.PaymentAfterPaymentInput{Event: *ev,
			Booking: abi.PaymentBooking{ID: ev.BookingID, UID: b.UID, StartTime: ev.StartTime,
				User: &abi.BookingUser{Email: ev.Organizer.Email, Name: ev.Organizer.Name, TimeZone: ev.Organizer.TimeZone, Username: ev.Organizer.Username}},
			Payment: abi.Payment{UID: p.ID, AppID: info.Slug, BookingID: ev.BookingID, Amount: p.Amount, Currency: p.Currency,
				Success: p.Status == store.PaymentPaid, Refunded: p.Status == store.PaymentRefunded, ExternalID: p.ExternalID,
				PaymentOption: abi.PaymentOption(p.PaymentOption)},
		}
		_ = json.Unmarshal(p.Data, &in.Payment.Data) // provider data, when it is an object
		fail := s.call(ctx, b.TenantID, info.InstallationID, stepPaymentAfter, in, nil)
		if fail != nil && fail.code == string(abi.CodeNotImplemented) {
			return done(nil) // afterPayment is optional in Cal.com's PaymentService: nothing to do
		}
		return s.noResult(fail)
	case stepPaymentDelete:
		if p.Status == store.PaymentPaid {
			return done(nil) // paid money is refunded by the tenant's policy, not by a cancellation
		}
		var res abi.PaymentDeletePaymentResult
		if fail := s.call(ctx, b.TenantID, info.InstallationID, stepPaymentDelete, abi.PaymentDeletePaymentInput{PaymentID: p.ExternalID}, &res); fail != nil {
			return *fail
		}
		return done(func(ctx context.Context, tx *store.Tx) error {
			st := store.PaymentFailed
			_, err := tx.UpdatePayment(ctx, b.TenantID, p.ID, store.PaymentUpdate{Status: &st})
			return err
		})
	case stepPaymentCapture:
		if p.Status == store.PaymentPaid {
			return done(nil)
		}
		var res abi.PaymentUpdateResult
		in := abi.PaymentUpdateInput{PaymentID: p.ExternalID, Data: map[string]any{"capture": true}}
		if fail := s.call(ctx, b.TenantID, info.InstallationID, abi.MethodPaymentUpdate, in, &res); fail != nil {
			return *fail
		}
		if !res.Success {
			return failed("CAPTURE_FAILED", "the payment app could not charge the held card", false)
		}
		return done(func(ctx context.Context, tx *store.Tx) error { return s.markPaid(ctx, tx, b, p) })
	}
	return failed(string(abi.CodeHostError), fmt.Sprintf("unknown payment step %q", step), false)
}

// markPaid records a payment and its booking as paid.
func (s *Service) markPaid(ctx context.Context, tx *store.Tx, b store.Booking, p store.Payment) error {
	paid, now := store.PaymentPaid, s.cfg.now()
	if _, err := tx.UpdatePayment(ctx, b.TenantID, p.ID, store.PaymentUpdate{Status: &paid, PaidAt: &now}); err != nil {
		return err
	}
	yes := true
	_, err := tx.UpdateBooking(ctx, b.TenantID, b.ID, store.BookingUpdate{Paid: &yes})
	return err
}
