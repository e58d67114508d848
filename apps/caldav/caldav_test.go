package main_test

// Tests of the built module testdata/wasm/apps/caldav.wasm, run by
// runtime.Engine with the real host functions against go-webdav's CalDAV
// server on 127.0.0.1 (package davtest). What the app writes is read back
// with go-webdav's CalDAV client.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-ical"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/internal/apptest"
)

func TestManifest(t *testing.T) {
	m, err := readManifest()
	if err != nil {
		t.Fatalf("abi.ParseManifest refuses config.json: %v", err)
	}
	if m.Slug != slug || m.Type != "caldav_calendar" || m.Category() != abi.CategoryCalendar {
		t.Fatalf("slug %q type %q category %q", m.Slug, m.Type, m.Category())
	}
	if got := m.Permissions.HTTP.AllowedHosts; !slices.Equal(got, []string{"{{keys.url}}"}) {
		t.Fatalf("allowedHosts %v: want only the url key's origin", got)
	}
	if got := m.Permissions.Vault.Reveal; !slices.Equal(got, []string{"url"}) {
		t.Fatalf("vault.reveal %v: want only url, never the password", got)
	}
	if m.Permissions.KV {
		t.Fatal("the app asks for kv, which it does not use")
	}
	if c := m.Credential; c == nil || c.Inject != abi.InjectBasic || c.Field != "password" || c.Username != "username" {
		t.Fatalf("credential %+v: want basic auth from username and password", m.Credential)
	}
	for _, tc := range []struct {
		keys string
		ok   bool
	}{
		{`{"url":"https://dav.example.com/dav.php","username":"a","password":"p"}`, true},
		{`{"url":"http://127.0.0.1:5232/","username":"a","password":"p"}`, true},
		{`{"url":"ftp://dav.example.com/","username":"a","password":"p"}`, false},
		{`{"url":"https://u:p@dav.example.com/","username":"a","password":"p"}`, false},
		{`{"url":"https://dav.example.com/","username":"a"}`, false},
		{`{"url":"https://dav.example.com/","username":"a","password":"p","extra":1}`, false},
	} {
		if err := m.ValidateKeys([]byte(tc.keys)); (err == nil) != tc.ok {
			t.Errorf("keys %s: valid=%v, want %v (%v)", tc.keys, err == nil, tc.ok, err)
		}
	}
}

func TestCheckKeys(t *testing.T) {
	tests := []struct {
		name      string
		password  string
		fault     *faultSpec
		wantValid bool
		wantCode  string // appCode of an error envelope
		retryable bool
	}{
		{name: "valid", wantValid: true},
		{name: "wrong password", password: "wrong", wantValid: false},
		{name: "not a CalDAV url", fault: &faultSpec{"PROPFIND", "/dav/", 404, "no such thing"}, wantValid: false},
		{name: "server down", fault: &faultSpec{"PROPFIND", "/dav/", 503, "maintenance"}, wantCode: "UPSTREAM_UNAVAILABLE", retryable: true},
		{name: "rate limited", fault: &faultSpec{"PROPFIND", "/dav/", 429, ""}, wantCode: "UPSTREAM_RATE_LIMITED", retryable: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, tc.password)
			if tc.fault != nil {
				p.srv.Inject(fault(tc.fault.method, tc.fault.suffix, tc.fault.status, tc.fault.body))
			}
			env := p.h.Call(abi.MethodAppCheckKeys, map[string]any{}).Envelope
			if tc.wantCode != "" {
				if env.Error == nil || env.Error.AppCode != tc.wantCode || env.Error.Retryable != tc.retryable {
					t.Fatalf("got %s %+v, want error %s retryable=%v", env.OK, env.Error, tc.wantCode, tc.retryable)
				}
				return
			}
			if env.Error != nil {
				t.Fatalf("checkKeys failed: %v", env.Error)
			}
			var res abi.AppCheckKeysResult
			if err := json.Unmarshal(env.OK, &res); err != nil {
				t.Fatal(err)
			}
			if res.Valid != tc.wantValid || (!res.Valid && res.Message == "") {
				t.Fatalf("got %+v, want valid=%v with a message when invalid", res, tc.wantValid)
			}
			if got := p.requests("PROPFIND"); len(got) != 1 || got[0].Header.Get("Depth") != "0" {
				t.Fatalf("checkKeys sent %d PROPFINDs (%v), want one with Depth 0", len(got), got)
			}
		})
	}
}

