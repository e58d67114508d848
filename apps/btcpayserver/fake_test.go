package main_test

// fakeGreenfield is a loopback stand-in for BTCPay Server's Greenfield API
// v1, following its documented requests and answers for the endpoints the
// app uses:
//
//	GET  /api/v1/stores/{storeId}                                   StoreData
//	GET  /api/v1/stores/{storeId}/invoices?orderId=                 InvoiceData[]
//	POST /api/v1/stores/{storeId}/invoices                          InvoiceData
//	GET  /api/v1/stores/{storeId}/invoices/{invoiceId}/payment-methods  InvoicePaymentMethodDataModel[]
//	POST /api/v1/stores/{storeId}/invoices/{invoiceId}/refund       PullPaymentData
//
// Authentication is "Authorization: token <apiKey>" (401 unauthenticated
// otherwise), each endpoint needs its permission (403 missing-permission),
// errors are {"code","message"} or, for validation, 422 [{"path","message"}],
// and a wrong store or invoice is 404 store-not-found / invoice-not-found.
// Faults answer the next matching requests with a canned status.

import (
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Greenfield permissions the endpoints need.
const (
	permViewStore     = "btcpay.store.canviewstoresettings"
	permCreateInvoice = "btcpay.store.cancreateinvoice"
	permViewInvoices  = "btcpay.store.canviewinvoices"
	permPullPayments  = "btcpay.store.cancreatenonapprovedpullpayments"
)

type fakeGreenfield struct {
	apiKey, storeID string
	base            string // the server's URL, for links

	mu       sync.Mutex
	perms    map[string]bool
	invoices []*fakeInvoice
	faults   []*gfFault
	requests []gfRequest
	refunds  []map[string]any
}

type fakeInvoice struct {
	ID       string
	Amount   string
	Currency string
	Status   string
	Metadata map[string]any
	Checkout map[string]any
	Paid     bool
	Refunded bool
}

type gfFault struct {
	method, path string // path suffix
	status       int
	header       http.Header
	body         string
	times        int
}

type gfRequest struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

func newFakeGreenfield(apiKey, storeID string) *fakeGreenfield {
	return &fakeGreenfield{
		apiKey: apiKey, storeID: storeID,
		perms: map[string]bool{permViewStore: true, permCreateInvoice: true, permViewInvoices: true, permPullPayments: true},
	}
}

// fault answers the next matching requests with status, header and body.
func (g *fakeGreenfield) fault(method, pathSuffix string, status int, body string, header ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	g.faults = append(g.faults, &gfFault{method: method, path: pathSuffix, status: status, header: h, body: body, times: 1})
}

// revoke takes a permission away from the API key.
func (g *fakeGreenfield) revoke(perm string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.perms, perm)
}

// settle marks an invoice paid and settled, as a confirmed payment would.
func (g *fakeGreenfield) settle(id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if inv := g.find(id); inv != nil {
		inv.Status, inv.Paid = "Settled", true
	}
}

// expire marks an invoice expired.
func (g *fakeGreenfield) expire(id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if inv := g.find(id); inv != nil {
		inv.Status = "Expired"
	}
}

func (g *fakeGreenfield) invoice(id string) fakeInvoice {
	g.mu.Lock()
	defer g.mu.Unlock()
	if inv := g.find(id); inv != nil {
		return *inv
	}
	return fakeInvoice{}
}

func (g *fakeGreenfield) invoiceCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.invoices)
}

func (g *fakeGreenfield) lastRefund() map[string]any {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.refunds) == 0 {
		return nil
	}
	return g.refunds[len(g.refunds)-1]
}

