package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
)

func TestStandardWebhooksVector(t *testing.T) {
	// The published Standard Webhooks test vector: a receiver's library
	// verifies what we send only if this matches exactly.
	got := StandardSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature = %s, want %s", got, want)
	}
}

func TestCalSignature(t *testing.T) {
	body := []byte(`{"triggerEvent":"BOOKING_CREATED"}`)
	sig := CalSignature("s3cret-s3cret-s3cret", body)
	// hex HMAC-SHA256, as Cal.com's sendPayload computes it
	if len(sig) != 64 || strings.ToLower(sig) != sig {
		t.Fatalf("signature %q is not lower-case hex of 32 bytes", sig)
	}
	tests := []struct {
		name   string
		secret string
		body   string
		sig    string
		want   bool
	}{
		{"match", "s3cret-s3cret-s3cret", string(body), sig, true},
		{"upper case hex", "s3cret-s3cret-s3cret", string(body), strings.ToUpper(sig), true},
		{"other body", "s3cret-s3cret-s3cret", string(body) + " ", sig, false},
		{"other secret", "another-secret-here", string(body), sig, false},
		{"not hex", "s3cret-s3cret-s3cret", string(body), "no-secret-provided", false},
		{"short", "s3cret-s3cret-s3cret", string(body), sig[:62], false},
	}
	for _, tt := range tests {
		if got := VerifyCalSignature(tt.secret, []byte(tt.body), tt.sig); got != tt.want {
			t.Errorf("%s: verify = %v", tt.name, got)
		}
	}
	s := GenerateSecret()
	if !strings.HasPrefix(s, "whsec_") || len(standardKey(s)) != 32 || GenerateSecret() == s {
		t.Errorf("generated secret %q", s)
	}
}