// faultSpec is a fault in a test table.
type faultSpec struct {
	method, suffix string
	status         int
	body           string
}

func TestListCalendars(t *testing.T) {
	p := newPeer(t, "")
	var cals []abi.IntegrationCalendar
	p.h.OK(abi.MethodCalendarListCalendars, map[string]any{}, &cals)
	want := []abi.IntegrationCalendar{
		{ExternalID: p.personal, Integration: "caldav_calendar", Name: "Personal", Primary: true},
		{ExternalID: p.work, Integration: "caldav_calendar", Name: "Work"},
	}
	if !reflect.DeepEqual(cals, want) {
		t.Fatalf("listCalendars =\n %+v\nwant\n %+v", cals, want)
	}
	// Discovery: current-user-principal, calendar-home-set, then the home.
	var paths []string
	for _, r := range p.requests("PROPFIND") {
		paths = append(paths, r.Path+" depth="+r.Header.Get("Depth"))
	}
	wantPaths := []string{"/dav/ depth=0", "/dav/alice/ depth=0", "/dav/alice/calendars/ depth=1"}
	if !slices.Equal(paths, wantPaths) {
		t.Fatalf("discovery requests %v, want %v", paths, wantPaths)
	}
	// The guest read the url key and nothing else; the password was
	// attached by the host.
	if f := p.h.Audit.Fields(); !slices.Equal(slices.Compact(f), []string{"url"}) {
		t.Fatalf("vault revealed %v to the guest, want only url", f)
	}
	for _, r := range p.srv.Requests() {
		if u, pw, ok := (&http.Request{Header: r.Header}).BasicAuth(); !ok || u != davUser || pw != davPass {
			t.Fatalf("%s %s went without the installation's basic auth", r.Method, r.Path)
		}
	}
}