func (g *fakeGreenfield) recorded(method string) []gfRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []gfRequest
	for _, r := range g.requests {
		if r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// find returns the invoice id; g.mu is held.
func (g *fakeGreenfield) find(id string) *fakeInvoice {
	for _, inv := range g.invoices {
		if inv.ID == id {
			return inv
		}
	}
	return nil
}

var (
	storePath   = regexp.MustCompile(`^/api/v1/stores/([^/]+)$`)
	invoicesRe  = regexp.MustCompile(`^/api/v1/stores/([^/]+)/invoices$`)
	methodsRe   = regexp.MustCompile(`^/api/v1/stores/([^/]+)/invoices/([^/]+)/payment-methods$`)
	refundRe    = regexp.MustCompile(`^/api/v1/stores/([^/]+)/invoices/([^/]+)/refund$`)
	currencyRe  = regexp.MustCompile(`^[A-Z]{3,5}$`)
	errNotFound = apiErr{"store-not-found", "Store not found"}
)

type apiErr struct{ code, message string }

func (g *fakeGreenfield) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	g.mu.Lock()
	g.requests = append(g.requests, gfRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)})
	var f *gfFault
	for i, x := range g.faults {
		if (x.method == "" || x.method == r.Method) && strings.HasSuffix(r.URL.Path, x.path) {
			f = x
			if x.times--; x.times == 0 {
				g.faults = slices.Delete(g.faults, i, i+1)
			}
			break
		}
	}
	g.mu.Unlock()
	if f != nil {
		for k, vs := range f.header {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, f.body)
		return
	}

	if r.Header.Get("Authorization") != "token "+g.apiKey {
		writeErr(w, http.StatusUnauthorized, apiErr{"unauthenticated", "Authentication is required for accessing this endpoint"})
		return
	}
	if r.Method == http.MethodPost && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		writeErr(w, http.StatusUnsupportedMediaType, apiErr{"unsupported-media-type", "Content-Type must be application/json"})
		return
	}
	p := r.URL.Path
	switch {
	case r.Method == http.MethodGet && storePath.MatchString(p):
		g.getStore(w, storePath.FindStringSubmatch(p)[1])
	case r.Method == http.MethodGet && invoicesRe.MatchString(p):
		g.listInvoices(w, r, invoicesRe.FindStringSubmatch(p)[1])
	case r.Method == http.MethodPost && invoicesRe.MatchString(p):
		g.createInvoice(w, invoicesRe.FindStringSubmatch(p)[1], body)
	case r.Method == http.MethodGet && methodsRe.MatchString(p):
		m := methodsRe.FindStringSubmatch(p)
		g.paymentMethods(w, m[1], m[2])
	case r.Method == http.MethodPost && refundRe.MatchString(p):
		m := refundRe.FindStringSubmatch(p)
		g.refund(w, m[1], m[2], body)
	default:
		writeErr(w, http.StatusNotFound, apiErr{"not-found", "not found"})
	}
}

// allowed checks the store and the key's permission; it answers the
// refusal itself.
func (g *fakeGreenfield) allowed(w http.ResponseWriter, store, perm string) bool {
	g.mu.Lock()
	ok := g.perms[perm]
	g.mu.Unlock()
	switch {
	case store != g.storeID:
		writeErr(w, http.StatusNotFound, errNotFound)
		return false
	case !ok:
		writeErr(w, http.StatusForbidden, apiErr{"missing-permission", fmt.Sprintf("Insufficient API Permissions. Please use an API key with permission %q.", perm)})
		return false
	}
	return true
}

func (g *fakeGreenfield) getStore(w http.ResponseWriter, store string) {
	if !g.allowed(w, store, permViewStore) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": g.storeID, "name": "Bookings", "website": "https://example.com", "defaultCurrency": "USD"})
}

func (g *fakeGreenfield) invoiceData(inv *fakeInvoice) map[string]any {
	now := time.Now().Unix()
	return map[string]any{
		"id": inv.ID, "storeId": g.storeID, "amount": inv.Amount, "currency": inv.Currency, "type": "Standard",
		"checkoutLink": g.base + "/i/" + inv.ID, "status": inv.Status, "additionalStatus": "None",
		"createdTime": now, "expirationTime": now + 900, "monitoringExpiration": now + 3600,
		"metadata": inv.Metadata, "checkout": inv.Checkout, "archived": false,
	}
}

