package booking

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
)

func TestRescheduleAndCancel(t *testing.T) {
	e := newEnv(t)
	cal, video, crm, _, auto := e.fourApps()
	hooks, _ := e.subscribe("BOOKING_RESCHEDULED", "BOOKING_CANCELLED")
	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("r1", start, func(ev *abi.CalendarEvent) {
		ev.Location = "integrations:peer-video"
	})})
	if err != nil {
		t.Fatal(err)
	}
	id := v.Booking.ID
	e.settle(id)

	moved := start.Add(24 * time.Hour)
	v, err = e.svc.Reschedule(e.ctx, e.tenant.ID, id, RescheduleInput{StartTime: moved, EndTime: moved.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if v.Booking.ICalSequence != 1 || v.Booking.ICalUID != "r1@Slotbox" || !v.Booking.StartTime.Equal(moved) {
		t.Fatalf("rescheduled %+v", v.Booking)
	}
	v = e.settle(id)
	for _, s := range []struct{ inst, step string }{
		{video, stepVideoUpdate}, {cal, stepCalendarUpdate}, {crm, stepCRMUpdate}, {auto, "automation.onTrigger:BOOKING_RESCHEDULED"},
	} {
		if o := outcomeOf(t, v, s.inst, s.step); o.Status != store.AppStatusSuccess {
			t.Errorf("%s: %+v", s.step, o)
		}
	}
	var up abi.CalendarUpdateEventInput
	json.Unmarshal(e.peer.callsOf("peer-cal", "calendar.updateEvent")[0].Body, &up)
	if up.UID != "cal-r1" || up.Event.ICalUID != "r1@Slotbox" || up.Event.ICalSequence != 1 || up.Event.StartTime != moved.UTC().Format(time.RFC3339) {
		t.Errorf("calendar.updateEvent got uid %q event %+v", up.UID, up.Event)
	}
	var vup abi.VideoUpdateMeetingInput
	json.Unmarshal(e.peer.callsOf("peer-video", "video.updateMeeting")[0].Body, &vup)
	if vup.BookingRef.UID != "meet-r1" || vup.BookingRef.MeetingURL != "https://meet.example/r1" {
		t.Errorf("video.updateMeeting got ref %+v", vup.BookingRef)
	}
	if got := delivery(t, hooks); got["triggerEvent"] != "BOOKING_RESCHEDULED" {
		t.Errorf("webhook %v", got)
	}
	if n := e.peer.performedCount("peer-cal", "calendar.createEvent", "r1"); n != 1 {
		t.Errorf("calendar.createEvent performed %d times", n)
	}

	v, err = e.svc.Cancel(e.ctx, e.tenant.ID, id, "double booked")
	if err != nil {
		t.Fatal(err)
	}
	v = e.settle(id)
	if v.Booking.Status != store.BookingCancelled {
		t.Fatalf("status %s", v.Booking.Status)
	}
	for _, s := range []struct{ inst, step string }{{video, stepVideoDelete}, {cal, stepCalendarDelete}, {crm, stepCRMDelete}} {
		if o := outcomeOf(t, v, s.inst, s.step); o.Status != store.AppStatusSuccess {
			t.Errorf("%s: %+v", s.step, o)
		}
	}
	for _, r := range v.References {
		if !r.Deleted {
			t.Errorf("reference %s %s not deleted", r.Type, r.UID)
		}
	}
	var del abi.CalendarDeleteEventInput
	json.Unmarshal(e.peer.callsOf("peer-cal", "calendar.deleteEvent")[0].Body, &del)
	if del.UID != "cal-r1" || del.Event.CancellationReason != "double booked" {
		t.Errorf("calendar.deleteEvent got %q %q", del.UID, del.Event.CancellationReason)
	}
	if got := delivery(t, hooks); got["triggerEvent"] != "BOOKING_CANCELLED" || got["payload"].(map[string]any)["status"] != "CANCELLED" {
		t.Errorf("webhook %v", got)
	}
	// Cancelling again changes nothing; a cancelled booking cannot move.
	if again, err := e.svc.Cancel(e.ctx, e.tenant.ID, id, ""); err != nil || again.Booking.Status != store.BookingCancelled {
		t.Errorf("second cancel: %v", err)
	}
	if _, err := e.svc.Reschedule(e.ctx, e.tenant.ID, id, RescheduleInput{StartTime: moved, EndTime: moved}); !errors.Is(err, ErrCancelled) {
		t.Errorf("reschedule of a cancelled booking = %v", err)
	}
}

// TestRetriedOnce has the calendar's upstream answer 500 once: the step is
// retried and the event made once.
func TestRetriedOnce(t *testing.T) {
	e := newEnv(t)
	cal := e.install("peer-cal", "calendar", nil)
	e.enable("et", cal, `{}`)
	e.peer.respond("peer-cal", "calendar.createEvent", answer{Status: 500, Body: map[string]string{"code": "UPSTREAM", "message": "boom"}})
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("once", time.Now().Add(time.Hour), nil)})
	if err != nil {
		t.Fatal(err)
	}
	v = e.settle(v.Booking.ID)
	o := outcomeOf(t, v, cal, stepCalendarCreate)
	if o.Status != store.AppStatusSuccess || o.Attempts != 2 {
		t.Errorf("outcome %+v", o)
	}
	if n := len(e.peer.callsOf("peer-cal", "calendar.createEvent")); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
	if n := e.peer.performedCount("peer-cal", "calendar.createEvent", "once"); n != 1 {
		t.Errorf("event made %d times", n)
	}
}