func TestCreateEvent(t *testing.T) {
	p := newPeer(t, "")
	ev := booking("7c1f3f0e-1111-4a4a-9a9a-000000000001@Cal.com", 0, "2030-03-04T14:00:00Z", "2030-03-04T14:30:00Z")
	ev.Team = &abi.Team{ID: 1, Name: "Sales", Members: []abi.TeamMember{
		{Name: "Tess Team", Email: "tess@example.com", TimeZone: "UTC", Language: abi.Language{Locale: "en"}},
		{Name: "Bob again", Email: "BOB@example.net", TimeZone: "UTC", Language: abi.Language{Locale: "en"}},
	}}
	var res abi.NewCalendarEventType
	p.h.OK(abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{Event: ev, ExternalCalendarID: p.work}, &res)

	path := "/dav/alice/calendars/work/7c1f3f0e-1111-4a4a-9a9a-000000000001@Cal.com.ics"
	_, etag, ok := p.srv.Object(path)
	if !ok {
		t.Fatalf("no object at %s; server has %v", path, p.srv.Objects())
	}
	if res.UID != ev.ICalUID || res.ID != ev.ICalUID || res.ICalUID != ev.ICalUID || res.Type != "caldav_calendar" ||
		res.URL != p.http.URL+path || res.AdditionalInfo["etag"] != `"`+etag+`"` || res.AdditionalInfo["calendarUrl"] != p.work {
		t.Fatalf("result %+v; want uid=id=iCalUID, url of the resource, etag %q", res, etag)
	}
	puts := p.requests("PUT")
	if len(puts) != 1 || puts[0].Header.Get("If-None-Match") != "*" || !strings.HasPrefix(puts[0].Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("PUTs %+v: want one with If-None-Match: * and text/calendar", puts)
	}
	if strings.Contains(puts[0].Body, "METHOD:") {
		t.Fatal("the object carries METHOD, which RFC 4791 forbids in a calendar collection")
	}

	got := p.readBack(t, path)
	text := func(name string) string {
		v, err := got.Props.Text(name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	start, err := got.DateTimeStart(nil)
	if err != nil {
		t.Fatal(err)
	}
	end, err := got.DateTimeEnd(nil)
	if err != nil {
		t.Fatal(err)
	}
	if text(ical.PropUID) != ev.ICalUID || seqOf(t, got) != 0 ||
		!start.Equal(mustTime(t, ev.StartTime)) || !end.Equal(mustTime(t, ev.EndTime)) ||
		got.Props.Get(ical.PropDateTimeStart).Value != "20300304T140000Z" {
		t.Fatalf("read back UID %q SEQUENCE %d DTSTART %v DTEND %v", text(ical.PropUID), seqOf(t, got), start, end)
	}
	if text(ical.PropSummary) != ev.Title || text(ical.PropDescription) != ev.Description || text(ical.PropLocation) != ev.Location {
		t.Fatalf("read back SUMMARY %q DESCRIPTION %q LOCATION %q", text(ical.PropSummary), text(ical.PropDescription), text(ical.PropLocation))
	}
	org := got.Props.Get(ical.PropOrganizer)
	if org == nil || org.Value != "mailto:olga@example.com" || org.Params.Get(ical.ParamCommonName) != "Olga Organizer" {
		t.Fatalf("ORGANIZER %+v", org)
	}
	var attendees []string
	for _, a := range got.Props.Values(ical.PropAttendee) {
		attendees = append(attendees, a.Value+" "+a.Params.Get(ical.ParamCommonName)+" "+a.Params.Get("SCHEDULE-AGENT"))
	}
	wantAtt := []string{"mailto:bob@example.net Bob 'the booker' CLIENT", "mailto:tess@example.com Tess Team CLIENT"}
	if !slices.Equal(attendees, wantAtt) {
		t.Fatalf("ATTENDEEs %q, want %q", attendees, wantAtt)
	}

	// The event counts as busy.
	var busy []abi.EventBusyDate
	p.h.OK(abi.MethodCalendarGetAvailability, availability("2030-03-04T00:00:00Z", "2030-03-05T00:00:00Z", p.work), &busy)
	if want := []abi.EventBusyDate{{Start: ev.StartTime, End: ev.EndTime}}; !reflect.DeepEqual(busy, want) {
		t.Fatalf("busy %+v, want %+v", busy, want)
	}
}

func TestCreateEventTarget(t *testing.T) {
	p := newPeer(t, "")
	// No calendar named: the primary one (discovery).
	ev := booking("primary-1@Cal.com", 0, "2030-03-04T14:00:00Z", "2030-03-04T14:30:00Z")
	var res abi.NewCalendarEventType
	p.h.OK(abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{Event: ev}, &res)
	if res.AdditionalInfo["calendarUrl"] != p.personal {
		t.Fatalf("no calendar named: wrote to %v, want the primary %s", res.AdditionalInfo["calendarUrl"], p.personal)
	}
	// The event's destination calendar of this integration.
	ev = booking("dest-1@Cal.com", 0, "2030-03-04T14:00:00Z", "2030-03-04T14:30:00Z")
	ev.DestinationCalendar = []abi.DestinationCalendar{
		{Integration: "google_calendar", ExternalID: "primary"},
		{Integration: "caldav_calendar", ExternalID: p.work},
	}
	p.h.OK(abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{Event: ev}, &res)
	if res.AdditionalInfo["calendarUrl"] != p.work {
		t.Fatalf("destination calendar: wrote to %v, want %s", res.AdditionalInfo["calendarUrl"], p.work)
	}
	// No iCalUID: <uid>@Cal.com, as Cal.com's getICalUID.
	ev = booking("", 0, "2030-03-04T14:00:00Z", "2030-03-04T14:30:00Z")
	ev.UID = "bk-42"
	p.h.OK(abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{Event: ev, ExternalCalendarID: p.work}, &res)
	if res.UID != "bk-42@Cal.com" {
		t.Fatalf("derived uid %q, want bk-42@Cal.com", res.UID)
	}
}

func TestCreateEventTwice(t *testing.T) {
	p := newPeer(t, "")
	ev := booking("twice@Cal.com", 0, "2030-03-04T14:00:00Z", "2030-03-04T14:30:00Z")
	in := abi.CalendarCreateEventInput{Event: ev, ExternalCalendarID: p.work}
	var first, second abi.NewCalendarEventType
	p.h.OK(abi.MethodCalendarCreateEvent, in, &first)
	// A retried call (same booking): the 412 is recognised, not an error.
	p.h.OK(abi.MethodCalendarCreateEvent, in, &second)
	if !reflect.DeepEqual(first, second) {
		t.Fatalf("retry answered %+v, first call %+v", second, first)
	}
	// Another event under the same iCalUID is refused, and left alone.
	other := in
	other.Event.StartTime, other.Event.EndTime = "2030-03-05T09:00:00Z", "2030-03-05T10:00:00Z"
	e := p.h.Fail(abi.MethodCalendarCreateEvent, other)
	if e.AppCode != "ALREADY_EXISTS" || e.Retryable {
		t.Fatalf("got %+v, want ALREADY_EXISTS, not retryable", e)
	}
	if got := p.readBack(t, "/dav/alice/calendars/work/twice@Cal.com.ics"); got.Props.Get(ical.PropDateTimeStart).Value != "20300304T140000Z" {
		t.Fatal("the refused create changed the stored event")
	}
}

func TestUpdateAndDeleteEvent(t *testing.T) {
	p := newPeer(t, "")
	uid := "upd@Cal.com"
	path := "/dav/alice/calendars/work/upd@Cal.com.ics"
	ev := booking(uid, 0, "2030-03-04T14:00:00Z", "2030-03-04T14:30:00Z")
	var created abi.NewCalendarEventType
	p.h.OK(abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{Event: ev, ExternalCalendarID: p.work}, &created)
	_, oldETag, _ := p.srv.Object(path)

	// Reschedule: the host passes the uid the app returned and the booking's
	// reference, which names the calendar; SEQUENCE grows.
	moved := booking(uid, 1, "2030-03-05T09:00:00Z", "2030-03-05T10:00:00Z")
	moved.References = []abi.PartialReference{{Type: "caldav_calendar", UID: uid, ExternalCalendarID: p.work}}
	p.srv.ResetRequests()
	var updated abi.NewCalendarEventType
	p.h.OK(abi.MethodCalendarUpdateEvent, abi.CalendarUpdateEventInput{UID: created.UID, Event: moved}, &updated)
	puts := p.requests("PUT")
	if len(puts) != 1 || puts[0].Header.Get("If-Match") != `"`+oldETag+`"` {
		t.Fatalf("update PUTs %+v: want one with If-Match %q", puts, oldETag)
	}
	if len(p.requests("PROPFIND")) != 0 {
		t.Fatal("update ran discovery although the reference names the calendar")
	}
	got := p.readBack(t, path)
	if got.Props.Get(ical.PropDateTimeStart).Value != "20300305T090000Z" || seqOf(t, got) != 1 {
		t.Fatalf("after update DTSTART %s SEQUENCE %d", got.Props.Get(ical.PropDateTimeStart).Value, seqOf(t, got))
	}
	_, newETag, _ := p.srv.Object(path)
	if updated.AdditionalInfo["etag"] != `"`+newETag+`"` || updated.UID != uid {
		t.Fatalf("update answered %+v, want etag %q", updated, newETag)
	}

	// Without a calendar named, the app finds the event by discovery.
	again := booking(uid, 2, "2030-03-05T11:00:00Z", "2030-03-05T12:00:00Z")
	p.h.OK(abi.MethodCalendarUpdateEvent, abi.CalendarUpdateEventInput{UID: uid, Event: again}, &updated)
	if got := p.readBack(t, path); seqOf(t, got) != 2 {
		t.Fatalf("update by discovery: SEQUENCE %d, want 2", seqOf(t, got))
	}

	_, etag, _ := p.srv.Object(path)
	p.srv.ResetRequests()
	p.h.OK(abi.MethodCalendarDeleteEvent, abi.CalendarDeleteEventInput{UID: uid, Event: again, ExternalCalendarID: p.work}, nil)
	dels := p.requests("DELETE")
	if len(dels) != 1 || dels[0].Header.Get("If-Match") != `"`+etag+`"` {
		t.Fatalf("DELETEs %+v: want one with If-Match %q", dels, etag)
	}
	if _, _, ok := p.srv.Object(path); ok {
		t.Fatal("the event is still on the server")
	}
	// Deleting what is gone succeeds: the booking's event is not there.
	p.h.OK(abi.MethodCalendarDeleteEvent, abi.CalendarDeleteEventInput{UID: uid, Event: again}, nil)
	// Updating what is gone is NOT_FOUND.
	if e := p.h.Fail(abi.MethodCalendarUpdateEvent, abi.CalendarUpdateEventInput{UID: uid, Event: again}); e.AppCode != "NOT_FOUND" || e.Retryable {
		t.Fatalf("update of a deleted event: %+v, want NOT_FOUND", e)
	}
}

// TestPreconditionFailed changes the event on the server between the app's
// read of the ETag and its write: the server's 412 is PRECONDITION_FAILED,
// retryable, and a retry applies the change.
func TestPreconditionFailed(t *testing.T) {
	for _, method := range []string{abi.MethodCalendarUpdateEvent, abi.MethodCalendarDeleteEvent} {
		t.Run(method, func(t *testing.T) {
			p := newPeer(t, "")
			uid := "race@Cal.com"
			path := "/dav/alice/calendars/work/race@Cal.com.ics"
			p.h.OK(abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{
				Event: booking(uid, 0, "2030-03-04T14:00:00Z", "2030-03-04T14:30:00Z"), ExternalCalendarID: p.work}, nil)
			touched := false
			p.srv.OnRequest(func(r *http.Request) {
				if (r.Method == http.MethodPut || r.Method == http.MethodDelete) && !touched {
					touched = true
					if err := p.srv.Touch(path); err != nil {
						t.Error(err)
					}
				}
			})
			ev := booking(uid, 1, "2030-03-05T09:00:00Z", "2030-03-05T10:00:00Z")
			in := map[string]any{"uid": uid, "event": ev, "externalCalendarId": p.work}
			e := p.h.Fail(method, in)
			if e.Code != abi.CodeAppError || e.AppCode != "PRECONDITION_FAILED" || !e.Retryable {
				t.Fatalf("got %+v, want APP_ERROR PRECONDITION_FAILED, retryable", e)
			}
			p.h.OK(method, in, nil)
			_, _, exists := p.srv.Object(path)
			if exists != (method == abi.MethodCalendarUpdateEvent) {
				t.Fatalf("after the retried %s the event exists=%v", method, exists)
			}
		})
	}
}

// availability is a getAvailability input over the calendars.
func availability(from, to string, cals ...string) abi.CalendarGetAvailabilityInput {
	in := abi.CalendarGetAvailabilityInput{DateFrom: from, DateTo: to, SelectedCalendars: []abi.IntegrationCalendar{}}
	for _, c := range cals {
		in.SelectedCalendars = append(in.SelectedCalendars, abi.IntegrationCalendar{ExternalID: c, Integration: "caldav_calendar"})
	}
	return in
}

func TestGetAvailability(t *testing.T) {
	p := newPeer(t, "")
	work := "/dav/alice/calendars/work/"
	p.put(t, work+"single.ics", vevent("UID:single\nDTSTART:20300304T090000Z\nDTEND:20300304T100000Z\nSUMMARY:busy"))
	p.put(t, work+"free.ics", vevent("UID:free\nDTSTART:20300304T110000Z\nDTEND:20300304T120000Z\nTRANSP:TRANSPARENT"))
	p.put(t, work+"cancelled.ics", vevent("UID:cancelled\nDTSTART:20300304T130000Z\nDTEND:20300304T140000Z\nSTATUS:CANCELLED"))
	// Daily at 08:00 Paris (07:00Z before DST), the 5th excluded, the 6th
	// moved to 15:00Z, and the 7th cancelled by its override.
	p.put(t, work+"daily.ics", vevent(
		"UID:daily\nDTSTART;TZID=Europe/Paris:20300303T080000\nDTEND;TZID=Europe/Paris:20300303T083000\n"+
			"RRULE:FREQ=DAILY;COUNT=6\nEXDATE;TZID=Europe/Paris:20300305T080000",
		"UID:daily\nRECURRENCE-ID;TZID=Europe/Paris:20300306T080000\nDTSTART:20300306T150000Z\nDTEND:20300306T160000Z",
	))
	p.put(t, work+"allday.ics", vevent("UID:allday\nDTSTART;VALUE=DATE:20300305\nDTEND;VALUE=DATE:20300306"))
	p.put(t, work+"overnight.ics", vevent("UID:overnight\nDTSTART:20300303T230000Z\nDTEND:20300304T010000Z"))
	p.put(t, work+"duration.ics", vevent("UID:duration\nDTSTART:20300306T090000Z\nDURATION:PT45M"))
	p.put(t, work+"later.ics", vevent("UID:later\nDTSTART:20300310T090000Z\nDTEND:20300310T100000Z"))
	p.put(t, work+"weekly.ics", vevent("UID:weekly\nDTSTART:20300220T120000Z\nDTEND:20300220T123000Z\nRRULE:FREQ=WEEKLY;BYDAY=WE,FR;UNTIL=20300331T000000Z"))
	// A calendar that is not selected.
	p.put(t, "/dav/alice/calendars/personal/other.ics", vevent("UID:other\nDTSTART:20300304T120000Z\nDTEND:20300304T130000Z"))

	in := availability("2030-03-04T00:00:00Z", "2030-03-07T00:00:00Z", p.work)
	in.SelectedCalendars = append(in.SelectedCalendars, abi.IntegrationCalendar{ExternalID: "primary", Integration: "google_calendar"})
	var busy []abi.EventBusyDate
	p.h.OK(abi.MethodCalendarGetAvailability, in, &busy)
	want := []abi.EventBusyDate{
		{Start: "2030-03-03T23:00:00Z", End: "2030-03-04T01:00:00Z"},
		{Start: "2030-03-04T07:00:00Z", End: "2030-03-04T07:30:00Z"},
		{Start: "2030-03-04T09:00:00Z", End: "2030-03-04T10:00:00Z"},
		{Start: "2030-03-05T00:00:00Z", End: "2030-03-06T00:00:00Z"},
		{Start: "2030-03-06T09:00:00Z", End: "2030-03-06T09:45:00Z"},
		{Start: "2030-03-06T12:00:00Z", End: "2030-03-06T12:30:00Z"},
		{Start: "2030-03-06T15:00:00Z", End: "2030-03-06T16:00:00Z"},
	}
	if !reflect.DeepEqual(busy, want) {
		t.Fatalf("busy =\n %v\nwant\n %v", busy, want)
	}
	reports := p.requests("REPORT")
	if len(reports) != 1 || reports[0].Path != work || reports[0].Header.Get("Depth") != "1" {
		t.Fatalf("REPORTs %+v: want one, Depth 1, on the selected calendar", reports)
	}
	for _, want := range []string{"calendar-query", `comp-filter name="VEVENT"`, "time-range start=", "<C:expand "} {
		if !strings.Contains(reports[0].Body, want) {
			t.Fatalf("the REPORT lacks %s:\n%s", want, reports[0].Body)
		}
	}

	// Nothing selected: nothing is busy, and the server is not asked.
	p.srv.ResetRequests()
	p.h.OK(abi.MethodCalendarGetAvailability, availability("2030-03-04T00:00:00Z", "2030-03-07T00:00:00Z"), &busy)
	if len(busy) != 0 || len(p.srv.Requests()) != 0 {
		t.Fatalf("no calendar selected: busy %v after %d requests", busy, len(p.srv.Requests()))
	}
}

// TestErrorPaths checks that every failure of the server is a clear error
// envelope: never an empty success.
func TestErrorPaths(t *testing.T) {
	const from, to = "2030-03-04T00:00:00Z", "2030-03-05T00:00:00Z"
	validMS := func(data string) string {
		return `<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:response>` +
			`<D:href>/dav/alice/calendars/work/x.ics</D:href><D:propstat><D:prop><D:getetag>"1"</D:getetag>` +
			`<C:calendar-data>` + data + `</C:calendar-data></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>`
	}
	type input func(p *peer) any
	avail := func(p *peer) any { return availability(from, to, p.work) }
	create := func(p *peer) any {
		return abi.CalendarCreateEventInput{Event: booking("err@Cal.com", 0, from, "2030-03-04T01:00:00Z"), ExternalCalendarID: p.work}
	}
	tests := []struct {
		name      string
		password  string
		fault     *faultSpec
		header    []string
		method    string
		input     input
		code      abi.Code
		appCode   string
		retryable bool
		contains  string
	}{
		{name: "availability 401", password: "wrong", method: abi.MethodCalendarGetAvailability, input: avail, code: abi.CodeAppError, appCode: "UNAUTHORIZED"},
		{name: "list 401", password: "wrong", method: abi.MethodCalendarListCalendars, input: func(*peer) any { return map[string]any{} }, code: abi.CodeAppError, appCode: "UNAUTHORIZED"},
		{name: "create 401", password: "wrong", method: abi.MethodCalendarCreateEvent, input: create, code: abi.CodeAppError, appCode: "UNAUTHORIZED"},
		{name: "availability 404", fault: &faultSpec{"REPORT", "/work/", 404, "gone"}, method: abi.MethodCalendarGetAvailability, input: avail, code: abi.CodeAppError, appCode: "NOT_FOUND"},
		{name: "availability 429", fault: &faultSpec{"REPORT", "/work/", 429, "slow down"}, header: []string{"Retry-After", "7"}, method: abi.MethodCalendarGetAvailability, input: avail, code: abi.CodeAppError, appCode: "UPSTREAM_RATE_LIMITED", retryable: true, contains: "retry after 7s"},
		{name: "availability 503", fault: &faultSpec{"REPORT", "/work/", 503, "down"}, method: abi.MethodCalendarGetAvailability, input: avail, code: abi.CodeAppError, appCode: "UPSTREAM_UNAVAILABLE", retryable: true},
		{name: "availability not XML", fault: &faultSpec{"REPORT", "/work/", 207, "<D:multistatus xmlns:D=\"DAV:\"><D:response"}, method: abi.MethodCalendarGetAvailability, input: avail, code: abi.CodeAppError, appCode: "BAD_RESPONSE"},
		{name: "availability 200 not 207", fault: &faultSpec{"REPORT", "/work/", 200, "<html>hello</html>"}, method: abi.MethodCalendarGetAvailability, input: avail, code: abi.CodeAppError, appCode: "BAD_RESPONSE"},
		{name: "availability bad iCalendar", fault: &faultSpec{"REPORT", "/work/", 207, validMS("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:garbage\nEND:VEVENT\nEND:VCALENDAR\n")}, method: abi.MethodCalendarGetAvailability, input: avail, code: abi.CodeAppError, appCode: "BAD_RESPONSE"},
		{name: "availability dense rule", fault: &faultSpec{"REPORT", "/work/", 207, validMS(vevent("UID:dense\nDTSTART:20200101T000000Z\nDTEND:20200101T000001Z\nRRULE:FREQ=SECONDLY"))}, method: abi.MethodCalendarGetAvailability, input: avail, code: abi.CodeAppError, appCode: "UNSUPPORTED_RECURRENCE"},
		{name: "list 500", fault: &faultSpec{"PROPFIND", "/dav/alice/calendars/", 500, "boom"}, method: abi.MethodCalendarListCalendars, input: func(*peer) any { return map[string]any{} }, code: abi.CodeAppError, appCode: "UPSTREAM_UNAVAILABLE", retryable: true},
		{name: "create 403", fault: &faultSpec{"PUT", ".ics", 403, "read-only calendar"}, method: abi.MethodCalendarCreateEvent, input: create, code: abi.CodeAppError, appCode: "UNAUTHORIZED"},
		{name: "create 507", fault: &faultSpec{"PUT", ".ics", 507, "quota"}, method: abi.MethodCalendarCreateEvent, input: create, code: abi.CodeAppError, appCode: "UPSTREAM_UNAVAILABLE", retryable: true},
		{name: "create 415", fault: &faultSpec{"PUT", ".ics", 415, "nope"}, method: abi.MethodCalendarCreateEvent, input: create, code: abi.CodeAppError, appCode: "UPSTREAM_ERROR"},
		{name: "update HEAD 500", fault: &faultSpec{"HEAD", ".ics", 500, ""}, method: abi.MethodCalendarUpdateEvent,
			input: func(p *peer) any {
				return abi.CalendarUpdateEventInput{UID: "x@Cal.com", Event: booking("x@Cal.com", 1, from, to), ExternalCalendarID: p.work}
			}, code: abi.CodeAppError, appCode: "UPSTREAM_UNAVAILABLE", retryable: true},
		{name: "create ends before it starts", method: abi.MethodCalendarCreateEvent,
			input: func(p *peer) any {
				return abi.CalendarCreateEventInput{Event: booking("bad@Cal.com", 0, to, from), ExternalCalendarID: p.work}
			}, code: abi.CodeInvalidInput},
		{name: "availability reversed range", method: abi.MethodCalendarGetAvailability, input: func(p *peer) any { return availability(to, from, p.work) }, code: abi.CodeInvalidInput},
		{name: "availability calendar id not a URL", method: abi.MethodCalendarGetAvailability, input: func(*peer) any { return availability(from, to, "work") }, code: abi.CodeInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, tc.password)
			if tc.fault != nil {
				p.srv.Inject(fault(tc.fault.method, tc.fault.suffix, tc.fault.status, tc.fault.body, tc.header...))
			}
			e := p.h.Fail(tc.method, tc.input(p))
			if e.Code != tc.code || e.AppCode != tc.appCode || e.Retryable != tc.retryable || !strings.Contains(e.Message, tc.contains) {
				t.Fatalf("got %+v\nwant code %s appCode %s retryable %v message containing %q", e, tc.code, tc.appCode, tc.retryable, tc.contains)
			}
		})
	}
}

