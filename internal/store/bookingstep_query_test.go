package store

import (
	"testing"
)

func TestBookingOps(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	if o := must(s.BookingOrigin(ctx, f.a.ID, f.bookA.ID))(t); o != OriginAPI {
		t.Errorf("origin before any op = %q", o)
	}
	for want := 1; want <= 3; want++ {
		origin := OriginCalcom
		if want > 1 {
			origin = OriginAPI // ignored after the first op
		}
		if n := must(s.NextBookingOp(ctx, f.a.ID, f.bookA.ID, origin))(t); n != want {
			t.Fatalf("op %d = %d", want, n)
		}
	}
	if o := must(s.BookingOrigin(ctx, f.a.ID, f.bookA.ID))(t); o != OriginCalcom {
		t.Errorf("origin = %q, want the first op's", o)
	}
	_, err := s.NextBookingOp(ctx, f.b.ID, f.bookA.ID, OriginAPI)
	isErr(t, err, ErrNotFound) // another tenant's booking
	_, err = s.NextBookingOp(ctx, f.a.ID, f.bookA.ID, "smoke-signal")
	isErr(t, err, ErrInvalid)
}

func TestBookingSteps(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	steps := []BookingStep{
		{BookingID: f.bookA.ID, Op: 1, InstallationID: f.instA.ID, Step: "calendar.createEvent", Stage: 1, State: StepPlanned},
		{BookingID: f.bookA.ID, Op: 1, InstallationID: f.instA.ID, Step: "video.createMeeting", Stage: 0, State: StepQueued},
		{BookingID: f.bookA.ID, Op: 1, Step: "webhooks:BOOKING_CREATED", Stage: 2, State: StepPlanned},
	}
	ok(t, s.PutBookingSteps(ctx, f.a.ID, steps))
	got := must(s.BookingSteps(ctx, f.a.ID, f.bookA.ID))(t)
	if len(got) != 3 || got[0].Step != "video.createMeeting" || got[2].InstallationID != "" || got[0].TenantID != f.a.ID {
		t.Fatalf("steps = %+v", got)
	}
	st := must(s.SetBookingStepState(ctx, f.a.ID, f.bookA.ID, 1, f.instA.ID, "calendar.createEvent", StepQueued, true))(t)
	if st.State != StepQueued || st.Replays != 1 {
		t.Errorf("set = %+v", st)
	}
	one := must(s.BookingStep(ctx, f.a.ID, f.bookA.ID, 1, f.instA.ID, "calendar.createEvent"))(t)
	if one.State != StepQueued {
		t.Errorf("step = %+v", one)
	}
	if ss := must(s.BookingSteps(ctx, f.b.ID, f.bookA.ID))(t); len(ss) != 0 {
		t.Errorf("tenant B sees %d of A's steps", len(ss))
	}
	_, err := s.SetBookingStepState(ctx, f.b.ID, f.bookA.ID, 1, f.instA.ID, "calendar.createEvent", StepSettled, false)
	isErr(t, err, ErrNotFound)

	tests := []struct {
		name string
		st   BookingStep
		want error
	}{
		{"foreign booking", BookingStep{BookingID: f.bookB.ID, Op: 1, Step: "x", State: StepPlanned}, ErrNotFound},
		{"no step", BookingStep{BookingID: f.bookA.ID, Op: 1, State: StepPlanned}, ErrInvalid},
		{"zero op", BookingStep{BookingID: f.bookA.ID, Step: "x", State: StepPlanned}, ErrInvalid},
		{"bad state", BookingStep{BookingID: f.bookA.ID, Op: 1, Step: "x", State: "lost"}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isErr(t, s.PutBookingSteps(ctx, f.a.ID, []BookingStep{tt.st}), tt.want)
		})
	}
	// Steps go with their booking.
	ok(t, s.DeleteBooking(ctx, f.a.ID, f.bookA.ID))
	if ss := must(s.BookingSteps(ctx, f.a.ID, f.bookA.ID))(t); len(ss) != 0 {
		t.Errorf("%d steps outlive their booking", len(ss))
	}
}

func TestBookingByICalUID(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	if b := must(s.BookingByICalUID(ctx, f.a.ID, "uid-a@slotbox"))(t); b.ID != f.bookA.ID {
		t.Errorf("by iCalUID = %s", b.ID)
	}
	_, err := s.BookingByICalUID(ctx, f.b.ID, "uid-a@slotbox")
	isErr(t, err, ErrNotFound)
	_, err = s.BookingByICalUID(ctx, f.a.ID, "")
	isErr(t, err, ErrNotFound)
}

func TestCalcomHook(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	_, err := s.CalcomHook(ctx, f.a.ID)
	isErr(t, err, ErrNotFound)
	must(s.PutCalcomHook(ctx, f.a.ID, []byte("sealed-1"), "k1"))(t)
	h := must(s.PutCalcomHook(ctx, f.a.ID, []byte("sealed-2"), "k2"))(t)
	if string(h.Secret) != "sealed-2" || h.KeyID != "k2" {
		t.Errorf("put = %+v", h)
	}
	if got := must(s.CalcomHook(ctx, f.a.ID))(t); string(got.Secret) != "sealed-2" {
		t.Errorf("get = %+v", got)
	}
	_, err = s.PutCalcomHook(ctx, f.a.ID, nil, "k")
	isErr(t, err, ErrInvalid)
	_, err = s.PutCalcomHook(ctx, "tnt_missing", []byte("x"), "k")
	isErr(t, err, ErrNotFound)
	ok(t, s.DeleteCalcomHook(ctx, f.a.ID))
	isErr(t, s.DeleteCalcomHook(ctx, f.a.ID), ErrNotFound)
}

func TestNumberBooking(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	a := must(s.NumberBooking(ctx, f.a.ID, f.bookA.ID))(t)
	b := must(s.NumberBooking(ctx, f.b.ID, f.bookB.ID))(t)
	if a < 1 || b <= a {
		t.Errorf("numbers %d, %d", a, b)
	}
	if again := must(s.NumberBooking(ctx, f.a.ID, f.bookA.ID))(t); again != a {
		t.Errorf("renumbered %d as %d", a, again)
	}
	_, err := s.NumberBooking(ctx, f.b.ID, f.bookA.ID)
	isErr(t, err, ErrNotFound) // another tenant's booking
	ok(t, s.DeleteBooking(ctx, f.b.ID, f.bookB.ID))
	c := must(s.NumberBooking(ctx, f.a.ID, must(s.CreateBooking(ctx, f.a.ID, f.newBooking("uid-c")))(t).ID))(t)
	if c <= b {
		t.Errorf("number %d reused after a delete (last %d)", c, b)
	}
}
