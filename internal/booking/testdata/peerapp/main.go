// Command peerapp is the booking tests' app: every catalogue method is
// forwarded to a peer over the host's http_request, POST
// {base_url}/{method} with the input as the body, and the peer's answer is
// the result. A 2xx body is the ok result; any other status is an error
// whose code and message the peer may give as {"code","message"}, retryable
// for 429 and 5xx. The peer (a test server on 127.0.0.1) decides what each
// app does, fails, blocks or counts, so one module serves as the calendar,
// video, CRM, payment, analytics and automation app of every test; only
// the manifest differs.
//
// Built by ../build.sh into ../peerapp.wasm.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// methods are the catalogue methods the module serves.
var methods = []string{
	"calendar.createEvent", "calendar.updateEvent", "calendar.deleteEvent", "calendar.getAvailability", "calendar.listCalendars",
	"crm.createEvent", "crm.updateEvent", "crm.deleteEvent", "crm.getContacts", "crm.createContacts",
	"payment.create", "payment.update", "payment.refund", "payment.afterPayment", "payment.deletePayment", "payment.handleWebhook",
	"video.createMeeting", "video.updateMeeting", "video.deleteMeeting", "video.getAvailability",
	"analytics.track", "analytics.identify", "automation.onTrigger",
}

// peerError is the error body a peer may answer.
type peerError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func forward(method string) func(ctx context.Context, in json.RawMessage) (any, error) {
	return func(ctx context.Context, in json.RawMessage) (any, error) {
		keys, err := slotbox.Vault(ctx, "base_url")
		if err != nil {
			return nil, err
		}
		base := strings.TrimRight(keys["base_url"], "/")
		res, err := slotbox.Fetch(ctx, &slotbox.FetchRequest{
			Method: "POST", URL: base + "/" + method, Body: in,
			Header: map[string]string{"Content-Type": "application/json"},
		})
		if err != nil {
			return nil, err
		}
		if res.Status >= 200 && res.Status < 300 {
			return json.RawMessage(res.Body), nil
		}
		var pe peerError
		_ = json.Unmarshal(res.Body, &pe)
		if pe.Code == "" {
			pe.Code = "UPSTREAM_ERROR"
		}
		if pe.Message == "" {
			pe.Message = fmt.Sprintf("peer answered %d", res.Status)
		}
		return nil, &slotbox.Error{Code: abi.Code(pe.Code), Message: pe.Message, Retryable: res.Status == 429 || res.Status >= 500}
	}
}

func init() {
	for _, m := range methods {
		slotbox.HandleFunc(m, forward(m))
	}
}

func main() {}
