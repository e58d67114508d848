package greenfield

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"strconv"
	"strings"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// Invoice statuses of the Greenfield API.
const (
	statusNew        = "New"
	statusProcessing = "Processing"
	statusSettled    = "Settled"
)

// invoiceRequest is the body of POST /api/v1/stores/{storeId}/invoices.
type invoiceRequest struct {
	Amount   string           `json:"amount"`
	Currency string           `json:"currency"`
	Metadata invoiceMetadata  `json:"metadata"`
	Checkout *checkoutOptions `json:"checkout,omitempty"`
}

// invoiceMetadata are the invoice metadata fields BTCPay Server knows.
type invoiceMetadata struct {
	OrderID    string `json:"orderId"`
	BuyerName  string `json:"buyerName,omitempty"`
	BuyerEmail string `json:"buyerEmail,omitempty"`
	BuyerPhone string `json:"buyerPhone,omitempty"`
	ItemDesc   string `json:"itemDesc,omitempty"`
}

// checkoutOptions are the checkout settings the app sets.
type checkoutOptions struct {
	RedirectURL           string `json:"redirectURL,omitempty"`
	RedirectAutomatically bool   `json:"redirectAutomatically,omitempty"`
}

// invoice is the part of an InvoiceData the app reads.
type invoice struct {
	ID             string  `json:"id"`
	Amount         decimal `json:"amount"`
	Currency       string  `json:"currency"`
	Status         string  `json:"status"`
	CheckoutLink   string  `json:"checkoutLink"`
	ExpirationTime int64   `json:"expirationTime"`
}

// decimal is an amount the API writes as a string ("12.34") or a number.
type decimal string

// UnmarshalJSON accepts a JSON string or number.
func (d *decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = decimal(s)
		return nil
	}
	if string(b) == "null" {
		*d = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*d = decimal(n)
	return nil
}

// equal reports whether d is the decimal amount s, exactly.
func (d decimal) equal(s string) bool {
	x, ok1 := new(big.Rat).SetString(string(d))
	y, ok2 := new(big.Rat).SetString(s)
	return ok1 && ok2 && x.Cmp(y) == 0
}

// Create serves payment.create: an invoice for the booking's amount, with
// the booking id as its orderId, the booker as its buyer and, when the
// installation sets redirectUrl, a redirect after payment. The result's url
// is the invoice's checkout link. A retried call finds the invoice it made
// before (same orderId, amount and currency, not expired) instead of
// making a second one.
func (a *App) Create(ctx context.Context, in *abi.PaymentCreateInput) (*abi.PaymentCreateResult, error) {
	if in.PaymentOption == abi.PaymentHold {
		return nil, invalidInput("BTCPay Server cannot hold a payment to charge it later; use the ON_BOOKING payment option")
	}
	if in.Payment.Amount <= 0 {
		return nil, invalidInput("amount %d: a payment must be positive", in.Payment.Amount)
	}
	currency := strings.ToUpper(strings.TrimSpace(in.Payment.Currency))
	if len(currency) < 3 || len(currency) > 5 || strings.IndexFunc(currency, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return nil, invalidInput("currency %q is not a currency code", clip(in.Payment.Currency, 16))
	}
	if in.BookingID <= 0 {
		return nil, invalidInput("bookingId %d is not a booking", in.BookingID)
	}
	keys, err := slotbox.Vault(ctx, KeyServerURL, KeyStoreID, KeyRedirectURL)
	if err != nil {
		return nil, fmt.Errorf("read keys: %w", err)
	}
	s, err := storeFrom(keys)
	if err != nil {
		return nil, err
	}
	orderID := strconv.FormatInt(in.BookingID, 10)
	amount := decimalAmount(in.Payment.Amount, currency)

	// A retried call: the invoice made before is still payable.
	var existing []invoice
	q := url.Values{"orderId": {orderID}}
	if err := a.call(ctx, "GET /invoices?orderId", "GET", s.path("invoices")+"?"+q.Encode(), nil, &existing); err != nil {
		return nil, err
	}
	for _, inv := range existing {
		switch inv.Status {
		case statusNew, statusProcessing, statusSettled:
			if strings.EqualFold(inv.Currency, currency) && inv.Amount.equal(amount) && inv.ID != "" && inv.CheckoutLink != "" {
				return result(s, inv), nil
			}
		}
	}

	req := invoiceRequest{
		Amount:   amount,
		Currency: currency,
		Metadata: invoiceMetadata{
			OrderID:    orderID,
			BuyerName:  in.BookerName,
			BuyerEmail: in.BookerEmail,
			BuyerPhone: in.BookerPhoneNumber,
			ItemDesc:   firstNonEmpty(in.EventTitle, in.BookingTitle),
		},
	}
	if r, err := redirectURL(keys[KeyRedirectURL], orderID); err != nil {
		return nil, err
	} else if r != "" {
		req.Checkout = &checkoutOptions{RedirectURL: r, RedirectAutomatically: true}
	}
	var inv invoice
	op := "POST /invoices"
	if err := a.call(ctx, op, "POST", s.path("invoices"), req, &inv); err != nil {
		return nil, err
	}
	if inv.ID == "" || inv.CheckoutLink == "" {
		return nil, badResponse(op, "the invoice has no id or checkoutLink")
	}
	if u, err := url.Parse(inv.CheckoutLink); err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, badResponse(op, "checkoutLink %q is not an http(s) URL", clip(inv.CheckoutLink, 100))
	}
	return result(s, inv), nil
}

// result is the answer to payment.create for an invoice.
func result(s store, inv invoice) *abi.PaymentCreateResult {
	data := map[string]any{"storeId": s.id, "status": inv.Status}
	if inv.ExpirationTime > 0 {
		data["expirationTime"] = inv.ExpirationTime
	}
	return &abi.PaymentCreateResult{ID: inv.ID, Success: inv.Status == statusSettled, URL: inv.CheckoutLink, Data: data}
}

// redirectURL fills the redirectUrl key's {bookingId} placeholder; "" when
// the key is not set.
func redirectURL(raw, bookingID string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	r := strings.ReplaceAll(raw, "{bookingId}", url.PathEscape(bookingID))
	u, err := url.Parse(r)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", invalidInput("the %s key %q is not an http(s) URL", KeyRedirectURL, clip(raw, 100))
	}
	return r, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
