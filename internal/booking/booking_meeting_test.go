package booking

import (
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

// TestMeetingTriggers books a meeting a second or two from now, moves it a
// second later: River raises MEETING_STARTED and MEETING_ENDED at the new
// times (ScheduledAt), once each; the jobs of the first times find the
// booking moved and raise nothing.
func TestMeetingTriggers(t *testing.T) {
	e := newEnv(t)
	auto := e.install("peer-auto", "automation", nil)
	e.enable("et", auto, `{}`)
	done, cancel, err := e.runner.Subscribe(river.EventKindJobCompleted)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	first := time.Now().Add(2 * time.Second).Truncate(time.Second)
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("meet", first, func(ev *abi.CalendarEvent) {
		ev.EndTime = first.Add(time.Second).UTC().Format(time.RFC3339)
	})})
	if err != nil {
		t.Fatal(err)
	}
	moved := first.Add(time.Second)
	if _, err := e.svc.Reschedule(e.ctx, e.tenant.ID, v.Booking.ID, RescheduleInput{StartTime: moved, EndTime: moved.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	var jobs int
	if err := e.st.DB().QueryRowContext(e.ctx, `SELECT COUNT(*) FROM river_job WHERE kind = 'booking_meeting'`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if jobs != 4 {
		t.Errorf("%d meeting jobs, want 4 (two per times)", jobs)
	}
	seen := map[string]int{}
	deadline := time.After(30 * time.Second)
	for seen["MEETING_STARTED"] == 0 || seen["MEETING_ENDED"] == 0 {
		select {
		case c := <-e.peer.seen:
			if c.Method != "automation.onTrigger" {
				continue
			}
			var in struct {
				TriggerEvent string
				Payload      struct{ StartTime string }
			}
			unmarshal(t, c.Body, &in)
			seen[in.TriggerEvent]++
			if in.TriggerEvent == "MEETING_STARTED" && in.Payload.StartTime != moved.UTC().Format(time.RFC3339) {
				t.Errorf("MEETING_STARTED for start %s, want %s", in.Payload.StartTime, moved.UTC().Format(time.RFC3339))
			}
		case <-deadline:
			t.Fatalf("triggers seen %v", seen)
		}
	}
	// All four meeting jobs complete: the stale ones raising nothing.
	for completed := 0; completed < 4; {
		select {
		case ev := <-done:
			if ev.Job.Kind == "booking_meeting" {
				completed++
			}
		case <-deadline:
			t.Fatalf("%d of 4 meeting jobs completed", completed)
		}
	}
	v = e.settle(v.Booking.ID)
	if seen["MEETING_STARTED"] != 1 || seen["MEETING_ENDED"] != 1 {
		t.Errorf("triggers %v, want each once", seen)
	}
	if o := outcomeOf(t, v, auto, "automation.onTrigger:MEETING_ENDED"); o.Status != store.AppStatusSuccess {
		t.Errorf("meeting ended %+v", o)
	}
}
