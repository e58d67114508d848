package booking

import (
	"errors"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
)

func TestAvailability(t *testing.T) {
	e := newEnv(t, func(o *envOpts) {
		o.cfg = func(c Config) Config { return c.WithAvailabilityTimeout(500 * time.Millisecond) }
	})
	work := e.install("cal-work", "calendar", nil)
	home := e.install("cal-home", "calendar", nil)
	e.enable("et", work, `{"selectedCalendars":[{"externalId":"work-main"}]}`)
	e.enable("et", home, `{}`)
	from := time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(7 * 24 * time.Hour)
	e.peer.busy["cal-work"] = []abi.EventBusyDate{
		{Start: "2030-03-02T10:00:00Z", End: "2030-03-02T11:00:00Z"},
		{Start: "2030-03-01T09:00:00+01:00", End: "2030-03-01T09:30:00+01:00"},
	}
	e.peer.busy["cal-home"] = []abi.EventBusyDate{{Start: "2030-03-02T10:00:00Z", End: "2030-03-02T10:30:00Z"}}

	got, err := e.svc.Availability(e.ctx, e.tenant.ID, AvailabilityQuery{From: from, To: to, EventTypeID: "et"})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		start string
		app   string
	}{{"2030-03-01T08:00:00Z", "cal-work"}, {"2030-03-02T10:00:00Z", "cal-home"}, {"2030-03-02T10:00:00Z", "cal-work"}}
	if len(got.Busy) != len(want) || len(got.Warnings) != 0 {
		t.Fatalf("busy %+v", got)
	}
	for i, w := range want {
		if got.Busy[i].Start.Format(time.RFC3339) != w.start || got.Busy[i].App != w.app {
			t.Errorf("busy[%d] = %+v, want %s from %s", i, got.Busy[i], w.start, w.app)
		}
	}
	var in abi.CalendarGetAvailabilityInput
	unmarshal(t, e.peer.callsOf("cal-work", "calendar.getAvailability")[0].Body, &in)
	if len(in.SelectedCalendars) != 1 || in.SelectedCalendars[0].ExternalID != "work-main" || in.DateFrom != "2030-03-01T00:00:00Z" {
		t.Errorf("getAvailability got %+v", in)
	}

	// Cached: a second ask does not reach the calendars.
	if _, err := e.svc.Availability(e.ctx, e.tenant.ID, AvailabilityQuery{From: from, To: to, EventTypeID: "et"}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.peer.callsOf("cal-work", "calendar.getAvailability")); n != 1 {
		t.Errorf("%d calls, want 1 (cached)", n)
	}
	// A booking write of the tenant drops the cache.
	if _, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{Event: event("inval", from, nil)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Availability(e.ctx, e.tenant.ID, AvailabilityQuery{From: from, To: to, EventTypeID: "et"}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.peer.callsOf("cal-work", "calendar.getAvailability")); n != 2 {
		t.Errorf("%d calls, want 2 (invalidated)", n)
	}

	// One calendar fails: an error naming it, never a silent partial list.
	e.svc.avail.invalidate(e.tenant.ID)
	e.peer.respond("cal-home", "calendar.getAvailability", answer{Status: 401, Body: map[string]string{"code": "UNAUTHORIZED", "message": "token revoked"}})
	_, err = e.svc.Availability(e.ctx, e.tenant.ID, AvailabilityQuery{From: from, To: to, EventTypeID: "et"})
	var ue *UnavailableError
	if !errors.As(err, &ue) || len(ue.Failures) != 1 || ue.Failures[0].InstallationID != home || ue.Failures[0].Code != "UNAUTHORIZED" {
		t.Fatalf("failing calendar = %v", err)
	}
	// Partial results: the others, and a warning naming the failed one.
	e.peer.respond("cal-home", "calendar.getAvailability", answer{Status: 401, Body: map[string]string{"code": "UNAUTHORIZED", "message": "token revoked"}})
	got, err = e.svc.Availability(e.ctx, e.tenant.ID, AvailabilityQuery{From: from, To: to, EventTypeID: "et", Partial: true})
	if err != nil || len(got.Busy) != 2 || len(got.Warnings) != 1 || got.Warnings[0].App != "cal-home" {
		t.Fatalf("partial = %+v, %v", got, err)
	}
	// A calendar that does not answer in time fails with TIMEOUT.
	e.svc.avail.invalidate(e.tenant.ID)
	_, release := e.peer.holdCalls("cal-home", "calendar.getAvailability")
	defer release()
	_, err = e.svc.Availability(e.ctx, e.tenant.ID, AvailabilityQuery{From: from, To: to})
	if !errors.As(err, &ue) || ue.Failures[0].Code != string(abi.CodeTimeout) {
		t.Fatalf("slow calendar = %v", err)
	}
	release()

	for _, q := range []AvailabilityQuery{{From: to, To: from}, {From: from, To: from.Add(400 * 24 * time.Hour)}} {
		if _, err := e.svc.Availability(e.ctx, e.tenant.ID, q); !errors.Is(err, ErrBadRange) {
			t.Errorf("range %s..%s = %v", q.From, q.To, err)
		}
	}
}
