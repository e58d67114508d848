// Package applecalendar is the iCloud preset of the CalDAV app: the logic
// of package caldavapp, talking to iCloud's CalDAV endpoint with the
// account's Apple ID and an app-specific password, attached by the host as
// basic auth.
package applecalendar

import (
	"github.com/slotbox/slotbox/apps/caldav/caldavapp"
)

// BaseURL is iCloud's CalDAV endpoint. Discovery starts there; iCloud then
// names the account's calendar home on a partition host
// (pNN-caldav.icloud.com), which the manifest allows as *.icloud.com.
const BaseURL = "https://caldav.icloud.com"

// Integration is the type of the app's events and calendars.
const Integration = "applecalendar_calendar"

// Config returns the caldavapp configuration for iCloud: a fixed base URL,
// so the app reads no key at all.
func Config() caldavapp.Config {
	return caldavapp.NewConfig(Integration).WithBaseURL(BaseURL)
}

// New returns the iCloud calendar app.
func New() (*caldavapp.App, error) { return caldavapp.New(Config()) }