// TestHostRefusals checks what the host's policy does to the app: a url
// the operator did not exempt from the address policy, and a server that
// does not answer, fail with the host's codes.
func TestHostRefusals(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadAddr := apptest.HostPort(t, dead.URL)
	dead.Close() // nothing listens there any more

	live := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(live.Close)

	tests := []struct {
		name     string
		url      string
		allowNet []string
		appCode  string
	}{
		{name: "loopback not exempted", url: live.URL + "/dav/", appCode: string(abi.CodePermissionDenied)},
		{name: "connection refused", url: "http://" + deadAddr + "/dav/", allowNet: []string{deadAddr}, appCode: string(abi.CodeNetworkError)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, map[string]string{"url": tc.url, "username": davUser, "password": davPass}, tc.allowNet...)
			for _, method := range []string{abi.MethodAppCheckKeys, abi.MethodCalendarListCalendars} {
				e := h.Fail(method, map[string]any{})
				if e.Code != abi.CodeAppError || e.AppCode != tc.appCode {
					t.Fatalf("%s: got %+v, want APP_ERROR[%s]", method, e, tc.appCode)
				}
				if strings.Contains(e.Message, davPass) {
					t.Fatalf("%s: the error shows the password: %s", method, e.Message)
				}
			}
		})
	}
}

