package applecalendar_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/applecalendar/applecalendar"
	"github.com/slotbox/slotbox/apps/caldav/davtest"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
	"github.com/slotbox/slotbox/guest-sdk/go/slotboxtest"
)

// TestPreset drives the preset natively against the in-process CalDAV
// server standing in for iCloud: every request goes to caldav.icloud.com,
// no key is read, and results carry the apple integration.
func TestPreset(t *testing.T) {
	srv := davtest.New("alice", "pw", "")
	srv.AcceptBearer("token")
	srv.AddCalendar("home", "Home")
	app, err := applecalendar.New()
	if err != nil {
		t.Fatal(err)
	}
	mux := slotbox.NewMux()
	mux.Register(app)
	// No vault fields: reading any key would fail the call.
	host := &slotboxtest.Host{HTTP: srv, Credential: "token"}
	ctx := host.Context(context.Background())
	call := func(method string, in, out any) {
		t.Helper()
		b, _ := json.Marshal(in)
		var env abi.Envelope
		if err := json.Unmarshal(mux.Call(ctx, method, b), &env); err != nil {
			t.Fatal(err)
		}
		if env.Error != nil {
			t.Fatalf("%s: %v", method, env.Error)
		}
		if out != nil {
			if err := json.Unmarshal(env.OK, out); err != nil {
				t.Fatal(err)
			}
		}
	}

	var keys abi.AppCheckKeysResult
	call(abi.MethodAppCheckKeys, map[string]any{}, &keys)
	if !keys.Valid {
		t.Fatalf("checkKeys %+v", keys)
	}
	var cals []abi.IntegrationCalendar
	call(abi.MethodCalendarListCalendars, map[string]any{}, &cals)
	home := applecalendar.BaseURL + "/alice/calendars/home/"
	want := []abi.IntegrationCalendar{{ExternalID: home, Integration: "applecalendar_calendar", Name: "Home", Primary: true}}
	if !reflect.DeepEqual(cals, want) {
		t.Fatalf("listCalendars %+v, want %+v", cals, want)
	}
	ev := abi.CalendarEvent{Title: "t", StartTime: "2030-03-04T14:00:00Z", EndTime: "2030-03-04T15:00:00Z",
		Organizer: abi.Person{Name: "O", Email: "o@icloud.com"}, ICalUID: "apple-1@Cal.com"}
	var res abi.NewCalendarEventType
	call(abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{Event: ev}, &res)
	if res.Type != applecalendar.Integration || res.URL != home+"apple-1@Cal.com.ics" {
		t.Fatalf("createEvent %+v", res)
	}
	var busy []abi.EventBusyDate
	call(abi.MethodCalendarGetAvailability, abi.CalendarGetAvailabilityInput{DateFrom: "2030-03-04T00:00:00Z", DateTo: "2030-03-05T00:00:00Z",
		SelectedCalendars: []abi.IntegrationCalendar{{ExternalID: home, Integration: applecalendar.Integration}, {ExternalID: "x", Integration: "caldav_calendar"}}}, &busy)
	if want := []abi.EventBusyDate{{Start: ev.StartTime, End: ev.EndTime}}; !reflect.DeepEqual(busy, want) {
		t.Fatalf("busy %+v, want %+v", busy, want)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, "..") {
			t.Fatalf("request path %s", r.Path)
		}
	}
}

func TestConfig(t *testing.T) {
	if _, err := applecalendar.New(); err != nil {
		t.Fatal(err)
	}
	a, _ := applecalendar.New()
	if a.Integration() != "applecalendar_calendar" {
		t.Fatalf("integration %q", a.Integration())
	}
}
