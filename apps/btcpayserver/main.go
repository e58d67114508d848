//go:build wasip1

// Command btcpayserver is the Slotbox payment app for BTCPay Server (the
// Greenfield API): invoices for bookings, refunds, and verified webhooks.
// The logic lives in package greenfield; this file only registers it. The
// host attaches the API key to every request, so it never enters the
// module; the webhook secret is revealed with vault_get to verify
// BTCPay-Sig.
//
// Build with ./build.sh: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared.
package main

import (
	"github.com/slotbox/slotbox/apps/btcpayserver/greenfield"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// init registers the app: a c-shared (reactor) module runs package
// initialisation in _initialize and never runs main.
func init() {
	app, err := greenfield.New(greenfield.NewConfig())
	if err != nil {
		panic(err)
	}
	slotbox.Register(app)
}

func main() {}
