package main_test

// Tests of the built module testdata/wasm/apps/btcpayserver.wasm, run by
// runtime.Engine with the real host functions against a loopback fake of
// BTCPay Server's Greenfield API (fake_test.go).

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/internal/apptest"
)

const (
	testStore   = "9CWLdqNeMtRLuzfpoLcZ4w8Lr4dTR9G8g3uVUaTjY8kf"
	testAPIKey  = "4a5bc7e1f0d9c8b7a6e5d4c3b2a1f0e9d8c7b6a5"
	testSecret  = "whsec-3kTa9fQz7WbZ2mJ8"
	testBooking = 4242
)

// peer is the fake Greenfield server with an installation of the app.
type peer struct {
	gf *fakeGreenfield
	ts *httptest.Server
	h  *harness
}

// newPeer starts the fake; edit changes the installation's keys.
func newPeer(tb testing.TB, edit func(keys map[string]string)) *peer {
	tb.Helper()
	gf := newFakeGreenfield(testAPIKey, testStore)
	ts := httptest.NewServer(gf)
	tb.Cleanup(ts.Close)
	gf.base = ts.URL
	keys := map[string]string{
		"serverUrl": ts.URL, "storeId": testStore, "apiKey": "token " + testAPIKey,
		"webhook_secret": testSecret, "redirectUrl": "https://cal.example.com/booking/{bookingId}?paid=true",
	}
	if edit != nil {
		edit(keys)
	}
	return &peer{gf: gf, ts: ts, h: newHarness(tb, keys, apptest.HostPort(tb, ts.URL))}
}

// payment is a payment.create input.
func payment(amount int64, currency string) abi.PaymentCreateInput {
	return abi.PaymentCreateInput{
		Payment:       abi.PaymentAmount{Amount: amount, Currency: currency},
		BookingID:     testBooking,
		BookerName:    "Bob Booker",
		BookerEmail:   "bob@example.net",
		EventTitle:    "Consultation, 30 min",
		PaymentOption: abi.PaymentOnBooking,
	}
}

