package store

import (
	"encoding/json"
	"testing"
	"time"
)

func TestBookingCRUD(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	got := must(s.Booking(ctx, f.a.ID, f.bookA.ID))(t)
	if got.UID != "uid-a" || got.Status != BookingAccepted || got.ICalSequence != 0 || string(got.Event) != `{"title":"Intro"}` ||
		!got.StartTime.Equal(f.bookA.StartTime) || got.TenantID != f.a.ID {
		t.Errorf("Booking = %+v", got)
	}
	if byUID := must(s.BookingByUID(ctx, f.a.ID, "uid-a"))(t); byUID.ID != f.bookA.ID {
		t.Errorf("BookingByUID = %s", byUID.ID)
	}
	_, err := s.CreateBooking(ctx, f.a.ID, f.newBooking("uid-a"))
	isErr(t, err, ErrConflict)
	// UIDs are unique per tenant, not globally.
	must(s.CreateBooking(ctx, f.b.ID, f.newBooking("uid-a")))(t)

	newStart := f.bookA.StartTime.Add(2 * time.Hour)
	newEnd := newStart.Add(time.Hour)
	ev := json.RawMessage(`{"title":"Moved"}`)
	up := must(s.UpdateBooking(ctx, f.a.ID, f.bookA.ID, BookingUpdate{Event: &ev, StartTime: &newStart, EndTime: &newEnd, BumpICalSequence: true}))(t)
	if up.ICalSequence != 1 || !up.StartTime.Equal(newStart) || !up.EndTime.Equal(newEnd) || string(up.Event) != `{"title":"Moved"}` ||
		up.ICalUID != f.bookA.ICalUID || up.Status != BookingAccepted {
		t.Errorf("rescheduled = %+v", up)
	}
	cancelled, paid := BookingCancelled, true
	up = must(s.UpdateBooking(ctx, f.a.ID, f.bookA.ID, BookingUpdate{Status: &cancelled, Paid: &paid}))(t)
	if up.Status != BookingCancelled || !up.Paid || up.ICalSequence != 1 {
		t.Errorf("cancelled = %+v", up)
	}
	bad := "exploded"
	_, err = s.UpdateBooking(ctx, f.a.ID, f.bookA.ID, BookingUpdate{Status: &bad})
	isErr(t, err, ErrInvalid)
	earlier := newStart.Add(-time.Hour)
	_, err = s.UpdateBooking(ctx, f.a.ID, f.bookA.ID, BookingUpdate{EndTime: &earlier})
	isErr(t, err, ErrInvalid) // CHECK end_time >= start_time

	ok(t, s.DeleteBooking(ctx, f.a.ID, f.bookA.ID))
	_, err = s.Booking(ctx, f.a.ID, f.bookA.ID)
	isErr(t, err, ErrNotFound)
}

func TestCreateBookingRejects(t *testing.T) {
	f := newFixture(t)
	nb := func(mod func(*NewBooking)) NewBooking {
		b := f.newBooking("u1")
		mod(&b)
		return b
	}
	tests := []struct {
		name string
		b    NewBooking
		want error
	}{
		{"no uid", nb(func(b *NewBooking) { b.UID = "" }), ErrInvalid},
		{"bad status", nb(func(b *NewBooking) { b.Status = "maybe" }), ErrInvalid},
		{"ends before start", nb(func(b *NewBooking) { b.EndTime = b.StartTime.Add(-time.Second) }), ErrInvalid},
		{"bad event", nb(func(b *NewBooking) { b.Event = json.RawMessage(`{`) }), ErrInvalid},
		{"no event", nb(func(b *NewBooking) { b.Event = nil }), ErrInvalid},
		{"negative price", nb(func(b *NewBooking) { b.Price = -1 }), ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.CreateBooking(f.ctx, f.a.ID, tt.b)
			isErr(t, err, tt.want)
		})
	}
	_, err := f.s.CreateBooking(f.ctx, "ten_missing", f.newBooking("u2"))
	isErr(t, err, ErrNotFound)
}

