//go:build radicale

package main_test

// Tests of the built module against Radicale from Debian, started by
// scripts/radicale.sh (start_radicale), which exports where it listens:
//
//	go test -tags radicale -run Radicale ./apps/caldav/...

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"

	"github.com/slotbox/slotbox/abi"
)

// radicale is a Radicale server with a fresh calendar collection.
type radicale struct {
	base, user, pass string
	// name and calendar are the name and absolute URL of the collection
	// the test made.
	name, calendar string
	h              *harness
}

func newRadicale(t *testing.T) *radicale {
	t.Helper()
	r := &radicale{
		base: os.Getenv("SLOTBOX_RADICALE_URL"),
		user: os.Getenv("SLOTBOX_RADICALE_USER"),
		pass: os.Getenv("SLOTBOX_RADICALE_PASS"),
	}
	if r.base == "" || r.user == "" || r.pass == "" {
		t.Fatal("SLOTBOX_RADICALE_URL, SLOTBOX_RADICALE_USER and SLOTBOX_RADICALE_PASS must be set: source scripts/radicale.sh and run start_radicale")
	}
	u, err := url.Parse(r.base)
	if err != nil {
		t.Fatal(err)
	}
	var id [6]byte
	_, _ = rand.Read(id[:])
	name := "slotbox-" + hex.EncodeToString(id[:])
	r.name = name
	r.calendar = u.Scheme + "://" + u.Host + "/" + r.user + "/" + name + "/"
	body := `<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
		`<D:set><D:prop><D:displayname>Slotbox ` + name + `</D:displayname>` +
		`<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>`
	if res := r.do(t, "MKCALENDAR", r.calendar, body, "application/xml"); res.StatusCode != http.StatusCreated {
		t.Fatalf("MKCALENDAR %s: %s", r.calendar, res.Status)
	}
	t.Cleanup(func() { r.do(t, http.MethodDelete, r.calendar, "", "") })
	r.h = newHarness(t, map[string]string{"url": r.base, "username": r.user, "password": r.pass}, u.Host)
	return r
}

// do sends one request to Radicale as the test's own client.
func (r *radicale) do(t *testing.T, method, target, body, contentType string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(r.user, r.pass)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// readBack reads an event with go-webdav's CalDAV client.
func (r *radicale) readBack(t *testing.T, target string) *ical.Event {
	t.Helper()
	c, err := caldav.NewClient(webdav.HTTPClientWithBasicAuth(http.DefaultClient, r.user, r.pass), r.base)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(target)
	co, err := c.GetCalendarObject(context.Background(), u.Path)
	if err != nil {
		t.Fatalf("go-webdav client: get %s: %v", target, err)
	}
	evs := co.Data.Events()
	if len(evs) != 1 {
		t.Fatalf("%s holds %d events", target, len(evs))
	}
	return &evs[0]
}

func TestRadicaleCheckKeys(t *testing.T) {
	r := newRadicale(t)
	var res abi.AppCheckKeysResult
	r.h.OK(abi.MethodAppCheckKeys, map[string]any{}, &res)
	if !res.Valid {
		t.Fatalf("checkKeys %+v", res)
	}
	u, _ := url.Parse(r.base)
	bad := newHarness(t, map[string]string{"url": r.base, "username": r.user, "password": "wrong"}, u.Host)
	bad.OK(abi.MethodAppCheckKeys, map[string]any{}, &res)
	if res.Valid || res.Message == "" {
		t.Fatalf("wrong password: checkKeys %+v", res)
	}
	if e := bad.Fail(abi.MethodCalendarListCalendars, map[string]any{}); e.AppCode != "UNAUTHORIZED" {
		t.Fatalf("wrong password: listCalendars %+v", e)
	}
}

func TestRadicaleLifecycle(t *testing.T) {
	r := newRadicale(t)

	var cals []abi.IntegrationCalendar
	r.h.OK(abi.MethodCalendarListCalendars, map[string]any{}, &cals)
	i := slices.IndexFunc(cals, func(c abi.IntegrationCalendar) bool { return c.ExternalID == r.calendar })
	if i < 0 || !strings.HasPrefix(cals[i].Name, "Slotbox ") || cals[i].ReadOnly || cals[i].Integration != "caldav_calendar" {
		t.Fatalf("listCalendars %+v lacks %s", cals, r.calendar)
	}

	uid := r.name + "@Cal.com"
	ev := booking(uid, 0, "2030-03-04T14:00:00Z", "2030-03-04T14:30:00Z")
	var created abi.NewCalendarEventType
	r.h.OK(abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{Event: ev, ExternalCalendarID: r.calendar}, &created)
	if created.UID != uid || created.URL != r.calendar+uid+".ics" || created.AdditionalInfo["etag"] == nil {
		t.Fatalf("createEvent %+v", created)
	}
	got := r.readBack(t, created.URL)
	if u, _ := got.Props.Text(ical.PropUID); u != uid || seqOf(t, got) != 0 || got.Props.Get(ical.PropDateTimeStart).Value != "20300304T140000Z" {
		t.Fatalf("read back UID %q SEQUENCE %d DTSTART %s", u, seqOf(t, got), got.Props.Get(ical.PropDateTimeStart).Value)
	}
	// A second create of the same booking is recognised.
	r.h.OK(abi.MethodCalendarCreateEvent, abi.CalendarCreateEventInput{Event: ev, ExternalCalendarID: r.calendar}, nil)

	moved := booking(uid, 1, "2030-03-05T09:00:00Z", "2030-03-05T10:00:00Z")
	var updated abi.NewCalendarEventType
	r.h.OK(abi.MethodCalendarUpdateEvent, abi.CalendarUpdateEventInput{UID: uid, Event: moved, ExternalCalendarID: r.calendar}, &updated)
	if updated.AdditionalInfo["etag"] == created.AdditionalInfo["etag"] {
		t.Fatal("the ETag did not change with the update")
	}
	got = r.readBack(t, created.URL)
	if seqOf(t, got) != 1 || got.Props.Get(ical.PropDateTimeStart).Value != "20300305T090000Z" {
		t.Fatalf("after update SEQUENCE %d DTSTART %s", seqOf(t, got), got.Props.Get(ical.PropDateTimeStart).Value)
	}

	// Events written by another client: a daily series with an exception
	// and a moved instance, and a free one.
	series := strings.ReplaceAll(vevent(
		"UID:series-"+uid+"\nDTSTART:20300303T080000Z\nDTEND:20300303T083000Z\nRRULE:FREQ=DAILY;COUNT=5\nEXDATE:20300304T080000Z",
		"UID:series-"+uid+"\nRECURRENCE-ID:20300306T080000Z\nDTSTART:20300306T150000Z\nDTEND:20300306T160000Z",
	), "\n", "\r\n")
	if res := r.do(t, http.MethodPut, r.calendar+"series.ics", series, "text/calendar"); res.StatusCode != http.StatusCreated {
		t.Fatalf("PUT series: %s", res.Status)
	}
	free := strings.ReplaceAll(vevent("UID:free-"+uid+"\nDTSTART:20300305T120000Z\nDTEND:20300305T130000Z\nTRANSP:TRANSPARENT"), "\n", "\r\n")
	if res := r.do(t, http.MethodPut, r.calendar+"free.ics", free, "text/calendar"); res.StatusCode != http.StatusCreated {
		t.Fatalf("PUT free: %s", res.Status)
	}
	var busy []abi.EventBusyDate
	r.h.OK(abi.MethodCalendarGetAvailability, availability("2030-03-04T00:00:00Z", "2030-03-07T00:00:00Z", r.calendar), &busy)
	want := []abi.EventBusyDate{
		{Start: "2030-03-05T08:00:00Z", End: "2030-03-05T08:30:00Z"},
		{Start: "2030-03-05T09:00:00Z", End: "2030-03-05T10:00:00Z"},
		{Start: "2030-03-06T15:00:00Z", End: "2030-03-06T16:00:00Z"},
	}
	if !reflect.DeepEqual(busy, want) {
		t.Fatalf("busy =\n %v\nwant\n %v", busy, want)
	}

	r.h.OK(abi.MethodCalendarDeleteEvent, abi.CalendarDeleteEventInput{UID: uid, Event: moved, ExternalCalendarID: r.calendar}, nil)
	if res := r.do(t, http.MethodGet, created.URL, "", ""); res.StatusCode != http.StatusNotFound {
		t.Fatalf("after delete GET answers %s", res.Status)
	}
	r.h.OK(abi.MethodCalendarDeleteEvent, abi.CalendarDeleteEventInput{UID: uid, Event: moved}, nil)
	if e := r.h.Fail(abi.MethodCalendarUpdateEvent, abi.CalendarUpdateEventInput{UID: uid, Event: moved}); e.AppCode != "NOT_FOUND" {
		t.Fatalf("update after delete: %+v", e)
	}
	r.h.OK(abi.MethodCalendarGetAvailability, availability("2030-03-05T09:00:00Z", "2030-03-05T10:00:00Z", r.calendar), &busy)
	if len(busy) != 0 {
		t.Fatalf("after delete busy %v", busy)
	}
}