func TestPayloadShape(t *testing.T) {
	start := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	b := store.Booking{ID: "bkg_1", UID: "uid-1", Status: store.BookingAccepted, ICalUID: "uid-1@Slotbox", ICalSequence: 2,
		StartTime: start, EndTime: start.Add(45 * time.Minute), Price: 1500, Currency: "usd", EventTypeID: "et_1",
		Event: json.RawMessage(`{"type":"intro","title":"Intro call","description":"Hi","startTime":"x","endTime":"y",
			"organizer":{"name":"O","email":"o@example.com","timeZone":"UTC","language":{"locale":"en"}},"attendees":[],
			"metadata":{"source":"web"}}`)}
	raw, err := Payload("BOOKING_CREATED", start.Add(-time.Hour), Booking{Booking: b, VideoCallURL: "https://meet.example/r1", PaymentID: "pay_1"})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		TriggerEvent string         `json:"triggerEvent"`
		CreatedAt    string         `json:"createdAt"`
		Payload      map[string]any `json:"payload"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	p := got.Payload
	meta, _ := p["metadata"].(map[string]any)
	checks := map[string]bool{
		"triggerEvent":      got.TriggerEvent == "BOOKING_CREATED",
		"createdAt":         got.CreatedAt == "2026-05-04T08:00:00.000Z",
		"status":            p["status"] == "ACCEPTED",
		"times":             p["startTime"] == "2026-05-04T09:00:00Z" && p["endTime"] == "2026-05-04T09:45:00Z",
		"eventTitle":        p["eventTitle"] == "Intro call" && p["eventDescription"] == "Hi",
		"length":            p["length"] == float64(45),
		"price":             p["price"] == float64(1500) && p["currency"] == "usd",
		"iCal":              p["iCalUID"] == "uid-1@Slotbox" && p["iCalSequence"] == float64(2),
		"videoCallUrl":      meta["videoCallUrl"] == "https://meet.example/r1" && meta["source"] == "web",
		"paymentId":         p["paymentId"] == "pay_1",
		"organizer kept":    p["organizer"] != nil && p["type"] == "intro",
		"slotbox booking":   p["slotboxBookingId"] == "bkg_1",
		"pending_payment→P": calcomStatus(store.BookingPendingPayment) == "PENDING",
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("%s wrong in %s", name, raw)
		}
	}
	if _, err := Payload("BOOKING_CREATED", start, Booking{Booking: store.Booking{Event: json.RawMessage(`[1]`)}}); err == nil {
		t.Error("a non-object event made a payload")
	}
}

func TestCreateValidates(t *testing.T) {
	e := newEnv(t, loopbackPolicy(), 3)
	ctx := context.Background()
	tests := []struct {
		name string
		n    NewWebhook
		path string
	}{
		{"ftp url", NewWebhook{SubscriberURL: "ftp://example.com/x", Triggers: []string{"BOOKING_CREATED"}}, "/subscriberUrl"},
		{"metadata address", NewWebhook{SubscriberURL: "http://169.254.169.254/latest", Triggers: []string{"BOOKING_CREATED"}}, "/subscriberUrl"},
		{"user info", NewWebhook{SubscriberURL: "https://u:p@example.com/", Triggers: []string{"BOOKING_CREATED"}}, "/subscriberUrl"},
		{"no triggers", NewWebhook{SubscriberURL: "https://example.com/"}, "/eventTriggers"},
		{"unknown trigger", NewWebhook{SubscriberURL: "https://example.com/", Triggers: []string{"BOOKING_EXPLODED"}}, "/eventTriggers/0"},
		{"repeated trigger", NewWebhook{SubscriberURL: "https://example.com/", Triggers: []string{"BOOKING_PAID", "BOOKING_PAID"}}, "/eventTriggers/1"},
		{"short secret", NewWebhook{SubscriberURL: "https://example.com/", Triggers: []string{"BOOKING_PAID"}, Secret: "short"}, "/secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := e.svc.Create(ctx, e.tenant.ID, tt.n)
			var pe *appstore.ProblemsError
			if !errors.As(err, &pe) {
				t.Fatalf("Create = %v, want problems", err)
			}
			if len(pe.Problems.At(tt.path)) == 0 {
				t.Errorf("problems %v, want one at %s", pe.Problems, tt.path)
			}
		})
	}
	w, secret, err := e.svc.Create(ctx, e.tenant.ID, NewWebhook{SubscriberURL: "https://example.com/hook", Triggers: []string{"BOOKING_CREATED"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "whsec_") || !w.HasSecret || !w.Active || w.KeyID == "" {
		t.Errorf("created %+v with secret %q", w, secret)
	}
	if strings.Contains(string(w.Secret), secret) {
		t.Error("the secret is stored in clear")
	}
	if got, _ := e.svc.secret(w); got != secret {
		t.Error("the sealed secret does not open to the generated one")
	}
	_, shown, err := e.svc.Create(ctx, e.tenant.ID, NewWebhook{SubscriberURL: "https://example.com/2", Triggers: []string{"BOOKING_PAID"},
		Secret: "my-own-secret-of-some-length"})
	if err != nil || shown != "" {
		t.Errorf("own secret: shown %q, err %v", shown, err)
	}
	bad := []string{"NOPE"}
	if _, err := e.svc.Update(ctx, e.tenant.ID, w.ID, Update{Triggers: &bad}); err == nil {
		t.Error("Update accepted an unknown trigger")
	}
}

// TestDeliverySigned delivers to a subscriber that verifies both
// signatures the way a receiver would.
func TestDeliverySigned(t *testing.T) {
	e := newEnv(t, loopbackPolicy(), 3)
	var secret atomic.Value
	got := make(chan http.Header, 1)
	srv := subscriber(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s := secret.Load().(string)
		ts, _ := strconv.ParseInt(r.Header.Get(HeaderTimestamp), 10, 64)
		want := StandardSignature(s, r.Header.Get(HeaderID), time.Unix(ts, 0), body)
		if !VerifyCalSignature(s, body, r.Header.Get(HeaderCalSignature)) || r.Header.Get(HeaderSignature) != want ||
			r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		got <- r.Header.Clone()
	})
	w, s, err := e.svc.Create(context.Background(), e.tenant.ID, NewWebhook{SubscriberURL: srv.URL + "/hook", Triggers: []string{"BOOKING_CREATED"}})
	if err != nil {
		t.Fatal(err)
	}
	secret.Store(s)
	if n := e.enqueue("BOOKING_CANCELLED", []byte(`{}`)); n != 0 {
		t.Fatalf("%d deliveries for an unsubscribed trigger", n)
	}
	if n := e.enqueue("BOOKING_CREATED", []byte(`{"triggerEvent":"BOOKING_CREATED"}`)); n != 1 {
		t.Fatalf("%d deliveries, want 1", n)
	}
	if ev := e.waitFinal(); ev.Job.State != "completed" {
		t.Fatalf("job %s", ev.Job.State)
	}
	h := <-got
	ds := e.deliveries(w.ID)
	if len(ds) != 1 || ds[0].Status != store.DeliverySuccess || ds[0].Attempts != 1 || ds[0].ResponseStatus != 200 ||
		h.Get(HeaderID) != ds[0].ID || ds[0].DeliveredAt.IsZero() {
		t.Errorf("delivery log %+v, headers %v", ds, h)
	}
}

// TestDeliveryDeadThenReplayed fails every attempt, lands in the dead
// letters, and is delivered when replayed after the subscriber recovers.
func TestDeliveryDeadThenReplayed(t *testing.T) {
	e := newEnv(t, loopbackPolicy(), 3)
	var healthy atomic.Bool
	var hits atomic.Int32
	srv := subscriber(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if !healthy.Load() {
			http.Error(w, "upstream\nbroken", http.StatusInternalServerError)
		}
	})
	w, _, err := e.svc.Create(context.Background(), e.tenant.ID, NewWebhook{SubscriberURL: srv.URL, Triggers: []string{"BOOKING_PAID"}})
	if err != nil {
		t.Fatal(err)
	}
	e.enqueue("BOOKING_PAID", []byte(`{}`))
	if ev := e.waitFinal(); ev.Job.State != "discarded" {
		t.Fatalf("job %s, want discarded", ev.Job.State)
	}
	d := e.deliveries(w.ID)[0]
	if d.Status != store.DeliveryDead || d.Attempts != 3 || d.ResponseStatus != 500 || d.Error != "500: upstream broken" || hits.Load() != 3 {
		t.Fatalf("dead delivery %+v after %d hits", d, hits.Load())
	}
	if _, err := e.svc.Replay(context.Background(), e.tenant.ID, "whk_other", d.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("replay under another webhook = %v", err)
	}
	healthy.Store(true)
	if _, err := e.svc.Replay(context.Background(), e.tenant.ID, w.ID, d.ID); err != nil {
		t.Fatal(err)
	}
	if ev := e.waitFinal(); ev.Job.State != "completed" {
		t.Fatalf("replayed job %s", ev.Job.State)
	}
	d = e.deliveries(w.ID)[0]
	if d.Status != store.DeliverySuccess || d.Attempts != 4 {
		t.Errorf("replayed delivery %+v", d)
	}
	if _, err := e.svc.Replay(context.Background(), e.tenant.ID, w.ID, d.ID); !errors.Is(err, ErrNotReplayable) {
		t.Errorf("replay of a delivered one = %v", err)
	}
}

func TestRedirectAndGone(t *testing.T) {
	e := newEnv(t, loopbackPolicy(), 1)
	var followed atomic.Bool
	target := subscriber(t, func(w http.ResponseWriter, r *http.Request) { followed.Store(true) })
	redirect := subscriber(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL, http.StatusTemporaryRedirect)
	})
	gone := subscriber(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	ctx := context.Background()
	wr, _, err := e.svc.Create(ctx, e.tenant.ID, NewWebhook{SubscriberURL: redirect.URL, Triggers: []string{"MEETING_ENDED"}})
	if err != nil {
		t.Fatal(err)
	}
	wg, _, err := e.svc.Create(ctx, e.tenant.ID, NewWebhook{SubscriberURL: gone.URL, Triggers: []string{"MEETING_STARTED"}})
	if err != nil {
		t.Fatal(err)
	}
	e.enqueue("MEETING_ENDED", []byte(`{}`))
	e.waitFinal()
	if d := e.deliveries(wr.ID)[0]; d.Status != store.DeliveryDead || d.ResponseStatus != 307 || !strings.Contains(d.Error, "redirects are not followed") {
		t.Errorf("redirected delivery %+v", d)
	}
	if followed.Load() {
		t.Error("the redirect was followed")
	}
	e.enqueue("MEETING_STARTED", []byte(`{}`))
	if ev := e.waitFinal(); ev.Job.State != "cancelled" {
		t.Errorf("410 job %s, want cancelled", ev.Job.State)
	}
	if d := e.deliveries(wg.ID)[0]; d.Status != store.DeliveryError || d.ResponseStatus != 410 {
		t.Errorf("gone delivery %+v", d)
	}
	if w, _ := e.st.Webhook(ctx, e.tenant.ID, wg.ID); w.Active {
		t.Error("a 410 left the webhook on")
	}
}

// TestAddressPolicyAtDial registers a name that resolves to loopback under
// a policy without exemptions: the URL check passes (it is a name), the
// dial-time check refuses it.
func TestAddressPolicyAtDial(t *testing.T) {
	e := newEnv(t, loopbackPolicy().WithAllowNet(), 1)
	var hit atomic.Bool
	srv := subscriber(t, func(w http.ResponseWriter, r *http.Request) { hit.Store(true) })
	ctx := context.Background()
	if _, _, err := e.svc.Create(ctx, e.tenant.ID, NewWebhook{SubscriberURL: srv.URL, Triggers: []string{"BOOKING_CREATED"}}); err == nil {
		t.Error("a loopback IP passed registration without an exemption")
	}
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	w, _, err := e.svc.Create(ctx, e.tenant.ID, NewWebhook{SubscriberURL: "http://localhost:" + port + "/", Triggers: []string{"BOOKING_CREATED"}})
	if err != nil {
		t.Fatal(err)
	}
	e.enqueue("BOOKING_CREATED", []byte(`{}`))
	e.waitFinal()
	d := e.deliveries(w.ID)[0]
	t.Logf("delivery error: %s", d.Error)
	if d.Status != store.DeliveryDead || !strings.Contains(d.Error, "address is refused") || hit.Load() {
		t.Errorf("delivery %+v, subscriber hit %v", d, hit.Load())
	}
}
