package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/internal/booking"
	"github.com/slotbox/slotbox/internal/webhook"
)

const bookingEvent = `{"type":"intro","title":"Intro","uid":"%s","startTime":"2030-05-01T10:00:00Z","endTime":"2030-05-01T10:30:00Z",
	"organizer":{"name":"O","email":"o@example.com","timeZone":"UTC","language":{"locale":"en"}},
	"attendees":[{"name":"A","email":"a@example.com","timeZone":"UTC","language":{"locale":"en"}}]}`

func eventJSON(uid string) string { return strings.Replace(bookingEvent, "%s", uid, 1) }

// TestBookingRoutes drives a booking through the API: create with
// ?wait, show, reschedule, cancel, other tenants and bad requests.
func TestBookingRoutes(t *testing.T) {
	b := newBookingHarness(t)
	cal := b.install("route-cal", "calendar")
	b.mustJSON(b.do("PUT", "/api/event-types/et/apps/"+cal, bearerOf(b.keyA), `{"appData":{}}`), http.StatusOK, nil)
	keyA, keyB := bearerOf(b.keyA), bearerOf(b.keyB)

	var v booking.View
	b.mustJSON(b.do("POST", "/api/bookings?wait=30s", keyA, `{"eventTypeId":"et","event":`+eventJSON("api-1")+`}`), http.StatusCreated, &v)
	if !v.Settled || len(v.Apps) != 1 || v.Apps[0].Status != "success" || v.Apps[0].App != "route-cal" || len(v.References) != 1 {
		t.Fatalf("created %s", mustMarshal(v))
	}
	id := v.Booking.ID
	b.run(t, []scenario{
		{name: "no key", method: "POST", url: "/api/bookings", body: `{}`, status: 401},
		{name: "show", method: "GET", url: "/api/bookings/" + id, headers: keyA, status: 200,
			want: []string{`"settled":true`, `"uid":"api-1"`, `"step":"calendar.createEvent"`, `"status":"success"`}},
		{name: "other tenant", method: "GET", url: "/api/bookings/" + id, headers: keyB, status: 404},
		{name: "list", method: "GET", url: "/api/bookings?eventTypeId=et", headers: keyA, status: 200, want: []string{`"uid":"api-1"`}},
		{name: "other tenant's list", method: "GET", url: "/api/bookings", headers: keyB, status: 200, notWant: []string{`api-1`}},
		{name: "same uid", method: "POST", url: "/api/bookings", headers: keyA, body: `{"event":` + eventJSON("api-1") + `}`, status: 409,
			want: []string{`"code":"CONFLICT"`}},
		{name: "invalid event", method: "POST", url: "/api/bookings", headers: keyA, body: `{"event":{"title":"x"}}`, status: 422,
			want: []string{`"code":"VALIDATION"`, `"path":"/event`}},
		{name: "unknown field", method: "POST", url: "/api/bookings", headers: keyA, body: `{"evnt":{}}`, status: 400},
		{name: "bad wait", method: "GET", url: "/api/bookings/" + id + "?wait=forever", headers: keyA, status: 400},
		{name: "reschedule", method: "POST", url: "/api/bookings/" + id + "/reschedule?wait=30s", headers: keyA,
			body: `{"startTime":"2030-05-02T10:00:00Z","endTime":"2030-05-02T11:00:00Z"}`, status: 200,
			want: []string{`"iCalSequence":1`, `"step":"calendar.updateEvent","status":"success"`}},
		{name: "reschedule without times", method: "POST", url: "/api/bookings/" + id + "/reschedule", headers: keyA, body: `{}`, status: 422},
		{name: "nothing to replay", method: "POST", url: "/api/bookings/" + id + "/replay", headers: keyA, status: 409},
		{name: "capture without hold", method: "POST", url: "/api/bookings/" + id + "/capture", headers: keyA, status: 409},
		{name: "cancel", method: "POST", url: "/api/bookings/" + id + "/cancel?wait=30s", headers: keyA,
			body: `{"cancellationReason":"ill"}`, status: 200, want: []string{`"status":"cancelled"`, `"step":"calendar.deleteEvent","status":"success"`}},
		{name: "reschedule cancelled", method: "POST", url: "/api/bookings/" + id + "/reschedule", headers: keyA,
			body: `{"startTime":"2030-05-02T10:00:00Z","endTime":"2030-05-02T11:00:00Z"}`, status: 409},
		{name: "dead letters", method: "GET", url: "/api/dead-letters", headers: keyA, status: 200, want: []string{`"items":[]`}},
	})

	// A calendar down for every attempt: dead, listed, replayed.
	b.mu.Lock()
	b.fail["calendar.createEvent"] = http.StatusServiceUnavailable
	b.mu.Unlock()
	b.mustJSON(b.do("POST", "/api/bookings?wait=30s", keyA, `{"eventTypeId":"et","event":`+eventJSON("api-2")+`}`), http.StatusCreated, &v)
	if v.Apps[0].Status != "dead" || v.Apps[0].ErrorCode != "PEER_DOWN" || v.Apps[0].Attempts != 2 {
		t.Fatalf("dead step %s", mustMarshal(v.Apps))
	}
	b.run(t, []scenario{{name: "dead listed", method: "GET", url: "/api/dead-letters", headers: keyA, status: 200,
		want: []string{`"bookingId":"` + v.Booking.ID + `"`, `"status":"dead"`}}})
	b.mu.Lock()
	delete(b.fail, "calendar.createEvent")
	b.mu.Unlock()
	b.mustJSON(b.do("POST", "/api/bookings/"+v.Booking.ID+"/replay?wait=30s", keyA, `{"step":"calendar.createEvent"}`), http.StatusOK, &v)
	if v.Apps[0].Status != "success" {
		t.Fatalf("replayed %s", mustMarshal(v.Apps))
	}
}