func TestListAndRangeBookings(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	base := f.clock.Now().Truncate(time.Hour)
	mk := func(uid string, startH, durH int, status string) Booking {
		b := f.newBooking(uid)
		b.StartTime = base.Add(time.Duration(startH) * time.Hour)
		b.EndTime = b.StartTime.Add(time.Duration(durH) * time.Hour)
		b.Status = status
		b.EventTypeID = "range"
		return must(s.CreateBooking(ctx, f.a.ID, b))(t)
	}
	early := mk("early", 0, 1, BookingAccepted) // [0,1)
	long := mk("long", 1, 10, BookingAccepted)  // [1,11)
	mid := mk("mid", 5, 1, BookingPending)      // [5,6)
	_ = mk("cancel", 5, 1, BookingCancelled)    // [5,6)
	late := mk("late", 20, 1, BookingAccepted)  // [20,21)
	tests := []struct {
		name     string
		from, to int
		statuses []string
		want     []string
	}{
		{"window", 4, 7, []string{BookingAccepted, BookingPending}, []string{long.ID, mid.ID}},
		{"all statuses", 4, 7, nil, nil}, // checked by count below
		{"touching end is outside", 1, 2, []string{BookingAccepted}, []string{long.ID}},
		{"everything accepted", 0, 24, []string{BookingAccepted}, []string{early.ID, long.ID, late.ID}},
		{"empty", 12, 19, nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := must(s.BookingsBetween(ctx, f.a.ID, base.Add(time.Duration(tt.from)*time.Hour), base.Add(time.Duration(tt.to)*time.Hour),
				tt.statuses...))(t)
			if tt.want == nil {
				if len(got) != 3 {
					t.Errorf("got %d bookings, want 3", len(got))
				}
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d bookings, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i].ID != tt.want[i] {
					t.Errorf("booking %d = %s (%s), want %s", i, got[i].ID, got[i].UID, tt.want[i])
				}
			}
		})
	}
	_, err := s.BookingsBetween(ctx, f.a.ID, base, base)
	isErr(t, err, ErrInvalid)

	pending, _ := must2(s.ListBookings(ctx, f.a.ID, BookingFilter{Status: BookingPending}, Page{}))(t)
	if len(pending) != 1 || pending[0].ID != mid.ID {
		t.Errorf("pending = %+v", pending)
	}
	all, next := must2(s.ListBookings(ctx, f.a.ID, BookingFilter{EventTypeID: "range"}, Page{Limit: 3}))(t)
	rest, last := must2(s.ListBookings(ctx, f.a.ID, BookingFilter{EventTypeID: "range"}, Page{Limit: 3, After: next}))(t)
	if len(all) != 3 || len(rest) != 2 || last != "" {
		t.Errorf("pages = %d + %d (next %q)", len(all), len(rest), last)
	}
}

