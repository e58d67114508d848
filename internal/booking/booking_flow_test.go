package booking

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/internal/webhook"
)

// fourApps installs a calendar, a video app, a CRM, analytics and an
// automation app, all enabled for event type "et".
func (e *env) fourApps() (cal, video, crm, analytics, auto string) {
	cal = e.install("peer-cal", "calendar", nil)
	video = e.install("peer-video", "conferencing", nil)
	crm = e.install("peer-crm", "crm", nil)
	analytics = e.install("peer-analytics", "analytics", nil)
	auto = e.install("peer-auto", "automation", nil)
	for _, id := range []string{cal, video, crm, analytics, auto} {
		e.enable("et", id, `{}`)
	}
	return
}

// subscribe registers a webhook for triggers and returns what it receives.
func (e *env) subscribe(triggers ...string) (<-chan []byte, string) {
	e.t.Helper()
	got := make(chan []byte, 16)
	var secret string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.VerifyCalSignature(secret, body, r.Header.Get(webhook.HeaderCalSignature)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		got <- body
	}))
	e.t.Cleanup(srv.Close)
	_, secret, err := e.hooks.Create(e.ctx, e.tenant.ID, webhook.NewWebhook{SubscriberURL: srv.URL, Triggers: triggers})
	if err != nil {
		e.t.Fatal(err)
	}
	return got, secret
}

// delivery waits for the next webhook body.
func delivery(t *testing.T, ch <-chan []byte) map[string]any {
	t.Helper()
	select {
	case b := <-ch:
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	case <-time.After(30 * time.Second):
		t.Fatal("no webhook delivery within 30s")
		return nil
	}
}

func TestCreateRunsEveryApp(t *testing.T) {
	e := newEnv(t)
	cal, video, crm, analytics, auto := e.fourApps()
	hooks, _ := e.subscribe("BOOKING_CREATED")
	start := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("b1", start, func(ev *abi.CalendarEvent) {
		ev.Location = "integrations:peer-video"
	})})
	if err != nil {
		t.Fatal(err)
	}
	if v.Booking.Status != store.BookingAccepted || v.Booking.ICalUID != "b1@Slotbox" || len(v.Apps) != 5 {
		t.Fatalf("created %+v%s", v.Booking, describe(v))
	}
	for _, a := range v.Apps {
		if a.Status != store.AppStatusPending {
			t.Errorf("%s %s is %s before any job ran", a.App, a.Step, a.Status)
		}
	}
	t0 := time.Now()
	v = e.settle(v.Booking.ID)
	t.Logf("settled in %s", time.Since(t0))
	for _, s := range []struct{ inst, step string }{
		{video, stepVideoCreate}, {cal, stepCalendarCreate}, {crm, stepCRMCreate},
		{analytics, "analytics.track:BOOKING_CREATED"}, {auto, "automation.onTrigger:BOOKING_CREATED"},
	} {
		if o := outcomeOf(t, v, s.inst, s.step); o.Status != store.AppStatusSuccess || o.Attempts != 1 {
			t.Errorf("%s: %+v", s.step, o)
		}
	}
	if len(v.References) != 3 {
		t.Fatalf("references %+v", v.References)
	}
	// The calendar event carries the meeting the video app made first.
	calIn := e.peer.callsOf("peer-cal", "calendar.createEvent")
	var in abi.CalendarCreateEventInput
	if err := json.Unmarshal(calIn[0].Body, &in); err != nil {
		t.Fatal(err)
	}
	if in.Event.VideoCallData == nil || in.Event.VideoCallData.URL != "https://meet.example/b1" || in.Event.ICalUID != "b1@Slotbox" {
		t.Errorf("calendar got %+v", in.Event)
	}
	// The CRM looked the attendee up, created the contact, then the event.
	if len(e.peer.callsOf("peer-crm", "crm.getContacts")) != 1 || len(e.peer.callsOf("peer-crm", "crm.createContacts")) != 1 {
		t.Error("CRM contacts were not looked up and created")
	}
	var crmIn abi.CRMCreateEventInput
	json.Unmarshal(e.peer.callsOf("peer-crm", "crm.createEvent")[0].Body, &crmIn)
	if len(crmIn.Contacts) != 1 || crmIn.Contacts[0].Email != "ada@example.com" {
		t.Errorf("crm.createEvent contacts %+v", crmIn.Contacts)
	}
	// Automation and webhooks get Cal.com's payload with the meeting link.
	var autoIn abi.AutomationOnTriggerInput
	json.Unmarshal(e.peer.callsOf("peer-auto", "automation.onTrigger")[0].Body, &autoIn)
	var payload map[string]any
	json.Unmarshal(autoIn.Payload, &payload)
	if autoIn.TriggerEvent != "BOOKING_CREATED" || payload["metadata"].(map[string]any)["videoCallUrl"] != "https://meet.example/b1" {
		t.Errorf("automation got %s %v", autoIn.TriggerEvent, payload)
	}
	body := delivery(t, hooks)
	if body["triggerEvent"] != "BOOKING_CREATED" || body["payload"].(map[string]any)["uid"] != "b1" {
		t.Errorf("webhook got %v", body)
	}
	for _, m := range []struct{ app, method string }{
		{"peer-video", "video.createMeeting"}, {"peer-cal", "calendar.createEvent"}, {"peer-crm", "crm.createEvent"},
		{"peer-auto", "automation.onTrigger"}, {"peer-analytics", "analytics.track"},
	} {
		if n := e.peer.performedCount(m.app, m.method, "b1"); n != 1 {
			t.Errorf("%s %s performed %d times", m.app, m.method, n)
		}
	}
}