func TestAvailabilityAndTagRoutes(t *testing.T) {
	b := newBookingHarness(t)
	cal := b.install("route-cal", "calendar")
	b.mustJSON(b.do("PUT", "/api/event-types/et/apps/"+cal, bearerOf(b.keyA), `{}`), http.StatusOK, nil)
	keyA := bearerOf(b.keyA)
	q := "/api/availability?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z"
	b.run(t, []scenario{
		{name: "busy", method: "GET", url: q + "&eventTypeId=et", headers: keyA, status: 200,
			want: []string{`"start":"2030-01-01T10:00:00Z"`, `"installationId":"` + cal + `"`}},
		{name: "missing range", method: "GET", url: "/api/availability", headers: keyA, status: 400},
		{name: "reversed range", method: "GET", url: "/api/availability?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", headers: keyA, status: 400},
		{name: "bad partial", method: "GET", url: q + "&partial=maybe", headers: keyA, status: 400},
		{name: "no key", method: "GET", url: q, status: 401},
		{name: "tags", method: "GET", url: "/api/event-types/et/tags", headers: keyA, status: 200, want: []string{`"scripts":[]`}},
	})
	b.bookings.Availability(b.t.Context(), b.tenA.ID, booking.AvailabilityQuery{}) // a bad range: caches nothing
	b.mu.Lock()
	b.fail["calendar.getAvailability"] = http.StatusInternalServerError
	b.mu.Unlock()
	b.run(t, []scenario{
		{name: "calendar down", method: "GET", url: "/api/availability?from=2030-02-01T00:00:00Z&to=2030-02-02T00:00:00Z", headers: keyA,
			status: 502, want: []string{`"code":"CALENDAR_UNAVAILABLE"`, `"failures":[{"installationId":"` + cal + `","app":"route-cal","code":"PEER_DOWN"`}},
		{name: "partial", method: "GET", url: "/api/availability?from=2030-02-01T00:00:00Z&to=2030-02-02T00:00:00Z&partial=true", headers: keyA,
			status: 200, want: []string{`"busy":[]`, `"warnings":[{"installationId":"` + cal + `"`}},
	})
}

func TestWebhookRoutes(t *testing.T) {
	b := newBookingHarness(t)
	keyA, keyB := bearerOf(b.keyA), bearerOf(b.keyB)
	var w createdWebhook
	b.mustJSON(b.do("POST", "/api/webhooks", keyA, `{"subscriberUrl":"https://hooks.example.com/in","eventTriggers":["BOOKING_CREATED"]}`),
		http.StatusCreated, &w)
	if !strings.HasPrefix(w.Secret, "whsec_") || !w.HasSecret || !w.Active {
		t.Fatalf("created %+v", w)
	}
	b.run(t, []scenario{
		{name: "list", method: "GET", url: "/api/webhooks", headers: keyA, status: 200, want: []string{`"id":"` + w.ID + `"`}, notWant: []string{"whsec_"}},
		{name: "show hides the secret", method: "GET", url: "/api/webhooks/" + w.ID, headers: keyA, status: 200,
			want: []string{`"hasSecret":true`}, notWant: []string{"whsec_", `"secret"`}},
		{name: "other tenant", method: "GET", url: "/api/webhooks/" + w.ID, headers: keyB, status: 404},
		{name: "refused url", method: "POST", url: "/api/webhooks", headers: keyA,
			body: `{"subscriberUrl":"http://169.254.169.254/","eventTriggers":["BOOKING_CREATED"]}`, status: 422, want: []string{`"path":"/subscriberUrl"`}},
		{name: "unknown trigger", method: "POST", url: "/api/webhooks", headers: keyA,
			body: `{"subscriberUrl":"https://hooks.example.com/","eventTriggers":["NOPE"]}`, status: 422, want: []string{`"path":"/eventTriggers/0"`}},
		{name: "switch off", method: "PATCH", url: "/api/webhooks/" + w.ID, headers: keyA, body: `{"active":false}`, status: 200, want: []string{`"active":false`}},
		{name: "deliveries", method: "GET", url: "/api/webhooks/" + w.ID + "/deliveries", headers: keyA, status: 200, want: []string{`"items":[]`}},
		{name: "other tenant's deliveries", method: "GET", url: "/api/webhooks/" + w.ID + "/deliveries", headers: keyB, status: 404},
		{name: "replay unknown delivery", method: "POST", url: "/api/webhooks/" + w.ID + "/deliveries/msg_x/replay", headers: keyA, status: 404},
		{name: "delete", method: "DELETE", url: "/api/webhooks/" + w.ID, headers: keyA, status: 204},
		{name: "deleted", method: "GET", url: "/api/webhooks/" + w.ID, headers: keyA, status: 404},
	})
}

