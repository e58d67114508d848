package store

import (
	"encoding/json"
	"testing"
	"time"
)

func TestPaymentCRUD(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	p := must(s.CreatePayment(ctx, f.a.ID, NewPayment{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Amount: 2500, Currency: "eur",
		PaymentOption: "ON_BOOKING", Status: PaymentPending}))(t)
	if p.Amount != 2500 || p.Status != PaymentPending || p.ExternalID != "" || p.Data != nil || !p.PaidAt.IsZero() {
		t.Errorf("created = %+v", p)
	}
	ext, data := "pi_123", json.RawMessage(`{"client_secret":"redacted"}`)
	p = must(s.UpdatePayment(ctx, f.a.ID, p.ID, PaymentUpdate{ExternalID: &ext, Data: &data}))(t)
	if p.ExternalID != "pi_123" || string(p.Data) != string(data) {
		t.Errorf("after external id = %+v", p)
	}
	byExt := must(s.PaymentByExternalID(ctx, f.a.ID, f.instA.ID, "pi_123"))(t)
	if byExt.ID != p.ID {
		t.Errorf("by external id = %s", byExt.ID)
	}
	paid, at := PaymentPaid, f.clock.Now().Add(time.Minute)
	p = must(s.UpdatePayment(ctx, f.a.ID, p.ID, PaymentUpdate{Status: &paid, PaidAt: &at}))(t)
	if p.Status != PaymentPaid || !p.PaidAt.Equal(at) || string(p.Data) != string(data) {
		t.Errorf("paid = %+v", p)
	}
	_, err := s.CreatePayment(ctx, f.a.ID, NewPayment{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Amount: 1, Currency: "eur",
		Status: PaymentPending, ExternalID: "pi_123"})
	isErr(t, err, ErrConflict)
	ps := must(s.PaymentsForBooking(ctx, f.a.ID, f.bookA.ID))(t)
	if len(ps) != 1 {
		t.Errorf("payments = %d", len(ps))
	}
	_, err = s.PaymentByExternalID(ctx, f.a.ID, f.instA.ID, "")
	isErr(t, err, ErrNotFound)
	bad := "lost"
	_, err = s.UpdatePayment(ctx, f.a.ID, p.ID, PaymentUpdate{Status: &bad})
	isErr(t, err, ErrInvalid)

	// Payments are financial history: they outlive their installation.
	ok(t, s.DeleteInstallation(ctx, f.a.ID, f.instA.ID))
	if kept := must(s.Payment(ctx, f.a.ID, p.ID))(t); kept.InstallationID != "" || kept.Status != PaymentPaid {
		t.Errorf("after installation delete = %+v", kept)
	}
}

func TestCreatePaymentRejects(t *testing.T) {
	f := newFixture(t)
	ok := NewPayment{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Amount: 1, Currency: "usd", Status: PaymentPending}
	mod := func(m func(*NewPayment)) NewPayment { p := ok; m(&p); return p }
	tests := []struct {
		name string
		p    NewPayment
		want error
	}{
		{"negative amount", mod(func(p *NewPayment) { p.Amount = -1 }), ErrInvalid},
		{"no currency", mod(func(p *NewPayment) { p.Currency = "" }), ErrInvalid},
		{"bad status", mod(func(p *NewPayment) { p.Status = "?" }), ErrInvalid},
		{"bad data", mod(func(p *NewPayment) { p.Data = json.RawMessage(`[`) }), ErrInvalid},
		{"no installation", mod(func(p *NewPayment) { p.InstallationID = "" }), ErrInvalid},
		{"other tenant's installation", mod(func(p *NewPayment) { p.InstallationID = f.instB.ID }), ErrNotFound},
		{"other tenant's booking", mod(func(p *NewPayment) { p.BookingID = f.bookB.ID }), ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.CreatePayment(f.ctx, f.a.ID, tt.p)
			isErr(t, err, tt.want)
		})
	}
}

func TestInboundEventsAreIdempotent(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	first := must(s.RecordInboundEvent(ctx, f.a.ID, f.instA.ID, "evt_1"))(t)
	again := must(s.RecordInboundEvent(ctx, f.a.ID, f.instA.ID, "evt_1"))(t)
	other := must(s.RecordInboundEvent(ctx, f.b.ID, f.instB.ID, "evt_1"))(t) // same id, another installation
	if !first || again || !other {
		t.Errorf("first=%v again=%v other installation=%v", first, again, other)
	}
	_, err := s.RecordInboundEvent(ctx, f.a.ID, f.instB.ID, "evt_2")
	isErr(t, err, ErrNotFound)
	_, err = s.RecordInboundEvent(ctx, f.a.ID, f.instA.ID, "")
	isErr(t, err, ErrInvalid)

	// In a transaction that fails, the event is forgotten and may be redone.
	err = s.RunInTx(ctx, func(tx *Tx) error {
		if first := must(tx.RecordInboundEvent(ctx, f.a.ID, f.instA.ID, "evt_3"))(t); !first {
			t.Error("evt_3 not first")
		}
		return errBoom
	})
	isErr(t, err, errBoom)
	if first := must(s.RecordInboundEvent(ctx, f.a.ID, f.instA.ID, "evt_3"))(t); !first {
		t.Error("evt_3 remembered after rollback")
	}

	f.clock.Add(48 * time.Hour)
	must(s.RecordInboundEvent(ctx, f.a.ID, f.instA.ID, "evt_new"))(t)
	n := must(s.PruneInboundEvents(ctx, f.clock.Now().Add(-24*time.Hour)))(t)
	if n != 3 {
		t.Errorf("pruned %d, want 3", n)
	}
	if first := must(s.RecordInboundEvent(ctx, f.a.ID, f.instA.ID, "evt_new"))(t); first {
		t.Error("recent event pruned")
	}
}
