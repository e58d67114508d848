package caldavapp

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/slotbox/slotbox/abi"
)

func TestBuildICS(t *testing.T) {
	start := time.Date(2030, 3, 4, 14, 0, 0, 0, time.UTC)
	end := start.Add(30 * time.Minute)
	now := time.Date(2030, 3, 1, 8, 9, 10, 500, time.UTC)
	tests := []struct {
		name  string
		edit  func(ev *abi.CalendarEvent)
		check func(t *testing.T, e *ical.Event, raw string)
	}{
		{"fields", func(*abi.CalendarEvent) {}, func(t *testing.T, e *ical.Event, raw string) {
			want := map[string]string{
				ical.PropUID: "u-1@Cal.com", ical.PropSequence: "3", ical.PropDateTimeStart: "20300304T140000Z",
				ical.PropDateTimeEnd: "20300304T143000Z", ical.PropDateTimeStamp: "20300301T080910Z",
				ical.PropStatus: "CONFIRMED", ical.PropTransparency: "OPAQUE",
			}
			for name, v := range want {
				if p := e.Props.Get(name); p == nil || p.Value != v {
					t.Errorf("%s = %+v, want %q", name, p, v)
				}
			}
			if s, _ := e.Props.Text(ical.PropSummary); s != "Intro; with, \"quotes\" \\ and ünïcode" {
				t.Errorf("SUMMARY %q", s)
			}
			if strings.Contains(raw, "METHOD") || strings.Contains(raw, "\x07") {
				t.Errorf("raw object:\n%s", raw)
			}
		}},
		{"description and notes", func(ev *abi.CalendarEvent) { ev.AdditionalNotes = "bring slides" }, func(t *testing.T, e *ical.Event, _ string) {
			if d, _ := e.Props.Text(ical.PropDescription); d != "line 1\nline 2\n\nbring slides" {
				t.Errorf("DESCRIPTION %q", d)
			}
		}},
		{"calendarDescription wins", func(ev *abi.CalendarEvent) { ev.CalendarDescription = "rendered by the host" }, func(t *testing.T, e *ical.Event, _ string) {
			if d, _ := e.Props.Text(ical.PropDescription); d != "rendered by the host" {
				t.Errorf("DESCRIPTION %q", d)
			}
		}},
		{"video location", func(ev *abi.CalendarEvent) {
			ev.Location = "integrations:daily"
			ev.VideoCallData = &abi.VideoCallData{Type: "daily_video", ID: "r", URL: "https://x.daily.co/r"}
		}, func(t *testing.T, e *ical.Event, _ string) {
			if l, _ := e.Props.Text(ical.PropLocation); l != "https://x.daily.co/r" {
				t.Errorf("LOCATION %q", l)
			}
		}},
		{"app location without link", func(ev *abi.CalendarEvent) { ev.Location = "integrations:zoom" }, func(t *testing.T, e *ical.Event, _ string) {
			if e.Props.Get(ical.PropLocation) != nil {
				t.Error("LOCATION names an app instead of a place")
			}
		}},
		{"private and tentative", func(ev *abi.CalendarEvent) { ev.HideCalendarEventDetails, ev.RequiresConfirmation = true, true }, func(t *testing.T, e *ical.Event, _ string) {
			if c, _ := e.Props.Text(ical.PropClass); c != "PRIVATE" {
				t.Errorf("CLASS %q", c)
			}
			if s, _ := e.Props.Text(ical.PropStatus); s != "TENTATIVE" {
				t.Errorf("STATUS %q", s)
			}
		}},
		{"people", func(*abi.CalendarEvent) {}, func(t *testing.T, e *ical.Event, _ string) {
			org := e.Props.Get(ical.PropOrganizer)
			if org == nil || org.Value != "mailto:olga@example.com" || org.Params.Get("SCHEDULE-AGENT") != "CLIENT" || org.Params.Get(ical.ParamRole) != "" {
				t.Errorf("ORGANIZER %+v", org)
			}
			atts := e.Props.Values(ical.PropAttendee)
			if len(atts) != 1 {
				t.Fatalf("%d ATTENDEEs, want 1 (no email, duplicate of the organizer)", len(atts))
			}
			a := atts[0]
			if a.Value != "mailto:bob@example.net" || a.Params.Get(ical.ParamCommonName) != "Bob 'B' Booker" ||
				a.Params.Get(ical.ParamParticipationStatus) != "NEEDS-ACTION" || a.Params.Get("SCHEDULE-AGENT") != "CLIENT" {
				t.Errorf("ATTENDEE %+v", a)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := abi.CalendarEvent{
				Title:        "Intro; with, \"quotes\" \\ and ünïcode\a",
				Description:  "line 1\r\nline 2",
				Organizer:    abi.Person{Name: "Olga", Email: "olga@example.com"},
				Attendees:    []abi.Person{{Name: "Bob \"B\" Booker\r\n", Email: "bob@example.net"}, {Name: "nobody"}, {Name: "Olga again", Email: "OLGA@example.com"}},
				ICalSequence: 3,
			}
			tc.edit(&ev)
			raw, err := buildICS(&ev, "u-1@Cal.com", start, end, now)
			if err != nil {
				t.Fatal(err)
			}
			c, err := ical.NewDecoder(strings.NewReader(string(raw))).Decode()
			if err != nil {
				t.Fatalf("the object does not parse: %v\n%s", err, raw)
			}
			evs := c.Events()
			if len(evs) != 1 {
				t.Fatalf("%d events", len(evs))
			}
			tc.check(t, &evs[0], string(raw))
		})
	}
}

func TestICalUID(t *testing.T) {
	tests := []struct {
		ical, uid, want string
		ok              bool
	}{
		{"abc@Cal.com", "x", "abc@Cal.com", true},
		{"", "bk-1", "bk-1@Cal.com", true},
		{"", "", "", false},
		{"a\nb", "", "", false},
		{"..", "", "", false},
		{strings.Repeat("x", 256), "", "", false},
	}
	for _, tc := range tests {
		got, err := icalUID(&abi.CalendarEvent{ICalUID: tc.ical, UID: tc.uid})
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("icalUID(%q, %q) = %q, %v", tc.ical, tc.uid, got, err)
		}
	}
}

func TestObjectURL(t *testing.T) {
	for uid, want := range map[string]string{
		"abc@Cal.com":   "https://d/cal/abc@Cal.com.ics",
		"a/b c?d#e":     "https://d/cal/a%2Fb%20c%3Fd%23e.ics",
		"ünï-42@x.test": "https://d/cal/%C3%BCn%C3%AF-42@x.test.ics",
	} {
		if got := objectURL("https://d/cal", uid); got != want {
			t.Errorf("objectURL(%q) = %q, want %q", uid, got, want)
		}
	}
}