func (g *fakeGreenfield) listInvoices(w http.ResponseWriter, r *http.Request, store string) {
	if !g.allowed(w, store, permViewInvoices) {
		return
	}
	orderIDs := r.URL.Query()["orderId"]
	g.mu.Lock()
	out := []map[string]any{}
	for i := len(g.invoices) - 1; i >= 0; i-- { // newest first, as BTCPay lists
		inv := g.invoices[i]
		if len(orderIDs) == 0 || slices.Contains(orderIDs, fmt.Sprint(inv.Metadata["orderId"])) {
			out = append(out, g.invoiceData(inv))
		}
	}
	g.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (g *fakeGreenfield) createInvoice(w http.ResponseWriter, store string, body []byte) {
	if !g.allowed(w, store, permCreateInvoice) {
		return
	}
	var req struct {
		Amount   json.RawMessage `json:"amount"`
		Currency string          `json:"currency"`
		Metadata map[string]any  `json:"metadata"`
		Checkout map[string]any  `json:"checkout"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeErr(w, http.StatusBadRequest, apiErr{"invalid-json", err.Error()})
		return
	}
	var problems []map[string]string
	var amount string
	if err := json.Unmarshal(req.Amount, &amount); err != nil {
		amount = string(req.Amount)
	}
	if v, ok := new(big.Rat).SetString(amount); !ok || v.Sign() < 0 {
		problems = append(problems, map[string]string{"path": "amount", "message": "Amount should be a positive decimal"})
	}
	if !currencyRe.MatchString(req.Currency) {
		problems = append(problems, map[string]string{"path": "currency", "message": "Invalid currency"})
	}
	if len(problems) > 0 {
		writeJSON(w, http.StatusUnprocessableEntity, problems)
		return
	}
	g.mu.Lock()
	inv := &fakeInvoice{ID: fmt.Sprintf("Inv%05dXyZ", len(g.invoices)+1), Amount: amount, Currency: req.Currency, Status: "New", Metadata: req.Metadata, Checkout: req.Checkout}
	g.invoices = append(g.invoices, inv)
	data := g.invoiceData(inv)
	g.mu.Unlock()
	writeJSON(w, http.StatusOK, data)
}

func (g *fakeGreenfield) paymentMethods(w http.ResponseWriter, store, id string) {
	if !g.allowed(w, store, permViewInvoices) {
		return
	}
	g.mu.Lock()
	inv := g.find(id)
	var out []map[string]any
	if inv != nil {
		payments := []map[string]any{}
		if inv.Paid {
			payments = append(payments, map[string]any{"id": "tx1-0", "receivedDate": time.Now().Unix(), "value": "0.00012", "fee": "0", "status": "Settled", "destination": "bc1qexample"})
		}
		out = []map[string]any{
			{"activated": true, "paymentMethodId": "BTC-LN", "currency": "BTC", "payments": []map[string]any{}},
			{"activated": true, "paymentMethodId": "BTC-CHAIN", "currency": "BTC", "amount": "0.00012", "payments": payments},
		}
	}
	g.mu.Unlock()
	if inv == nil {
		writeErr(w, http.StatusNotFound, apiErr{"invoice-not-found", "The invoice was not found"})
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (g *fakeGreenfield) refund(w http.ResponseWriter, store, id string, body []byte) {
	if !g.allowed(w, store, permPullPayments) {
		return
	}
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		writeErr(w, http.StatusBadRequest, apiErr{"invalid-json", err.Error()})
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	inv := g.find(id)
	switch {
	case inv == nil:
		writeErr(w, http.StatusNotFound, apiErr{"invoice-not-found", "The invoice was not found"})
		return
	case inv.Status != "Settled" || inv.Refunded:
		writeErr(w, http.StatusBadRequest, apiErr{"non-refundable", "Cannot refund this invoice"})
		return
	case req["refundVariant"] == nil:
		writeJSON(w, http.StatusUnprocessableEntity, []map[string]string{{"path": "RefundVariant", "message": "`refundVariant` is mandatory"}})
		return
	}
	if m, _ := req["payoutMethodId"].(string); m != "" && m != "BTC-CHAIN" && m != "BTC-LN" {
		writeJSON(w, http.StatusUnprocessableEntity, []map[string]string{{"path": "PayoutMethodId", "message": "Please select one of the payment methods which were available for the original invoice"}})
		return
	}
	inv.Refunded = true
	g.refunds = append(g.refunds, req)
	writeJSON(w, http.StatusOK, map[string]any{
		"id": "PP" + inv.ID, "name": req["name"], "currency": "BTC", "amount": "0.00012", "period": nil,
		"archived": false, "autoApproveClaims": true, "viewLink": g.base + "/pull-payments/PP" + inv.ID,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status int, e apiErr) {
	writeJSON(w, status, map[string]string{"code": e.code, "message": e.message})
}