// sign returns the BTCPay-Sig of body under secret.
func sign(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func TestManifest(t *testing.T) {
	m, err := readManifest()
	if err != nil {
		t.Fatalf("abi.ParseManifest refuses config.json: %v", err)
	}
	if m.Slug != slug || m.Type != "btcpayserver_payment" || m.Category() != abi.CategoryPayment {
		t.Fatalf("slug %q type %q category %q", m.Slug, m.Type, m.Category())
	}
	if got := m.Permissions.HTTP.AllowedHosts; !slices.Equal(got, []string{"{{keys.serverUrl}}"}) {
		t.Fatalf("allowedHosts %v", got)
	}
	reveal := m.Permissions.Vault.Reveal
	if slices.Contains(reveal, "apiKey") || !slices.Contains(reveal, "webhook_secret") || m.Permissions.KV {
		t.Fatalf("permissions %+v: reveal the webhook secret, never the API key; no kv", m.Permissions)
	}
	if c := m.Credential; c == nil || c.Inject != abi.InjectHeader || c.Header != "Authorization" || c.Field != "apiKey" {
		t.Fatalf("credential %+v", m.Credential)
	}
	for _, tc := range []struct {
		keys string
		ok   bool
	}{
		{`{"serverUrl":"https://btcpay.example.com","storeId":"9CWLdq","apiKey":"token 4a5bc7e1f0d9c8b7a6e5","webhook_secret":"whsec-123456"}`, true},
		{`{"serverUrl":"https://btcpay.example.com/","storeId":"9CWLdq","apiKey":"token 4a5bc7e1f0d9c8b7a6e5","webhook_secret":"whsec-123456","redirectUrl":"https://cal.example.com/b/{bookingId}"}`, true},
		{`{"serverUrl":"https://btcpay.example.com","storeId":"9CWLdq","apiKey":"4a5bc7e1f0d9c8b7a6e5","webhook_secret":"whsec-123456"}`, false},
		{`{"serverUrl":"https://btcpay.example.com/api","storeId":"9CWLdq","apiKey":"token 4a5bc7e1f0d9c8b7a6e5","webhook_secret":"whsec-123456"}`, false},
		{`{"serverUrl":"https://btcpay.example.com","storeId":"../x","apiKey":"token 4a5bc7e1f0d9c8b7a6e5","webhook_secret":"whsec-123456"}`, false},
		{`{"serverUrl":"https://btcpay.example.com","storeId":"9CWLdq","apiKey":"token 4a5bc7e1f0d9c8b7a6e5"}`, false},
	} {
		if err := m.ValidateKeys([]byte(tc.keys)); (err == nil) != tc.ok {
			t.Errorf("keys %s: valid=%v, want %v (%v)", tc.keys, err == nil, tc.ok, err)
		}
	}
}

func TestCheckKeys(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(map[string]string)
		fault     []any // method, suffix, status, body, header...
		valid     bool
		appCode   string
		retryable bool
	}{
		{name: "valid", valid: true},
		{name: "wrong API key", edit: func(k map[string]string) { k["apiKey"] = "token 0000000000000000000000" }},
		{name: "unknown store", edit: func(k map[string]string) { k["storeId"] = "NoSuchStore" }},
		{name: "key without the permission", fault: []any{"GET", "/" + testStore, 403, `{"code":"missing-permission","message":"Insufficient API Permissions."}`}},
		{name: "server down", fault: []any{"GET", "/" + testStore, 503, "<html>maintenance</html>"}, appCode: "UPSTREAM_UNAVAILABLE", retryable: true},
		{name: "rate limited", fault: []any{"GET", "/" + testStore, 429, `{"code":"rate-limited","message":"slow down"}`, "Retry-After", "30"}, appCode: "UPSTREAM_RATE_LIMITED", retryable: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, tc.edit)
			if tc.fault != nil {
				var hdr []string
				for _, h := range tc.fault[4:] {
					hdr = append(hdr, h.(string))
				}
				p.gf.fault(tc.fault[0].(string), tc.fault[1].(string), tc.fault[2].(int), tc.fault[3].(string), hdr...)
			}
			env := p.h.Call(abi.MethodAppCheckKeys, map[string]any{}).Envelope
			if tc.appCode != "" {
				if env.Error == nil || env.Error.AppCode != tc.appCode || env.Error.Retryable != tc.retryable {
					t.Fatalf("got %s %+v, want %s retryable=%v", env.OK, env.Error, tc.appCode, tc.retryable)
				}
				return
			}
			var res abi.AppCheckKeysResult
			if env.Error != nil || json.Unmarshal(env.OK, &res) != nil {
				t.Fatalf("checkKeys: %s %+v", env.OK, env.Error)
			}
			if res.Valid != tc.valid || (!res.Valid && res.Message == "") {
				t.Fatalf("got %+v, want valid=%v with a message when invalid", res, tc.valid)
			}
		})
	}
}

func TestCreate(t *testing.T) {
	p := newPeer(t, nil)
	var res abi.PaymentCreateResult
	p.h.OK(abi.MethodPaymentCreate, payment(1234, "usd"), &res)
	inv := p.gf.invoice(res.ID)
	if inv.ID == "" {
		t.Fatalf("no invoice %q on the server", res.ID)
	}
	if res.Success || res.URL != p.ts.URL+"/i/"+inv.ID || res.Data["storeId"] != testStore || res.Data["status"] != "New" {
		t.Fatalf("result %+v", res)
	}
	if inv.Amount != "12.34" || inv.Currency != "USD" {
		t.Fatalf("invoice of %s %s, want 12.34 USD", inv.Amount, inv.Currency)
	}
	wantMeta := map[string]any{"orderId": "4242", "buyerName": "Bob Booker", "buyerEmail": "bob@example.net", "itemDesc": "Consultation, 30 min"}
	for k, v := range wantMeta {
		if inv.Metadata[k] != v {
			t.Errorf("metadata %s = %v, want %v", k, inv.Metadata[k], v)
		}
	}
	if inv.Checkout["redirectURL"] != "https://cal.example.com/booking/4242?paid=true" || inv.Checkout["redirectAutomatically"] != true {
		t.Fatalf("checkout %v", inv.Checkout)
	}
	posts := p.gf.recorded("POST")
	if len(posts) != 1 || posts[0].Header.Get("Authorization") != "token "+testAPIKey || !strings.HasPrefix(posts[0].Header.Get("Content-Type"), "application/json") {
		t.Fatalf("POSTs %+v", posts)
	}
	// The guest read the keys it needs, never the API key.
	if slices.Contains(p.h.Audit.Fields(), "apiKey") {
		t.Fatal("the API key was revealed to the guest")
	}

	// A retried call finds the invoice: no second one.
	var again abi.PaymentCreateResult
	p.h.OK(abi.MethodPaymentCreate, payment(1234, "USD"), &again)
	if again.ID != res.ID || p.gf.invoiceCount() != 1 {
		t.Fatalf("retry made invoice %s (%d in all), want %s", again.ID, p.gf.invoiceCount(), res.ID)
	}
	if q := p.gf.recorded("GET")[1].Query; q != "orderId=4242" {
		t.Fatalf("lookup query %q", q)
	}
	// Once it expired, the booking gets a new one.
	p.gf.expire(res.ID)
	p.h.OK(abi.MethodPaymentCreate, payment(1234, "USD"), &again)
	if again.ID == res.ID || p.gf.invoiceCount() != 2 {
		t.Fatalf("after expiry got %s (%d invoices)", again.ID, p.gf.invoiceCount())
	}
	// A settled invoice for the booking answers success.
	p.gf.settle(again.ID)
	p.h.OK(abi.MethodPaymentCreate, payment(1234, "USD"), &res)
	if res.ID != again.ID || !res.Success {
		t.Fatalf("settled invoice: %+v", res)
	}
}

