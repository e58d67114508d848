package booking

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/caldav/davtest"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
)

// installFirstParty publishes a first-party app from its built module
// (testdata/wasm/apps) and manifest (apps/<slug>/config.json) and installs
// it for the tenant with keys.
func (e *env) installFirstParty(slug string, keys map[string]string) string {
	e.t.Helper()
	wasm, err := os.ReadFile("../../testdata/wasm/apps/" + slug + ".wasm")
	if err != nil {
		e.t.Fatal(err)
	}
	cfg, err := os.ReadFile("../../apps/" + slug + "/config.json")
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.apps.Publish(e.ctx, appstore.Upload{Manifest: cfg, Wasm: wasm}, appstore.PublishOptions{Enabled: true, FirstParty: true}); err != nil {
		e.t.Fatalf("publish %s: %v", slug, err)
	}
	raw, _ := json.Marshal(keys)
	in, err := e.apps.CreateInstallation(e.ctx, e.tenant.ID, appstore.NewInstallation{App: slug, Keys: raw})
	if err != nil {
		e.t.Fatalf("install %s: %v", slug, err)
	}
	return in.ID
}

// greenfield is a loopback BTCPay Server (the part of the Greenfield API
// the app uses): a store, and invoices made by POST.
type greenfield struct {
	srv      *httptest.Server
	mu       sync.Mutex
	invoices int
}

