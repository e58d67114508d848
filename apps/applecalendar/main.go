//go:build wasip1

// Command applecalendar is the Slotbox calendar app for Apple iCloud: the
// CalDAV app (package caldavapp) preset for https://caldav.icloud.com. The
// host attaches the Apple ID and app-specific password as basic auth to
// every request; the module holds no secret and reads no key.
//
// Build with ./build.sh: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared.
package main

import (
	_ "time/tzdata" // events name IANA zones; wasip1 has no zoneinfo files

	"github.com/slotbox/slotbox/apps/applecalendar/applecalendar"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// init registers the app: a c-shared (reactor) module runs package
// initialisation in _initialize and never runs main.
func init() {
	app, err := applecalendar.New()
	if err != nil {
		panic(err)
	}
	slotbox.Register(app)
}

func main() {}
