package greenfield

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/slotbox/slotbox/abi"
)

// refundVariant is how the refund is valued: the amount the booker paid,
// in the invoice's currency, converted at today's rate into the coin paid
// with (BTCPay's CurrentRate), claims approved automatically.
const refundVariant = "CurrentRate"

// paymentMethod is one entry of GET .../invoices/{id}/payment-methods. The
// id is paymentMethodId since BTCPay Server 2.0, paymentMethod before.
type paymentMethod struct {
	PaymentMethodID string            `json:"paymentMethodId"`
	PaymentMethod   string            `json:"paymentMethod"`
	Payments        []json.RawMessage `json:"payments"`
}

// refundRequest is the body of POST .../invoices/{id}/refund; the method
// goes in both the 2.x (payoutMethodId) and the 1.x (paymentMethod) field.
type refundRequest struct {
	Name           string `json:"name"`
	Description    string `json:"description,omitempty"`
	PayoutMethodID string `json:"payoutMethodId,omitempty"`
	PaymentMethod  string `json:"paymentMethod,omitempty"`
	RefundVariant  string `json:"refundVariant"`
}

// pullPayment is the part of the refund's answer the app reads.
type pullPayment struct {
	ID string `json:"id"`
}

// Refund serves payment.refund: BTCPay's refund of the invoice, a pull
// payment of the amount paid, in the coin it was paid with, which the
// booker claims from BTCPay Server. A refund of an invoice that was not
// paid, or was refunded already, is NOT_REFUNDABLE.
func (a *App) Refund(ctx context.Context, in *abi.PaymentRefundInput) (*abi.PaymentRefundResult, error) {
	id := strings.TrimSpace(in.PaymentID)
	if id == "" || len(id) > 128 {
		return nil, invalidInput("paymentId %q is not an invoice id", clip(in.PaymentID, 64))
	}
	s, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	var methods []paymentMethod
	if err := a.call(ctx, "GET /invoices/{id}/payment-methods", "GET", s.path("invoices", id, "payment-methods"), nil, &methods); err != nil {
		return nil, err
	}
	req := refundRequest{Name: "Refund of booking invoice " + id, RefundVariant: refundVariant}
	for _, m := range methods {
		if len(m.Payments) == 0 {
			continue
		}
		pm := firstNonEmpty(m.PaymentMethodID, m.PaymentMethod)
		req.PayoutMethodID, req.PaymentMethod = pm, pm
		break
	}
	var pp pullPayment
	op := "POST /invoices/{id}/refund"
	if err := a.call(ctx, op, "POST", s.path("invoices", id, "refund"), req, &pp); err != nil {
		return nil, err
	}
	if pp.ID == "" {
		return nil, badResponse(op, "the refund has no pull payment id")
	}
	return &abi.PaymentRefundResult{ID: id, Refunded: true}, nil
}
