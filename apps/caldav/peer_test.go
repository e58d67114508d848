package main_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/caldav/davtest"
	"github.com/slotbox/slotbox/apps/internal/apptest"
)

// Credentials of the in-process server's user.
const (
	davUser = "alice"
	davPass = "correct horse battery staple"
)

// peer is the in-process CalDAV server on 127.0.0.1, with an installation
// of the app pointed at it.
type peer struct {
	srv  *davtest.Server
	http *httptest.Server
	h    *harness
	// work and personal are the absolute URLs of two calendars.
	work, personal string
}

// newPeer starts the server with calendars work, personal (the default
// name) and a VTODO-only one, and installs the app with keys for it;
// password overrides the right one when not empty.
func newPeer(tb testing.TB, password string) *peer {
	tb.Helper()
	srv := davtest.New(davUser, davPass, "/dav")
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	work := srv.AddCalendar("work", "Work")
	personal := srv.AddCalendar("personal", "Personal")
	srv.AddCalendar("tasks", "Tasks", "VTODO")
	if password == "" {
		password = davPass
	}
	keys := map[string]string{"url": ts.URL + "/dav/", "username": davUser, "password": password}
	return &peer{
		srv:      srv,
		http:     ts,
		h:        newHarness(tb, keys, apptest.HostPort(tb, ts.URL)),
		work:     ts.URL + work,
		personal: ts.URL + personal,
	}
}

// client is go-webdav's CalDAV client: the second opinion on what the app
// wrote.
func (p *peer) client(tb testing.TB) *caldav.Client {
	tb.Helper()
	c, err := caldav.NewClient(webdav.HTTPClientWithBasicAuth(p.http.Client(), davUser, davPass), p.http.URL+"/dav/")
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// readBack reads the event at path with go-webdav's client.
func (p *peer) readBack(tb testing.TB, path string) *ical.Event {
	tb.Helper()
	co, err := p.client(tb).GetCalendarObject(context.Background(), path)
	if err != nil {
		tb.Fatalf("go-webdav client: get %s: %v", path, err)
	}
	evs := co.Data.Events()
	if len(evs) != 1 {
		tb.Fatalf("%s holds %d events, want 1", path, len(evs))
	}
	return &evs[0]
}

// put stores an iCalendar object directly on the server.
func (p *peer) put(tb testing.TB, path, ics string) {
	tb.Helper()
	if _, err := p.srv.Put(path, strings.ReplaceAll(ics, "\n", "\r\n")); err != nil {
		tb.Fatal(err)
	}
}

// requests returns the requests of method the server received.
func (p *peer) requests(method string) []davtest.Request {
	var out []davtest.Request
	for _, r := range p.srv.Requests() {
		if r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// booking is a Cal.com event as the host passes it.
func booking(icalUID string, seq int, start, end string) abi.CalendarEvent {
	return abi.CalendarEvent{
		Type:      "30min",
		Title:     "Intro call, ünïcode; with \"quotes\"",
		StartTime: start,
		EndTime:   end,
		Organizer: abi.Person{Name: "Olga Organizer", Email: "olga@example.com", TimeZone: "Europe/Paris", Language: abi.Language{Locale: "fr"}},
		Attendees: []abi.Person{
			{Name: `Bob "the booker"`, Email: "bob@example.net", TimeZone: "America/New_York", Language: abi.Language{Locale: "en"}},
			{Name: "No Email", Email: "", TimeZone: "UTC", Language: abi.Language{Locale: "en"}},
		},
		Location:     "Room 4, Main St",
		Description:  "Line one\nLine two; with, punctuation",
		UID:          "booking-" + icalUID,
		ICalUID:      icalUID,
		ICalSequence: seq,
	}
}

// vevent is a VCALENDAR holding the given VEVENT bodies.
func vevent(bodies ...string) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//davtest//EN\n")
	for _, body := range bodies {
		b.WriteString("BEGIN:VEVENT\nDTSTAMP:20300101T000000Z\n")
		b.WriteString(strings.TrimSpace(body))
		b.WriteString("\nEND:VEVENT\n")
	}
	b.WriteString("END:VCALENDAR\n")
	return b.String()
}

// mustTime parses an RFC 3339 time.
func mustTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// seqOf returns an event's SEQUENCE.
func seqOf(tb testing.TB, e *ical.Event) int {
	tb.Helper()
	p := e.Props.Get(ical.PropSequence)
	if p == nil {
		tb.Fatal("event has no SEQUENCE")
	}
	n, err := strconv.Atoi(p.Value)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// fault is a davtest.Fault with a header.
func fault(method, suffix string, status int, body string, header ...string) davtest.Fault {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return davtest.Fault{Method: method, PathSuffix: suffix, Status: status, Body: body, Header: h}
}
