//go:build wasip1

// Command caldav is the Slotbox calendar app for any CalDAV server
// (Nextcloud, Fastmail, Baïkal, Radicale, Zimbra, ...). The logic lives in
// package caldavapp; this file only registers it. The host attaches the
// installation's username and password as basic auth to every request, so
// the password never enters the module; the server's URL is the
// installation's url key, read through vault_get.
//
// Build with ./build.sh: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared.
package main

import (
	_ "time/tzdata" // events name IANA zones; wasip1 has no zoneinfo files

	"github.com/slotbox/slotbox/apps/caldav/caldavapp"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// integration is the type of the app's events and calendars (Cal.com's
// caldav_calendar).
const integration = "caldav_calendar"

// init registers the app: a c-shared (reactor) module runs package
// initialisation in _initialize and never runs main.
func init() {
	app, err := caldavapp.New(caldavapp.NewConfig(integration).WithURLKey(caldavapp.DefaultURLKey))
	if err != nil {
		panic(err)
	}
	slotbox.Register(app)
}

func main() {}