// TestDeadLetterThenReplay has the CRM down for every attempt: the step is
// dead (River discards the job, the triggers still go out), listed as a
// dead letter, and done once the CRM is back and the step replayed.
func TestDeadLetterThenReplay(t *testing.T) {
	e := newEnv(t)
	crm := e.install("peer-crm", "crm", nil)
	auto := e.install("peer-auto", "automation", nil)
	e.enable("et", crm, `{}`)
	e.enable("et", auto, `{}`)
	events, cancel, err := e.runner.Subscribe(river.EventKindJobFailed)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	down := answer{Status: 503, Body: map[string]string{"code": "CRM_DOWN", "message": "maintenance"}}
	e.peer.respond("peer-crm", "crm.getContacts", down, down, down)
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("dead", time.Now().Add(time.Hour), nil)})
	if err != nil {
		t.Fatal(err)
	}
	id := v.Booking.ID
	v = e.settle(id)
	o := outcomeOf(t, v, crm, stepCRMCreate)
	if o.Status != store.AppStatusDead || o.Attempts != 3 || o.ErrorCode != "CRM_DOWN" || o.ErrorMessage != "maintenance" {
		t.Fatalf("crm outcome %+v", o)
	}
	if a := outcomeOf(t, v, auto, "automation.onTrigger:BOOKING_CREATED"); a.Status != store.AppStatusSuccess {
		t.Errorf("the trigger waits on a dead step: %+v", a)
	}
	var last *river.Event
	for last == nil || last.Job.Kind != "booking_step" || last.Job.State != rivertype.JobStateDiscarded {
		select {
		case last = <-events:
		case <-time.After(30 * time.Second):
			t.Fatal("no discarded job")
		}
	}
	dead, _, err := e.svc.DeadLetters(e.ctx, e.tenant.ID, store.Page{})
	if err != nil || len(dead) != 1 || dead[0].BookingID != id || dead[0].Step != stepCRMCreate {
		t.Fatalf("dead letters %+v, %v", dead, err)
	}
	v, err = e.svc.Replay(e.ctx, e.tenant.ID, id, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if o := outcomeOf(t, v, crm, stepCRMCreate); o.Status != store.AppStatusPending {
		t.Errorf("after replay %+v", o)
	}
	v = e.settle(id)
	if o := outcomeOf(t, v, crm, stepCRMCreate); o.Status != store.AppStatusSuccess || o.Attempts != 1 {
		t.Errorf("replayed %+v", o)
	}
	if n := e.peer.performedCount("peer-crm", "crm.createEvent", "dead"); n != 1 {
		t.Errorf("crm event made %d times", n)
	}
	if _, err := e.svc.Replay(e.ctx, e.tenant.ID, id, "", ""); !errors.Is(err, ErrNothingToReplay) {
		t.Errorf("second replay = %v", err)
	}
}