func TestCreateAmounts(t *testing.T) {
	for _, tc := range []struct {
		amount   int64
		currency string
		want     string
	}{
		{1500, "JPY", "1500"}, {1234, "BHD", "1.234"}, {150000, "BTC", "0.0015"}, {5, "EUR", "0.05"}, {100, "CHF", "1"},
	} {
		t.Run(tc.currency, func(t *testing.T) {
			p := newPeer(t, func(k map[string]string) { delete(k, "redirectUrl") })
			var res abi.PaymentCreateResult
			p.h.OK(abi.MethodPaymentCreate, payment(tc.amount, tc.currency), &res)
			inv := p.gf.invoice(res.ID)
			if inv.Amount != tc.want || inv.Currency != tc.currency || inv.Checkout != nil {
				t.Fatalf("%d %s became %s %s (checkout %v), want %s", tc.amount, tc.currency, inv.Amount, inv.Currency, inv.Checkout, tc.want)
			}
		})
	}
}

func TestRefund(t *testing.T) {
	p := newPeer(t, nil)
	var created abi.PaymentCreateResult
	p.h.OK(abi.MethodPaymentCreate, payment(2500, "EUR"), &created)

	// Not paid yet: BTCPay refuses.
	e := p.h.Fail(abi.MethodPaymentRefund, abi.PaymentRefundInput{PaymentID: created.ID})
	if e.AppCode != "NOT_REFUNDABLE" || e.Retryable {
		t.Fatalf("refund of an unpaid invoice: %+v", e)
	}

	p.gf.settle(created.ID)
	var res abi.PaymentRefundResult
	p.h.OK(abi.MethodPaymentRefund, abi.PaymentRefundInput{PaymentID: created.ID}, &res)
	if res.ID != created.ID || !res.Refunded {
		t.Fatalf("refund %+v", res)
	}
	req := p.gf.lastRefund()
	if req["payoutMethodId"] != "BTC-CHAIN" || req["paymentMethod"] != "BTC-CHAIN" || req["refundVariant"] != "CurrentRate" {
		t.Fatalf("refund request %v: want the paid method BTC-CHAIN, CurrentRate", req)
	}
	// Twice: BTCPay refuses, and so does the app.
	if e := p.h.Fail(abi.MethodPaymentRefund, abi.PaymentRefundInput{PaymentID: created.ID}); e.AppCode != "NOT_REFUNDABLE" {
		t.Fatalf("second refund: %+v", e)
	}
	if e := p.h.Fail(abi.MethodPaymentRefund, abi.PaymentRefundInput{PaymentID: "NoSuchInvoice"}); e.AppCode != "NOT_FOUND" {
		t.Fatalf("refund of an unknown invoice: %+v", e)
	}
}