func TestBookingReferences(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	ref := BookingReference{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Type: "caldav_calendar", UID: "ev-1",
		ExternalCalendarID: "https://dav/cal/"}
	r1 := must(s.PutBookingReference(ctx, f.a.ID, ref))(t)
	// A retried hook puts the same reference again: still one live row.
	ref.UID = "ev-1b"
	r2 := must(s.PutBookingReference(ctx, f.a.ID, ref))(t)
	if r2.ID != r1.ID || r2.UID != "ev-1b" {
		t.Errorf("retry made %+v from %+v", r2, r1)
	}
	video := must(s.PutBookingReference(ctx, f.a.ID, BookingReference{BookingID: f.bookA.ID, InstallationID: f.instA.ID,
		Type: "zoom_video", UID: "m1", MeetingID: "123", MeetingPassword: "pw", MeetingURL: "https://zoom/j/123"}))(t)
	refs := must(s.BookingReferences(ctx, f.a.ID, f.bookA.ID, false))(t)
	if len(refs) != 2 || refs[1].MeetingURL != "https://zoom/j/123" {
		t.Fatalf("refs = %+v", refs)
	}
	ok(t, s.MarkBookingReferenceDeleted(ctx, f.a.ID, video.ID))
	if live := must(s.BookingReferences(ctx, f.a.ID, f.bookA.ID, false))(t); len(live) != 1 {
		t.Errorf("live refs = %d, want 1", len(live))
	}
	all := must(s.BookingReferences(ctx, f.a.ID, f.bookA.ID, true))(t)
	if len(all) != 2 || !all[1].Deleted {
		t.Errorf("all refs = %+v", all)
	}
	// After a delete, a new live reference of the same type may exist.
	must(s.PutBookingReference(ctx, f.a.ID, BookingReference{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Type: "zoom_video", UID: "m2"}))(t)
	isErr(t, s.MarkBookingReferenceDeleted(ctx, f.a.ID, 99999), ErrNotFound)
	_, err := s.PutBookingReference(ctx, f.a.ID, BookingReference{BookingID: f.bookA.ID, InstallationID: f.instA.ID})
	isErr(t, err, ErrInvalid)
	_, err = s.PutBookingReference(ctx, f.a.ID, BookingReference{BookingID: "bkg_missing", InstallationID: f.instA.ID, Type: "x"})
	isErr(t, err, ErrNotFound)

	// Deleting the installation keeps the reference, without installation.
	ok(t, s.DeleteInstallation(ctx, f.a.ID, f.instA.ID))
	kept := must(s.BookingReferences(ctx, f.a.ID, f.bookA.ID, true))(t)
	if len(kept) != 3 || kept[0].InstallationID != "" {
		t.Errorf("after installation delete refs = %+v", kept)
	}
}

func TestBookingAppStatus(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	st := BookingAppStatus{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Step: "calendar.createEvent", Status: AppStatusPending}
	p := must(s.PutBookingAppStatus(ctx, f.a.ID, st))(t)
	st.Status, st.ErrorCode, st.ErrorMessage, st.Attempts = AppStatusError, "NETWORK_ERROR", "connection refused", 1
	e := must(s.PutBookingAppStatus(ctx, f.a.ID, st))(t)
	if e.ID != p.ID || e.Attempts != 1 || e.ErrorCode != "NETWORK_ERROR" {
		t.Errorf("updated status = %+v", e)
	}
	st.Status, st.Attempts = AppStatusDead, 5
	must(s.PutBookingAppStatus(ctx, f.a.ID, st))(t)
	must(s.PutBookingAppStatus(ctx, f.a.ID, BookingAppStatus{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Step: "crm.createEvent",
		Status: AppStatusSuccess, Attempts: 1}))(t)
	all := must(s.BookingAppStatuses(ctx, f.a.ID, f.bookA.ID))(t)
	if len(all) != 2 || all[0].Status != AppStatusDead || all[1].Status != AppStatusSuccess {
		t.Errorf("statuses = %+v", all)
	}
	dead, _ := must2(s.ListBookingAppStatuses(ctx, f.a.ID, AppStatusDead, Page{}))(t)
	if len(dead) != 1 || dead[0].Step != "calendar.createEvent" {
		t.Errorf("dead = %+v", dead)
	}
	for _, bad := range []BookingAppStatus{
		{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Step: "", Status: AppStatusPending},
		{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Step: "x", Status: "meh"},
		{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Step: "x", Status: AppStatusPending, Attempts: -1},
	} {
		_, err := s.PutBookingAppStatus(ctx, f.a.ID, bad)
		isErr(t, err, ErrInvalid)
	}
	long := make([]byte, 10000)
	for i := range long {
		long[i] = 'x'
	}
	st.ErrorMessage = string(long)
	if got := must(s.PutBookingAppStatus(ctx, f.a.ID, st))(t); len(got.ErrorMessage) != 4096 {
		t.Errorf("error message kept %d bytes, want 4096", len(got.ErrorMessage))
	}
}

func TestTruncateKeepsUTF8(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 3, "hel"},
		{"héllo", 2, "h"}, // é is two bytes; cutting inside it backs off
		{"日本", 4, "日"},
		{"", 0, ""},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
