package greenfield

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// SignatureHeader is the header BTCPay Server signs webhook deliveries in:
// "sha256=" and the hex HMAC-SHA256 of the raw body, keyed with the
// webhook's secret.
const SignatureHeader = "BTCPay-Sig"

// webhookEvent is the part of a Greenfield webhook delivery the app reads.
type webhookEvent struct {
	Type          string `json:"type"`
	StoreID       string `json:"storeId"`
	InvoiceID     string `json:"invoiceId"`
	PartiallyPaid bool   `json:"partiallyPaid"`
}

// HandleWebhook serves payment.handleWebhook: it verifies BTCPay-Sig with
// the webhook secret (revealed with vault_get), then maps the event:
// InvoiceSettled is succeeded, InvoiceProcessing (paid, awaiting
// confirmations) pending, InvoiceExpired canceled (failed when partly
// paid), InvoiceInvalid failed. Other events, and events of another store,
// are ignored. A missing or wrong signature is INVALID_SIGNATURE.
func (a *App) HandleWebhook(ctx context.Context, in *abi.PaymentHandleWebhookInput) (*abi.PaymentHandleWebhookResult, error) {
	keys, err := slotbox.Vault(ctx, KeyWebhookSecret, KeyStoreID)
	if err != nil {
		return nil, fmt.Errorf("read keys: %w", err)
	}
	secret := keys[KeyWebhookSecret]
	if secret == "" {
		return nil, &slotbox.Error{Code: CodeInvalidSignature, Message: "the installation has no webhook_secret key: no webhook can be verified; set the secret of the store's webhook"}
	}
	if err := verify(headerValue(in.Headers, SignatureHeader), []byte(in.Body), []byte(secret)); err != nil {
		return nil, err
	}
	var ev webhookEvent
	if err := json.Unmarshal([]byte(in.Body), &ev); err != nil {
		return nil, invalidInput("webhook body is not a Greenfield event: %v", err)
	}
	ignored := &abi.PaymentHandleWebhookResult{Status: abi.PaymentIgnored}
	if ev.StoreID != "" && keys[KeyStoreID] != "" && ev.StoreID != keys[KeyStoreID] {
		return ignored, nil
	}
	var status abi.PaymentStatus
	switch ev.Type {
	case "InvoiceSettled":
		status = abi.PaymentSucceeded
	case "InvoiceProcessing":
		status = abi.PaymentPending
	case "InvoiceExpired":
		status = abi.PaymentCanceled
		if ev.PartiallyPaid {
			status = abi.PaymentFailed
		}
	case "InvoiceInvalid":
		status = abi.PaymentFailed
	default:
		return ignored, nil
	}
	if ev.InvoiceID == "" {
		return nil, invalidInput("webhook event %s names no invoiceId", clip(ev.Type, 64))
	}
	return &abi.PaymentHandleWebhookResult{PaymentID: ev.InvoiceID, Status: status}, nil
}

// verify checks sig ("sha256=<hex>") against the HMAC-SHA256 of body, in
// constant time.
func verify(sig string, body, secret []byte) error {
	bad := func(why string) error {
		return &slotbox.Error{Code: CodeInvalidSignature, Message: "webhook refused: " + why}
	}
	if sig == "" {
		return bad("no " + SignatureHeader + " header")
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(sig), "sha256=")
	if !ok {
		return bad(SignatureHeader + " is not sha256=<hex>")
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return bad(SignatureHeader + " is not sha256=<hex>")
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return bad("the signature does not match the body and the webhook secret")
	}
	return nil
}

// headerValue returns the named header, matched without regard to case.
func headerValue(h map[string]string, name string) string {
	if v, ok := h[strings.ToLower(name)]; ok {
		return v
	}
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}