// TestInboundRoutes posts a provider webhook and Cal.com deliveries to the
// public routes, with good and bad signatures.
func TestInboundRoutes(t *testing.T) {
	b := newBookingHarness(t)
	pay := b.install("route-pay", "payment")
	cal := b.install("route-cal", "calendar")
	keyA := bearerOf(b.keyA)
	b.mustJSON(b.do("PUT", "/api/event-types/7/apps/"+cal, keyA, `{}`), http.StatusOK, nil)
	event := `{"paymentId":"pi_1","status":"succeeded","eventId":"evt_1"}`
	b.run(t, []scenario{
		{name: "forged provider call", method: "POST", url: "/api/installations/" + pay + "/webhook", body: event, status: 400,
			want: []string{`"code":"INVALID_SIGNATURE"`}},
		{name: "signed, unknown payment", method: "POST", url: "/api/installations/" + pay + "/webhook", body: event,
			headers: map[string]string{"X-Provider-Signature": "ok"}, status: 200, want: []string{`"ignored":"no booking has this payment"`}},
		{name: "unknown installation", method: "POST", url: "/api/installations/ins_nope/webhook", body: event, status: 404},
		{name: "not a payment app", method: "POST", url: "/api/installations/" + cal + "/webhook", body: event, status: 404},
	})

	var hook calcomHookView
	b.mustJSON(b.do("PUT", "/api/calcom-hook", keyA, ``), http.StatusOK, &hook)
	if hook.URL != "/hooks/calcom/"+b.tenA.ID || len(hook.Secret) != 64 {
		t.Fatalf("hook %+v", hook)
	}
	delivery := `{"triggerEvent":"BOOKING_CREATED","createdAt":"2030-01-01T00:00:00.000Z","payload":{"type":"intro","title":"Intro",` +
		`"startTime":"2030-05-01T10:00:00Z","endTime":"2030-05-01T10:30:00Z","uid":"cal-uid-1","eventTypeId":7,"status":"ACCEPTED",` +
		`"organizer":{"id":1,"name":"O","email":"o@example.com","timeZone":"UTC","language":{"locale":"en"},"utcOffset":0},` +
		`"attendees":[{"name":"A","email":"a@example.com","timeZone":"UTC","language":{"locale":"en"},"utcOffset":0}],"metadata":{}}}`
	sig := webhook.CalSignature(hook.Secret, []byte(delivery))
	b.run(t, []scenario{
		{name: "calcom unsigned", method: "POST", url: hook.URL, body: delivery, status: 401, want: []string{`"code":"BAD_SIGNATURE"`}},
		{name: "calcom other tenant", method: "POST", url: "/hooks/calcom/" + b.tenB.ID, body: delivery,
			headers: map[string]string{"X-Cal-Signature-256": sig}, status: 401},
		{name: "calcom created", method: "POST", url: hook.URL, body: delivery, headers: map[string]string{"X-Cal-Signature-256": sig},
			status: 200, want: []string{`"action":"created"`}},
		{name: "calcom again", method: "POST", url: hook.URL, body: delivery, headers: map[string]string{"X-Cal-Signature-256": sig},
			status: 200, want: []string{`"action":"duplicate"`}},
		{name: "hook off", method: "DELETE", url: "/api/calcom-hook", headers: keyA, status: 204},
		{name: "calcom after off", method: "POST", url: hook.URL, body: delivery, headers: map[string]string{"X-Cal-Signature-256": sig}, status: 401},
	})
}

// TestBookingRoutesWithoutServices answers 404 on a server without the
// booking services.
func TestBookingRoutesWithoutServices(t *testing.T) {
	h := newHarness(t)
	h.run(t, []scenario{
		{name: "bookings", method: "GET", url: "/api/bookings", headers: bearerOf(h.keyA), status: 404, want: []string{`"code":"NOT_FOUND"`}},
		{name: "still needs a key", method: "GET", url: "/api/bookings", status: 401},
		{name: "calcom", method: "POST", url: "/hooks/calcom/x", body: `{}`, status: 404},
	})
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