func TestHandleWebhook(t *testing.T) {
	p := newPeer(t, nil)
	event := func(typ string, extra string) string {
		return `{"deliveryId":"D1","webhookId":"W1","originalDeliveryId":"D1","isRedelivery":false,"type":"` + typ +
			`","timestamp":1767225600,"storeId":"` + testStore + `","invoiceId":"InvAbc","metadata":{"orderId":"4242"}` + extra + `}`
	}
	tests := []struct {
		name    string
		headers func(body string) map[string]string
		body    string
		status  abi.PaymentStatus
		id      string
		code    abi.Code
		appCode string
	}{
		{name: "settled", body: event("InvoiceSettled", `,"manuallyMarked":false,"overPaid":false`), status: abi.PaymentSucceeded, id: "InvAbc"},
		{name: "processing", body: event("InvoiceProcessing", `,"overPaid":false`), status: abi.PaymentPending, id: "InvAbc"},
		{name: "expired", body: event("InvoiceExpired", `,"partiallyPaid":false`), status: abi.PaymentCanceled, id: "InvAbc"},
		{name: "expired partly paid", body: event("InvoiceExpired", `,"partiallyPaid":true`), status: abi.PaymentFailed, id: "InvAbc"},
		{name: "invalid", body: event("InvoiceInvalid", `,"manuallyMarked":true`), status: abi.PaymentFailed, id: "InvAbc"},
		{name: "created is ignored", body: event("InvoiceCreated", ""), status: abi.PaymentIgnored},
		{name: "received payment is ignored", body: event("InvoiceReceivedPayment", `,"afterExpiration":false`), status: abi.PaymentIgnored},
		{name: "another store is ignored", body: strings.Replace(event("InvoiceSettled", ""), testStore, "OtherStore", 1), status: abi.PaymentIgnored},
		{name: "header name in any case", body: event("InvoiceSettled", ""), status: abi.PaymentSucceeded, id: "InvAbc",
			headers: func(b string) map[string]string { return map[string]string{"BTCPay-Sig": sign(testSecret, b)} }},
		{name: "no signature", body: event("InvoiceSettled", ""), headers: func(string) map[string]string { return map[string]string{} },
			code: abi.CodeAppError, appCode: "INVALID_SIGNATURE"},
		{name: "wrong secret", body: event("InvoiceSettled", ""), headers: func(b string) map[string]string { return map[string]string{"btcpay-sig": sign("guess", b)} },
			code: abi.CodeAppError, appCode: "INVALID_SIGNATURE"},
		{name: "tampered body", body: event("InvoiceSettled", ""), headers: func(b string) map[string]string {
			return map[string]string{"btcpay-sig": sign(testSecret, strings.Replace(b, "InvAbc", "InvXyz", 1))}
		}, code: abi.CodeAppError, appCode: "INVALID_SIGNATURE"},
		{name: "not sha256=", body: event("InvoiceSettled", ""), headers: func(b string) map[string]string {
			return map[string]string{"btcpay-sig": strings.TrimPrefix(sign(testSecret, b), "sha256=")}
		}, code: abi.CodeAppError, appCode: "INVALID_SIGNATURE"},
		{name: "signed garbage", body: `{"type":`, code: abi.CodeInvalidInput},
		{name: "settled without invoice", body: `{"type":"InvoiceSettled","storeId":"` + testStore + `"}`, code: abi.CodeInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			headers := map[string]string{"btcpay-sig": sign(testSecret, tc.body), "content-type": "application/json"}
			if tc.headers != nil {
				headers = tc.headers(tc.body)
			}
			env := p.h.Call(abi.MethodPaymentHandleWebhook, abi.PaymentHandleWebhookInput{Headers: headers, Body: tc.body}).Envelope
			if tc.code != "" {
				if env.Error == nil || env.Error.Code != tc.code || env.Error.AppCode != tc.appCode || env.Error.Retryable {
					t.Fatalf("got %s %+v, want %s[%s]", env.OK, env.Error, tc.code, tc.appCode)
				}
				return
			}
			if env.Error != nil {
				t.Fatal(env.Error)
			}
			var res abi.PaymentHandleWebhookResult
			if err := json.Unmarshal(env.OK, &res); err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.status || res.PaymentID != tc.id {
				t.Fatalf("got %+v, want %s %q", res, tc.status, tc.id)
			}
		})
	}
	// No secret installed: every delivery is refused, none is trusted.
	bare := newPeer(t, func(k map[string]string) { delete(k, "webhook_secret") })
	body := event("InvoiceSettled", "")
	if e := bare.h.Fail(abi.MethodPaymentHandleWebhook, abi.PaymentHandleWebhookInput{Headers: map[string]string{"btcpay-sig": sign("", body)}, Body: body}); e.AppCode != "INVALID_SIGNATURE" {
		t.Fatalf("without a secret: %+v", e)
	}
}

