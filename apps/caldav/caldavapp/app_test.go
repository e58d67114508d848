package caldavapp_test

// Native tests of the app logic: a slotbox.Mux over the App, with package
// slotboxtest's host routing http_request to the in-process CalDAV server
// (davtest). The module tests in apps/caldav run the same logic in wasm
// behind the real host functions.

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/caldav/caldavapp"
	"github.com/slotbox/slotbox/apps/caldav/davtest"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
	"github.com/slotbox/slotbox/guest-sdk/go/slotboxtest"
)

const base = "https://dav.test"

// native is the app driven in process.
type native struct {
	srv  *davtest.Server
	host *slotboxtest.Host
	mux  *slotbox.Mux
}

func newNative(t *testing.T, url string, cfg caldavapp.Config) *native {
	t.Helper()
	srv := davtest.New("alice", "pw", "/dav")
	srv.AcceptBearer("token")
	srv.AddCalendar("work", "Work")
	app, err := caldavapp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := slotbox.NewMux()
	mux.Register(app)
	return &native{srv: srv, mux: mux, host: &slotboxtest.Host{Vault: map[string]string{"url": url}, HTTP: srv, Credential: "token"}}
}

func (n *native) call(t *testing.T, method string, in any) abi.Envelope {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var env abi.Envelope
	if err := json.Unmarshal(n.mux.Call(n.host.Context(context.Background()), method, b), &env); err != nil {
		t.Fatal(err)
	}
	return env
}

func (n *native) ok(t *testing.T, method string, in, out any) {
	t.Helper()
	env := n.call(t, method, in)
	if env.Error != nil {
		t.Fatalf("%s: %v", method, env.Error)
	}
	if out != nil {
		if err := json.Unmarshal(env.OK, out); err != nil {
			t.Fatal(err)
		}
	}
}

func event(uid string) abi.CalendarEvent {
	return abi.CalendarEvent{
		Title: "t", StartTime: "2030-03-04T14:00:00Z", EndTime: "2030-03-04T15:00:00Z",
		Organizer: abi.Person{Name: "O", Email: "o@example.com"}, ICalUID: uid,
	}
}

// TestDiscoveryStartingPoints: the url may be the server root, the
// principal, the calendar home or a calendar.
func TestDiscoveryStartingPoints(t *testing.T) {
	for _, url := range []string{base + "/dav/", base + "/dav", base + "/dav/alice/", base + "/dav/alice/calendars/", base + "/dav/alice/calendars/work/"} {
		t.Run(url, func(t *testing.T) {
			n := newNative(t, url, caldavapp.NewConfig("caldav_calendar").WithURLKey("url"))
			var cals []abi.IntegrationCalendar
			n.ok(t, abi.MethodCalendarListCalendars, map[string]any{}, &cals)
			want := []abi.IntegrationCalendar{{ExternalID: base + "/dav/alice/calendars/work/", Integration: "caldav_calendar", Name: "Work", Primary: true}}
			if !reflect.DeepEqual(cals, want) {
				t.Fatalf("got %+v, want %+v", cals, want)
			}
		})
	}
}

// TestICloudDiscovery answers like iCloud: the principal on
// caldav.icloud.com, the calendar home as an absolute URL on a partition
// host, an email address in calendar-user-address-set.
func TestICloudDiscovery(t *testing.T) {
	n := newNative(t, "https://caldav.icloud.com", caldavapp.NewConfig("applecalendar_calendar").WithBaseURL("https://caldav.icloud.com"))
	ms := func(href, props string) string {
		return `<?xml version="1.0"?><multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><response><href>` + href +
			`</href><propstat><prop>` + props + `</prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>`
	}
	n.srv.Inject(davtest.Fault{Method: "PROPFIND", PathSuffix: "/", Status: 207, Times: 1,
		Body: ms("/", `<current-user-principal><href>/123456/principal/</href></current-user-principal>`)})
	n.srv.Inject(davtest.Fault{Method: "PROPFIND", PathSuffix: "/123456/principal/", Status: 207,
		Body: ms("/123456/principal/", `<C:calendar-home-set><href>https://p42-caldav.icloud.com:443/123456/calendars/</href></C:calendar-home-set>`+
			`<C:calendar-user-address-set><href>mailto:alice@icloud.com</href><href>/123456/principal/</href></C:calendar-user-address-set>`)})
	n.srv.Inject(davtest.Fault{Method: "PROPFIND", PathSuffix: "/123456/calendars/", Status: 207,
		Body: ms("/123456/calendars/home/", `<resourcetype><collection/><C:calendar/></resourcetype><displayname>Home</displayname>`)})
	var cals []abi.IntegrationCalendar
	n.ok(t, abi.MethodCalendarListCalendars, map[string]any{}, &cals)
	want := []abi.IntegrationCalendar{{ExternalID: "https://p42-caldav.icloud.com:443/123456/calendars/home/",
		Integration: "applecalendar_calendar", Name: "Home", Primary: true, Email: "alice@icloud.com"}}
	if !reflect.DeepEqual(cals, want) {
		t.Fatalf("got %+v, want %+v", cals, want)
	}
	var hosts []string
	for _, r := range n.srv.Requests() {
		hosts = append(hosts, r.Method+" "+r.Path)
	}
	if got := strings.Join(hosts, ", "); got != "PROPFIND /, PROPFIND /123456/principal/, PROPFIND /123456/calendars/" {
		t.Fatalf("requests: %s", got)
	}
}