func newGreenfield(t *testing.T) *greenfield {
	g := &greenfield{}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "token 0123456789abcdef" {
			http.Error(w, `{"code":"unauthenticated","message":"bad key"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "GET" && r.URL.Path == "/api/v1/stores/store1":
			io.WriteString(w, `{"id":"store1","name":"Shop"}`)
		case r.Method == "GET" && r.URL.Path == "/api/v1/stores/store1/invoices":
			io.WriteString(w, `[]`)
		case r.Method == "POST" && r.URL.Path == "/api/v1/stores/store1/invoices":
			var in struct{ Amount, Currency string }
			json.NewDecoder(r.Body).Decode(&in)
			g.mu.Lock()
			g.invoices++
			g.mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"id": "inv_1", "amount": in.Amount, "currency": in.Currency, "status": "New",
				"checkoutLink": g.srv.URL + "/i/inv_1", "expirationTime": time.Now().Add(time.Hour).Unix()})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(g.srv.Close)
	return g
}

// TestFirstPartyApps books with the first-party apps against their peers:
// CalDAV (the davtest server), Jitsi (no network), BTCPay Server (a
// loopback Greenfield API and its signed webhook) and Plausible (a
// loopback Events API), with the test app as CRM and automation.
func TestFirstPartyApps(t *testing.T) {
	e := newEnv(t)
	dav := davtest.New("alice", "secret", "/dav")
	work := dav.AddCalendar("work", "Work")
	davSrv := httptest.NewServer(dav)
	t.Cleanup(davSrv.Close)
	var goals []map[string]any
	var gmu sync.Mutex
	plausible := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev map[string]any
		json.NewDecoder(r.Body).Decode(&ev)
		gmu.Lock()
		goals = append(goals, ev)
		gmu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "ok")
	}))
	t.Cleanup(plausible.Close)
	gf := newGreenfield(t)

	cal := e.installFirstParty("caldav", map[string]string{"url": davSrv.URL + "/dav/", "username": "alice", "password": "secret"})
	jitsi := e.installFirstParty("jitsi", map[string]string{})
	pay := e.installFirstParty("btcpayserver", map[string]string{"serverUrl": gf.srv.URL, "storeId": "store1",
		"apiKey": "token 0123456789abcdef", "webhook_secret": "whsecret-12345"})
	stats := e.installFirstParty("plausible", map[string]string{"baseUrl": plausible.URL, "domain": "shop.example.com"})
	crm := e.install("peer-crm", "crm", nil)
	e.enable("et", cal, `{}`)
	e.enable("et", jitsi, `{}`)
	e.enable("et", pay, `{"price": 1500, "currency": "USD", "paymentOption": "ON_BOOKING"}`)
	e.enable("et", stats, `{"goal": "Booking"}`)
	e.enable("et", crm, `{}`)

	start := time.Date(2030, 9, 2, 9, 0, 0, 0, time.UTC)
	v, err := e.svc.Create(e.ctx, e.tenant.ID, CreateInput{EventTypeID: "et", Event: event("fp1", start, func(ev *abi.CalendarEvent) {
		ev.Location = "integrations:jitsi"
		ev.DestinationCalendar = []abi.DestinationCalendar{{Integration: "caldav_calendar", ExternalID: davSrv.URL + work}}
	})})
	if err != nil {
		t.Fatal(err)
	}
	id := v.Booking.ID
	v = e.settle(id)
	if v.Booking.Status != store.BookingPendingPayment || len(v.Payments) != 1 || v.Payments[0].ExternalID != "inv_1" {
		t.Fatalf("before payment: %+v %+v%s", v.Booking, v.Payments, describe(v))
	}
	var data struct {
		URL string `json:"url"`
	}
	json.Unmarshal(v.Payments[0].Data, &data)
	if data.URL != gf.srv.URL+"/i/inv_1" {
		t.Errorf("checkout link %q", data.URL)
	}

	// BTCPay Server reports the invoice settled, signed with BTCPay-Sig.
	body := `{"deliveryId":"d1","webhookId":"w1","isRedelivery":false,"type":"InvoiceSettled","timestamp":1767000000,` +
		`"storeId":"store1","invoiceId":"inv_1","manuallyMarked":false,"overPaid":false}`
	mac := hmac.New(sha256.New, []byte("whsecret-12345"))
	mac.Write([]byte(body))
	headers := map[string]string{"btcpay-sig": "sha256=" + hex.EncodeToString(mac.Sum(nil)), "content-type": "application/json"}
	if _, err := e.svc.PaymentWebhook(e.ctx, pay, map[string]string{"btcpay-sig": "sha256=00"}, []byte(body)); err == nil {
		t.Fatal("a forged BTCPay delivery was accepted")
	}
	res, err := e.svc.PaymentWebhook(e.ctx, pay, headers, []byte(body))
	if err != nil || res.PaymentStatus != store.PaymentPaid {
		t.Fatalf("settled webhook = %+v, %v", res, err)
	}
	v = e.settle(id)
	for _, a := range v.Apps {
		if a.Status != store.AppStatusSuccess {
			t.Errorf("%s %s: %s %s %s", a.App, a.Step, a.Status, a.ErrorCode, a.ErrorMessage)
		}
	}
	// The event is in the work calendar, named after its iCalUID.
	objs := dav.Objects()
	if len(objs) != 1 || !strings.HasPrefix(objs[0], work) || !strings.Contains(objs[0], "fp1@Slotbox") {
		t.Fatalf("calendar objects %v", objs)
	}
	ics, _, _ := dav.Object(objs[0])
	var meeting string
	for _, r := range v.References {
		if r.Type == "jitsi_video" {
			meeting = r.MeetingURL
		}
	}
	if meeting == "" || !strings.HasPrefix(meeting, "https://meet.jit.si/") || !strings.Contains(ics, "DTSTART:20300902T090000Z") {
		t.Errorf("meeting %q, calendar object:\n%s", meeting, ics)
	}
	gmu.Lock()
	defer gmu.Unlock()
	if len(goals) != 2 || goals[0]["name"] != "Booking" || goals[0]["domain"] != "shop.example.com" {
		t.Errorf("plausible goals %v", goals)
	}

	// Moved: the same object is rewritten, the sequence raised.
	moved := start.Add(2 * time.Hour)
	if _, err := e.svc.Reschedule(e.ctx, e.tenant.ID, id, RescheduleInput{StartTime: moved, EndTime: moved.Add(30 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	v = e.settle(id)
	if o := outcomeOf(t, v, cal, stepCalendarUpdate); o.Status != store.AppStatusSuccess {
		t.Fatalf("caldav update %+v", o)
	}
	ics, _, _ = dav.Object(objs[0])
	if len(dav.Objects()) != 1 || !strings.Contains(ics, "DTSTART:20300902T110000Z") || !strings.Contains(ics, "SEQUENCE:1") {
		t.Errorf("after reschedule %v:\n%s", dav.Objects(), ics)
	}
	if _, err := e.svc.Cancel(e.ctx, e.tenant.ID, id, "sorry"); err != nil {
		t.Fatal(err)
	}
	v = e.settle(id)
	if o := outcomeOf(t, v, cal, stepCalendarDelete); o.Status != store.AppStatusSuccess || len(dav.Objects()) != 0 {
		t.Errorf("caldav delete %+v, objects %v", o, dav.Objects())
	}
	if gf.invoices != 1 {
		t.Errorf("%d invoices", gf.invoices)
	}
}