// TestNotRetriedWhenFinal has the app refuse the input: no retry, status
// error, the job cancelled.
func TestNotRetriedWhenFinal(t *testing.T) {
	e := newEnv(t)
	cal := e.install("peer-cal", "calendar", nil)
	e.enable("et", cal, `{}`)
	e.peer.respond("peer-cal", "calendar.createEvent", answer{Status: 400, Body: map[string]string{"code": "BAD_CALENDAR", "message": "no such calendar"}})
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("final", time.Now().Add(time.Hour), nil)})
	if err != nil {
		t.Fatal(err)
	}
	v = e.settle(v.Booking.ID)
	if o := outcomeOf(t, v, cal, stepCalendarCreate); o.Status != store.AppStatusError || o.Attempts != 1 || o.ErrorCode != "BAD_CALENDAR" {
		t.Errorf("outcome %+v", o)
	}
}

// TestStepRunTwiceMakesOneEvent runs a settled step's job again, and a
// step whose reference exists (its app call done, the record lost): no
// second calendar event either way.
func TestStepRunTwiceMakesOneEvent(t *testing.T) {
	e := newEnv(t)
	cal := e.install("peer-cal", "calendar", nil)
	e.enable("et", cal, `{}`)
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("twice", time.Now().Add(time.Hour), nil)})
	if err != nil {
		t.Fatal(err)
	}
	id := v.Booking.ID
	e.settle(id)
	w := &stepWorker{s: e.svc}
	args := StepArgs{TenantID: e.tenant.ID, BookingID: id, Op: 1, InstallationID: cal, Step: stepCalendarCreate}
	job := &river.Job[StepArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 3}, Args: args}
	if err := w.Work(e.ctx, job); err != nil {
		t.Fatal(err)
	}
	// As if the process died after the app call and the reference, before
	// the step was recorded.
	if _, err := e.st.SetBookingStepState(e.ctx, e.tenant.ID, id, 1, cal, stepCalendarCreate, store.StepQueued, false); err != nil {
		t.Fatal(err)
	}
	if err := w.Work(e.ctx, job); err != nil {
		t.Fatal(err)
	}
	if n := len(e.peer.callsOf("peer-cal", "calendar.createEvent")); n != 1 {
		t.Errorf("calendar.createEvent called %d times", n)
	}
	v = e.settle(id)
	if o := outcomeOf(t, v, cal, stepCalendarCreate); o.Status != store.AppStatusSuccess {
		t.Errorf("outcome %+v", o)
	}
}