// BenchmarkCreateEvent is the warm call time of the app's main method: one
// createEvent (a PUT with If-None-Match through the host to the loopback
// server) on a pooled instance.
func BenchmarkCreateEvent(b *testing.B) {
	p := newPeer(b, "")
	p.h.OK(abi.MethodCalendarListCalendars, map[string]any{}, nil) // warm the instance
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ev := booking(fmt.Sprintf("bench-%d@Cal.com", i), 0, "2030-03-04T14:00:00Z", "2030-03-04T14:30:00Z")
		p.h.OK(abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{Event: ev, ExternalCalendarID: p.work}, nil)
	}
}

// BenchmarkGetAvailability is one getAvailability over a week with ten
// events, a recurring one among them.
func BenchmarkGetAvailability(b *testing.B) {
	p := newPeer(b, "")
	for i := range 9 {
		p.put(b, fmt.Sprintf("/dav/alice/calendars/work/e%d.ics", i),
			vevent(fmt.Sprintf("UID:e%d\nDTSTART:203003%02dT%02d0000Z\nDURATION:PT30M", i, 4+i%3, 9+i)))
	}
	p.put(b, "/dav/alice/calendars/work/daily.ics", vevent("UID:daily\nDTSTART:20300101T080000Z\nDTEND:20300101T083000Z\nRRULE:FREQ=DAILY"))
	in := availability("2030-03-04T00:00:00Z", "2030-03-11T00:00:00Z", p.work)
	p.h.OK(abi.MethodCalendarGetAvailability, in, nil)
	for b.Loop() {
		p.h.OK(abi.MethodCalendarGetAvailability, in, nil)
	}
}

// BenchmarkCompile is the time to validate, meter and compile the module
// in a fresh engine without a cache.
func BenchmarkCompile(b *testing.B) {
	_, man := loadModule(b)
	apptest.BenchCompile(b, apptest.ReadModule(b, slug), man)
}

// BenchmarkInstantiate is the time to instantiate the module (its
// _initialize included) and serve one trivial call on the new instance.
func BenchmarkInstantiate(b *testing.B) {
	_, man := loadModule(b)
	apptest.BenchInstantiate(b, apptest.ReadModule(b, slug), man, abi.MethodCRMGetContacts, []byte(`{}`), abi.CodeNotImplemented)
}