// TestETagFallbacks: a server that refuses HEAD is asked with PROPFIND,
// and a weak ETag on a PUT is replaced by the strong one.
func TestETagFallbacks(t *testing.T) {
	n := newNative(t, base+"/dav/", caldavapp.NewConfig("caldav_calendar").WithURLKey("url"))
	work := base + "/dav/alice/calendars/work/"
	n.srv.Inject(davtest.Fault{Method: "PUT", PathSuffix: ".ics", Status: 201, Header: http.Header{"Etag": {`W/"weak"`}}})
	var res abi.NewCalendarEventType
	n.ok(t, abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{Event: event("e1"), ExternalCalendarID: work}, &res)
	// The fault answered the PUT, so nothing is stored; PROPFIND finds no
	// such resource and the etag stays unknown rather than weak.
	if _, ok := res.AdditionalInfo["etag"]; ok {
		t.Fatalf("kept etag %v from a weak ETag", res.AdditionalInfo["etag"])
	}

	n.ok(t, abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{Event: event("e2"), ExternalCalendarID: work}, &res)
	_, etag, _ := n.srv.Object("/dav/alice/calendars/work/e2.ics")
	n.srv.Inject(davtest.Fault{Method: "HEAD", Status: 405, Times: -1})
	n.srv.ResetRequests()
	ev := event("e2")
	ev.ICalSequence = 1
	n.ok(t, abi.MethodCalendarUpdateEvent, abi.CalendarUpdateEventInput{UID: "e2", Event: ev, ExternalCalendarID: work}, &res)
	var seen []string
	for _, r := range n.srv.Requests() {
		seen = append(seen, r.Method)
		if r.Method == "PUT" && r.Header.Get("If-Match") != `"`+etag+`"` {
			t.Fatalf("If-Match %q, want %q", r.Header.Get("If-Match"), etag)
		}
	}
	if got := strings.Join(seen, " "); got != "HEAD PROPFIND PUT" {
		t.Fatalf("requests %s", got)
	}
}

// TestMultigetFallback: a REPORT that lists objects without their data is
// followed by a calendar-multiget for them.
func TestMultigetFallback(t *testing.T) {
	n := newNative(t, base+"/dav/", caldavapp.NewConfig("caldav_calendar").WithURLKey("url"))
	if _, err := n.srv.Put("/dav/alice/calendars/work/a.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20300101T000000Z\r\n"+
		"DTSTART:20300304T090000Z\r\nDTEND:20300304T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"); err != nil {
		t.Fatal(err)
	}
	n.srv.Inject(davtest.Fault{Method: "REPORT", PathSuffix: "/work/", Status: 207, Times: 1,
		Body: `<multistatus xmlns="DAV:"><response><href>/dav/alice/calendars/work/a.ics</href><propstat><prop><getetag>"1"</getetag></prop>` +
			`<status>HTTP/1.1 200 OK</status></propstat></response></multistatus>`})
	var busy []abi.EventBusyDate
	n.ok(t, abi.MethodCalendarGetAvailability, abi.CalendarGetAvailabilityInput{
		DateFrom: "2030-03-04T00:00:00Z", DateTo: "2030-03-05T00:00:00Z",
		SelectedCalendars: []abi.IntegrationCalendar{{ExternalID: base + "/dav/alice/calendars/work/"}},
	}, &busy)
	if want := []abi.EventBusyDate{{Start: "2030-03-04T09:00:00Z", End: "2030-03-04T10:00:00Z"}}; !reflect.DeepEqual(busy, want) {
		t.Fatalf("busy %+v, want %+v", busy, want)
	}
	reqs := n.srv.Requests()
	if len(reqs) != 2 || !strings.Contains(reqs[1].Body, "calendar-multiget") || !strings.Contains(reqs[1].Body, "/work/a.ics") {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestURLKey(t *testing.T) {
	for _, tc := range []struct {
		url, code string
	}{
		{"", "INVALID_INPUT"},
		{"ftp://dav.test/", "INVALID_INPUT"},
		{"https://user:pw@dav.test/", "INVALID_INPUT"},
		{"dav.test", "INVALID_INPUT"},
	} {
		n := newNative(t, tc.url, caldavapp.NewConfig("caldav_calendar").WithURLKey("url"))
		if env := n.call(t, abi.MethodCalendarListCalendars, map[string]any{}); env.Error == nil || string(env.Error.Code) != tc.code {
			t.Errorf("url %q: %s %+v, want %s", tc.url, env.OK, env.Error, tc.code)
		}
		// checkKeys says why instead of failing.
		var res abi.AppCheckKeysResult
		n.ok(t, abi.MethodAppCheckKeys, map[string]any{}, &res)
		if res.Valid || res.Message == "" {
			t.Errorf("url %q: checkKeys %+v", tc.url, res)
		}
	}
}

func TestConfig(t *testing.T) {
	bad := []caldavapp.Config{
		caldavapp.NewConfig(""),
		caldavapp.NewConfig("x_calendar").WithURLKey(""),
		caldavapp.NewConfig("x_calendar"),
		caldavapp.NewConfig("x_calendar").WithURLKey("url").WithRequestTimeout(0),
		caldavapp.NewConfig("x_calendar").WithURLKey("url").WithClock(nil),
		caldavapp.NewConfig("x_calendar").WithBaseURL("caldav.icloud.com"),
	}
	for i, c := range bad {
		if _, err := caldavapp.New(c); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
	a, err := caldavapp.New(caldavapp.NewConfig("x_calendar").WithURLKey("url").WithRequestTimeout(time.Second))
	if err != nil || a.Integration() != "x_calendar" {
		t.Fatalf("New = %v, %v", a, err)
	}
}