// TestUpdateWaitsForCreate reschedules while the calendar's create is held
// upstream: the update starts only once the create settled, and updates
// the event the create made.
func TestUpdateWaitsForCreate(t *testing.T) {
	e := newEnv(t)
	cal := e.install("peer-cal", "calendar", nil)
	e.enable("et", cal, `{}`)
	arrived, release := e.peer.holdCalls("peer-cal", "calendar.createEvent")
	defer release()
	start := time.Now().Add(time.Hour).Truncate(time.Minute)
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("order", start, nil)})
	if err != nil {
		t.Fatal(err)
	}
	<-arrived
	moved := start.Add(2 * time.Hour)
	v, err = e.svc.Reschedule(e.ctx, e.tenant.ID, v.Booking.ID, RescheduleInput{StartTime: moved, EndTime: moved.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if o := outcomeOf(t, v, cal, stepCalendarUpdate); o.State != store.StepPlanned {
		t.Errorf("update while the create runs: %+v", o)
	}
	release()
	v = e.settle(v.Booking.ID)
	if o := outcomeOf(t, v, cal, stepCalendarUpdate); o.Status != store.AppStatusSuccess {
		t.Errorf("update %+v", o)
	}
	var order []string
	for _, c := range e.peer.callsOf("peer-cal", "") {
		order = append(order, c.Method)
	}
	if len(order) != 2 || order[0] != "calendar.createEvent" || order[1] != "calendar.updateEvent" {
		t.Errorf("calendar calls %v", order)
	}
}

// TestDisabledAppIsReported shows an app the operator disabled as an error
// at once instead of skipping it silently.
func TestDisabledAppIsReported(t *testing.T) {
	e := newEnv(t)
	cal := e.install("peer-cal", "calendar", nil)
	e.enable("et", cal, `{}`)
	app, err := e.st.AppBySlug(e.ctx, "peer-cal")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetAppEnabled(e.ctx, app.ID, false); err != nil {
		t.Fatal(err)
	}
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("off", time.Now().Add(time.Hour), nil)})
	if err != nil {
		t.Fatal(err)
	}
	if o := outcomeOf(t, v, cal, stepCalendarCreate); o.Status != store.AppStatusError || o.ErrorCode != codeAppDisabled {
		t.Errorf("outcome %+v", o)
	}
}

func TestCreateValidates(t *testing.T) {
	e := newEnv(t)
	start := time.Now().Add(time.Hour)
	tests := []struct {
		name string
		ev   json.RawMessage
		path string
	}{
		{"not an object", json.RawMessage(`[1]`), "/event"},
		{"no organizer", json.RawMessage(`{"type":"x","title":"t","startTime":"2030-01-01T10:00:00Z","endTime":"2030-01-01T11:00:00Z","attendees":[]}`), "/event"},
		{"bad time", event("t", start, func(ev *abi.CalendarEvent) { ev.StartTime = "tomorrow" }), "/event/startTime"},
		{"ends first", event("t", start, func(ev *abi.CalendarEvent) { ev.EndTime = start.Add(-time.Hour).UTC().Format(time.RFC3339) }), "/event/endTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: tt.ev})
			if err == nil {
				t.Fatal("accepted")
			}
			if got := problemsOf(err); len(got.At(tt.path)) == 0 {
				t.Errorf("problems %v (%v), want one at %s", got, err, tt.path)
			}
		})
	}
	if _, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{Event: event("dup", start, nil)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{Event: event("dup", start, nil)}); !errors.Is(err, ErrExists) {
		t.Errorf("second create with the uid = %v", err)
	}
	if _, err := e.svc.View(context.Background(), "tnt_other", "bkg_x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("view of a missing booking = %v", err)
	}
}

// problemsOf returns the problems of an appstore.ProblemsError.
func problemsOf(err error) abi.Problems {
	var pe *appstore.ProblemsError
	if errors.As(err, &pe) {
		return pe.Problems
	}
	return nil
}

// TestThrottledStepWaits has the app report the host's rate limit: the
// step waits and runs again without spending an attempt.
func TestThrottledStepWaits(t *testing.T) {
	e := newEnv(t, func(o *envOpts) { o.maxAttempts = 1 })
	cal := e.install("peer-cal", "calendar", nil)
	e.enable("et", cal, `{}`)
	limited := answer{Status: 429, Body: map[string]string{"code": "RATE_LIMITED", "message": "installation exceeded its request rate"}}
	e.peer.respond("peer-cal", "calendar.createEvent", limited, limited)
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("slow", time.Now().Add(time.Hour), nil)})
	if err != nil {
		t.Fatal(err)
	}
	v = e.settle(v.Booking.ID)
	// One attempt allowed, three runs: the two throttled ones were not counted.
	if o := outcomeOf(t, v, cal, stepCalendarCreate); o.Status != store.AppStatusSuccess || o.Attempts != 1 {
		t.Errorf("outcome %+v", o)
	}
	if n := len(e.peer.callsOf("peer-cal", "calendar.createEvent")); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
}