// TestErrorPaths checks that every failure of BTCPay Server is a clear
// error envelope.
func TestErrorPaths(t *testing.T) {
	create := payment(1234, "USD")
	tests := []struct {
		name      string
		edit      func(map[string]string)
		setup     func(p *peer)
		method    string
		input     any
		code      abi.Code
		appCode   string
		retryable bool
		contains  string
	}{
		{name: "401 wrong key", edit: func(k map[string]string) { k["apiKey"] = "token 0000000000000000000000" }, method: abi.MethodPaymentCreate, input: create,
			code: abi.CodeAppError, appCode: "UNAUTHORIZED", contains: "unauthenticated"},
		{name: "403 missing permission", setup: func(p *peer) { p.gf.revoke(permCreateInvoice) }, method: abi.MethodPaymentCreate, input: create,
			code: abi.CodeAppError, appCode: "UNAUTHORIZED", contains: permCreateInvoice},
		{name: "404 store", edit: func(k map[string]string) { k["storeId"] = "NoSuchStore" }, method: abi.MethodPaymentCreate, input: create,
			code: abi.CodeAppError, appCode: "NOT_FOUND", contains: "store-not-found"},
		{name: "422 validation", setup: func(p *peer) {
			p.gf.fault("POST", "/invoices", 422, `[{"path":"currency","message":"Invalid currency"}]`)
		}, method: abi.MethodPaymentCreate, input: create, code: abi.CodeAppError, appCode: "VALIDATION_FAILED", contains: "currency: Invalid currency"},
		{name: "429 retry after", setup: func(p *peer) {
			p.gf.fault("POST", "/invoices", 429, `{"code":"rate-limited","message":"Too many requests"}`, "Retry-After", "30")
		}, method: abi.MethodPaymentCreate, input: create, code: abi.CodeAppError, appCode: "UPSTREAM_RATE_LIMITED", retryable: true, contains: "retry after 30s"},
		{name: "500", setup: func(p *peer) { p.gf.fault("POST", "/invoices", 500, "Internal Server Error") }, method: abi.MethodPaymentCreate, input: create,
			code: abi.CodeAppError, appCode: "UPSTREAM_UNAVAILABLE", retryable: true},
		{name: "502 on refund", setup: func(p *peer) { p.gf.fault("GET", "/payment-methods", 502, "<html>Bad Gateway</html>") }, method: abi.MethodPaymentRefund,
			input: abi.PaymentRefundInput{PaymentID: "Inv1"}, code: abi.CodeAppError, appCode: "UPSTREAM_UNAVAILABLE", retryable: true},
		{name: "malformed JSON", setup: func(p *peer) { p.gf.fault("POST", "/invoices", 200, `{"id":"Inv1","checkoutLink":`) }, method: abi.MethodPaymentCreate, input: create,
			code: abi.CodeAppError, appCode: "BAD_RESPONSE"},
		{name: "no checkout link", setup: func(p *peer) { p.gf.fault("POST", "/invoices", 200, `{"id":"Inv1","status":"New"}`) }, method: abi.MethodPaymentCreate, input: create,
			code: abi.CodeAppError, appCode: "BAD_RESPONSE"},
		{name: "checkout link not http", setup: func(p *peer) {
			p.gf.fault("POST", "/invoices", 200, `{"id":"Inv1","status":"New","checkoutLink":"javascript:alert(1)"}`)
		},
			method: abi.MethodPaymentCreate, input: create, code: abi.CodeAppError, appCode: "BAD_RESPONSE"},
		{name: "hold is refused", method: abi.MethodPaymentCreate, input: func() any { c := create; c.PaymentOption = abi.PaymentHold; return c }(), code: abi.CodeInvalidInput},
		{name: "zero amount", method: abi.MethodPaymentCreate, input: payment(0, "USD"), code: abi.CodeInvalidInput},
		{name: "redirect key not a URL", edit: func(k map[string]string) { k["redirectUrl"] = "cal.example.com/{bookingId}" }, method: abi.MethodPaymentCreate, input: create, code: abi.CodeInvalidInput},
		{name: "empty payment id", method: abi.MethodPaymentRefund, input: abi.PaymentRefundInput{}, code: abi.CodeInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, tc.edit)
			if tc.setup != nil {
				tc.setup(p)
			}
			e := p.h.Fail(tc.method, tc.input)
			if e.Code != tc.code || e.AppCode != tc.appCode || e.Retryable != tc.retryable || !strings.Contains(e.Message, tc.contains) {
				t.Fatalf("got %+v\nwant %s[%s] retryable=%v containing %q", e, tc.code, tc.appCode, tc.retryable, tc.contains)
			}
			if strings.Contains(e.Message, testAPIKey) {
				t.Fatalf("the error shows the API key: %s", e.Message)
			}
		})
	}
}

