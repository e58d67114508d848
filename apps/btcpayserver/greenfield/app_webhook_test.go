package greenfield

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
	"github.com/slotbox/slotbox/guest-sdk/go/slotboxtest"
)

func signed(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func TestVerify(t *testing.T) {
	body := []byte(`{"type":"InvoiceSettled"}`)
	good := signed("s3cret", string(body))
	for _, tc := range []struct {
		sig string
		ok  bool
	}{
		{good, true}, {" " + good + " ", true},
		{"", false}, {"sha256=", false}, {"sha1=" + good[7:], false}, {good[7:], false},
		{"sha256=zz" + good[9:], false}, {good[:len(good)-2], false}, {good[:len(good)-2] + "00", false},
	} {
		if err := verify(tc.sig, body, []byte("s3cret")); (err == nil) != tc.ok {
			t.Errorf("verify(%q) = %v, want ok=%v", tc.sig, err, tc.ok)
		}
	}
}

// FuzzHandleWebhook feeds hostile deliveries to the method: it never
// panics, an unsigned delivery never passes, and a result always has a
// status of the catalogue.
func FuzzHandleWebhook(f *testing.F) {
	f.Add(`{"type":"InvoiceSettled","storeId":"S","invoiceId":"I"}`, true)
	f.Add(`{"type":"InvoiceExpired","storeId":"S","invoiceId":"I","partiallyPaid":true}`, true)
	f.Add(`{"type":`, true)
	f.Add(`[]`, false)
	app, err := New(NewConfig())
	if err != nil {
		f.Fatal(err)
	}
	mux := slotbox.NewMux()
	mux.Register(app)
	host := &slotboxtest.Host{Vault: map[string]string{KeyWebhookSecret: "s3cret", KeyStoreID: "S"}}
	ctx := host.Context(context.Background())
	f.Fuzz(func(t *testing.T, body string, sign bool) {
		headers := map[string]string{}
		if sign {
			headers["btcpay-sig"] = signed("s3cret", body)
		}
		in, _ := json.Marshal(abi.PaymentHandleWebhookInput{Headers: headers, Body: body})
		var env abi.Envelope
		if err := json.Unmarshal(mux.Call(ctx, abi.MethodPaymentHandleWebhook, in), &env); err != nil {
			t.Fatal(err)
		}
		if env.Error != nil {
			if env.Error.Code == slotbox.CodeInternal && strings.HasPrefix(env.Error.Message, "panic in") {
				t.Fatalf("panic: %s", env.Error.Message)
			}
			return
		}
		if !sign {
			t.Fatalf("an unsigned delivery passed: %s", env.OK)
		}
		var res abi.PaymentHandleWebhookResult
		if err := json.Unmarshal(env.OK, &res); err != nil {
			t.Fatal(err)
		}
		switch res.Status {
		case abi.PaymentIgnored:
			if res.PaymentID != "" {
				t.Fatalf("ignored with payment %q", res.PaymentID)
			}
		case abi.PaymentSucceeded, abi.PaymentPending, abi.PaymentCanceled, abi.PaymentFailed:
			if res.PaymentID == "" {
				t.Fatalf("%s without a payment", res.Status)
			}
		default:
			t.Fatalf("status %q", res.Status)
		}
	})
}