// TestHostRefusals checks the host's policy: a server the operator did not
// exempt, and one that does not answer.
func TestHostRefusals(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadAddr := apptest.HostPort(t, dead.URL)
	dead.Close()
	live := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(live.Close)
	for _, tc := range []struct {
		name, url string
		allowNet  []string
		appCode   abi.Code
	}{
		{"loopback not exempted", live.URL, nil, abi.CodePermissionDenied},
		{"connection refused", "http://" + deadAddr, []string{deadAddr}, abi.CodeNetworkError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, map[string]string{"serverUrl": tc.url, "storeId": testStore, "apiKey": "token " + testAPIKey, "webhook_secret": testSecret}, tc.allowNet...)
			for _, m := range []struct {
				method string
				input  any
			}{{abi.MethodAppCheckKeys, map[string]any{}}, {abi.MethodPaymentCreate, payment(1234, "USD")}} {
				e := h.Fail(m.method, m.input)
				if e.Code != abi.CodeAppError || e.AppCode != string(tc.appCode) {
					t.Fatalf("%s: got %+v, want APP_ERROR[%s]", m.method, e, tc.appCode)
				}
			}
		})
	}
}

// BenchmarkCreate is the warm call time of the app's main method:
// payment.create (the orderId lookup and the invoice POST through the host
// to the loopback fake) on a pooled instance.
func BenchmarkCreate(b *testing.B) {
	p := newPeer(b, nil)
	p.h.OK(abi.MethodAppCheckKeys, map[string]any{}, nil)
	for i := 0; b.Loop(); i++ {
		in := payment(1234, "USD")
		in.BookingID = int64(10_000 + i)
		p.h.OK(abi.MethodPaymentCreate, in, nil)
	}
}

// BenchmarkHandleWebhook is one verified webhook: vault_get of the secret,
// HMAC-SHA256 and the event's mapping, without network.
func BenchmarkHandleWebhook(b *testing.B) {
	p := newPeer(b, nil)
	body := `{"deliveryId":"D1","type":"InvoiceSettled","storeId":"` + testStore + `","invoiceId":"InvAbc","metadata":{"orderId":"4242"}}`
	in := abi.PaymentHandleWebhookInput{Headers: map[string]string{"btcpay-sig": sign(testSecret, body)}, Body: body}
	p.h.OK(abi.MethodPaymentHandleWebhook, in, nil)
	for b.Loop() {
		p.h.OK(abi.MethodPaymentHandleWebhook, in, nil)
	}
}

// BenchmarkCompile is the time to validate, meter and compile the module
// in a fresh engine without a cache.
func BenchmarkCompile(b *testing.B) {
	_, man := loadModule(b)
	apptest.BenchCompile(b, apptest.ReadModule(b, slug), man)
}

// BenchmarkInstantiate is the time to instantiate the module (its
// _initialize included) and serve one trivial call on the new instance.
func BenchmarkInstantiate(b *testing.B) {
	_, man := loadModule(b)
	apptest.BenchInstantiate(b, apptest.ReadModule(b, slug), man, abi.MethodCRMGetContacts, []byte(`{}`), abi.CodeNotImplemented)
}
