package caldavapp

import (
	"errors"
	"strings"
	"testing"
	"time"

	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// cal wraps VEVENT bodies in a VCALENDAR with CRLF lines.
func cal(bodies ...string) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n")
	for _, body := range bodies {
		b.WriteString("BEGIN:VEVENT\nUID:u\nDTSTAMP:20300101T000000Z\n" + strings.TrimSpace(body) + "\nEND:VEVENT\n")
	}
	b.WriteString("END:VCALENDAR\n")
	return strings.ReplaceAll(b.String(), "\n", "\r\n")
}

func TestBusyOf(t *testing.T) {
	from := time.Date(2030, 3, 4, 0, 0, 0, 0, time.UTC)
	to := time.Date(2030, 3, 8, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		data  string
		want  []string // "start/end" in UTC
		warns int
	}{
		{"single", cal("DTSTART:20300304T090000Z\nDTEND:20300304T100000Z"),
			[]string{"2030-03-04T09:00:00Z/2030-03-04T10:00:00Z"}, 0},
		{"outside", cal("DTSTART:20300310T090000Z\nDTEND:20300310T100000Z"), nil, 0},
		{"ends at from", cal("DTSTART:20300303T230000Z\nDTEND:20300304T000000Z"), nil, 0},
		{"starts at to", cal("DTSTART:20300308T000000Z\nDTEND:20300308T010000Z"), nil, 0},
		{"transparent", cal("DTSTART:20300304T090000Z\nDTEND:20300304T100000Z\nTRANSP:TRANSPARENT"), nil, 0},
		{"cancelled", cal("DTSTART:20300304T090000Z\nDTEND:20300304T100000Z\nSTATUS:CANCELLED"), nil, 0},
		{"zero length", cal("DTSTART:20300304T090000Z"), nil, 0},
		{"duration", cal("DTSTART:20300304T090000Z\nDURATION:PT1H30M"),
			[]string{"2030-03-04T09:00:00Z/2030-03-04T10:30:00Z"}, 0},
		{"all day", cal("DTSTART;VALUE=DATE:20300305"),
			[]string{"2030-03-05T00:00:00Z/2030-03-06T00:00:00Z"}, 0},
		{"floating is UTC", cal("DTSTART:20300304T090000\nDTEND:20300304T100000"),
			[]string{"2030-03-04T09:00:00Z/2030-03-04T10:00:00Z"}, 0},
		{"tzid", cal("DTSTART;TZID=America/New_York:20300304T090000\nDTEND;TZID=America/New_York:20300304T100000"),
			[]string{"2030-03-04T14:00:00Z/2030-03-04T15:00:00Z"}, 0},
		{"unknown tzid is UTC, warned", cal("DTSTART;TZID=W. Europe Standard Time:20300304T090000\nDTEND;TZID=W. Europe Standard Time:20300304T100000"),
			[]string{"2030-03-04T09:00:00Z/2030-03-04T10:00:00Z"}, 2},
		{"series starting after the range", cal("DTSTART;TZID=America/New_York:20300308T230000\nDTEND;TZID=America/New_York:20300308T233000\nRRULE:FREQ=DAILY;COUNT=3"),
			nil, 0},
		{"daily with exdate list and rdate", cal("DTSTART:20300303T080000Z\nDTEND:20300303T090000Z\nRRULE:FREQ=DAILY;COUNT=5\n" +
			"EXDATE:20300304T080000Z,20300306T080000Z\nRDATE:20300307T200000Z"),
			[]string{"2030-03-05T08:00:00Z/2030-03-05T09:00:00Z", "2030-03-07T08:00:00Z/2030-03-07T09:00:00Z", "2030-03-07T20:00:00Z/2030-03-07T21:00:00Z"}, 0},
		{"override moves and cancels", cal(
			"DTSTART:20300304T080000Z\nDTEND:20300304T090000Z\nRRULE:FREQ=DAILY",
			"RECURRENCE-ID:20300305T080000Z\nDTSTART:20300305T150000Z\nDTEND:20300305T160000Z",
			"RECURRENCE-ID:20300306T080000Z\nDTSTART:20300306T080000Z\nDTEND:20300306T090000Z\nSTATUS:CANCELLED"),
			[]string{"2030-03-04T08:00:00Z/2030-03-04T09:00:00Z", "2030-03-07T08:00:00Z/2030-03-07T09:00:00Z", "2030-03-05T15:00:00Z/2030-03-05T16:00:00Z"}, 0},
		{"server-expanded instances", cal(
			"RECURRENCE-ID:20300304T080000Z\nDTSTART:20300304T080000Z\nDTEND:20300304T090000Z",
			"RECURRENCE-ID:20300305T080000Z\nDTSTART:20300305T080000Z\nDTEND:20300305T090000Z"),
			[]string{"2030-03-04T08:00:00Z/2030-03-04T09:00:00Z", "2030-03-05T08:00:00Z/2030-03-05T09:00:00Z"}, 0},
		{"weekly until", cal("DTSTART:20300220T120000Z\nDTEND:20300220T123000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20300306T000000Z"),
			[]string{"2030-03-04T12:00:00Z/2030-03-04T12:30:00Z"}, 0},
		{"recurring transparent", cal("DTSTART:20300304T080000Z\nDTEND:20300304T090000Z\nRRULE:FREQ=DAILY\nTRANSP:TRANSPARENT"), nil, 0},
		{"long-running series", cal("DTSTART:20000104T080000Z\nDTEND:20000104T083000Z\nRRULE:FREQ=DAILY"),
			[]string{"2030-03-04T08:00:00Z/2030-03-04T08:30:00Z", "2030-03-05T08:00:00Z/2030-03-05T08:30:00Z",
				"2030-03-06T08:00:00Z/2030-03-06T08:30:00Z", "2030-03-07T08:00:00Z/2030-03-07T08:30:00Z"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			warns := 0
			got, err := busyOf(tc.data, from, to, func(string) { warns++ })
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, iv := range got {
				s = append(s, iv.start.UTC().Format(time.RFC3339)+"/"+iv.end.UTC().Format(time.RFC3339))
			}
			if strings.Join(s, " ") != strings.Join(tc.want, " ") || warns != tc.warns {
				t.Fatalf("got %v (%d warnings), want %v (%d warnings)", s, warns, tc.want, tc.warns)
			}
		})
	}
}

func TestBusyOfDST(t *testing.T) {
	// 08:00 in New York is 13:00Z before the switch on 10 March 2030 and
	// 12:00Z after it: expansion happens in the event's zone.
	data := cal("DTSTART;TZID=America/New_York:20300308T080000\nDTEND;TZID=America/New_York:20300308T083000\nRRULE:FREQ=DAILY;COUNT=4")
	got, err := busyOf(data, time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 3, 20, 0, 0, 0, 0, time.UTC), func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"13:00", "13:00", "12:00", "12:00"}
	if len(got) != len(want) {
		t.Fatalf("%d occurrences, want %d", len(got), len(want))
	}
	for i, iv := range got {
		if h := iv.start.UTC().Format("15:04"); h != want[i] {
			t.Fatalf("occurrence %d starts %s UTC, want %s", i, h, want[i])
		}
	}
}

func TestBusyOfErrors(t *testing.T) {
	from := time.Date(2030, 3, 4, 0, 0, 0, 0, time.UTC)
	to := from.Add(24 * time.Hour)
	tests := []struct {
		name string
		data string
		code string // app code when the error is a *slotbox.Error
	}{
		{"not iCalendar", "hello", ""},
		{"parameter without a value (go-ical panics)", "0;0=", ""},
		{"parameter without a value in an event", cal("DTSTART:20300304T090000Z\nX-A;B="), ""},
		{"no DTSTART", cal("DTEND:20300304T100000Z"), ""},
		{"bad DTSTART", cal("DTSTART:2030-03-04\nDTEND:20300304T100000Z"), ""},
		{"bad DTEND", cal("DTSTART:20300304T090000Z\nDTEND:soon"), ""},
		{"bad DURATION", cal("DTSTART:20300304T090000Z\nDURATION:1h"), ""},
		{"bad RRULE", cal("DTSTART:20300304T090000Z\nDTEND:20300304T100000Z\nRRULE:FREQ=SOMETIMES"), "UNSUPPORTED_RECURRENCE"},
		{"dense RRULE", cal("DTSTART:20300101T000000Z\nDTEND:20300101T000001Z\nRRULE:FREQ=MINUTELY"), "UNSUPPORTED_RECURRENCE"},
		{"bad EXDATE", cal("DTSTART:20300304T090000Z\nDTEND:20300304T100000Z\nRRULE:FREQ=DAILY\nEXDATE:yesterday"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := busyOf(tc.data, from, to, func(string) {})
			if err == nil {
				t.Fatal("no error")
			}
			var se *slotbox.Error
			code := ""
			if errors.As(err, &se) {
				code = string(se.Code)
			}
			if code != tc.code {
				t.Fatalf("error %v has code %q, want %q", err, code, tc.code)
			}
		})
	}
}

func FuzzBusyOf(f *testing.F) {
	f.Add(cal("DTSTART:20300304T090000Z\nDTEND:20300304T100000Z"))
	f.Add(cal("DTSTART;TZID=Europe/Paris:20300303T080000\nDTEND;TZID=Europe/Paris:20300303T083000\nRRULE:FREQ=DAILY;COUNT=6\nEXDATE;TZID=Europe/Paris:20300305T080000"))
	f.Add(cal("DTSTART;VALUE=DATE:20300305\nRDATE;VALUE=PERIOD:20300306T000000Z/PT1H"))
	f.Add(cal("DTSTART:20300304T080000Z\nDURATION:PT1H\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"))
	from := time.Date(2030, 3, 4, 0, 0, 0, 0, time.UTC)
	to := from.Add(7 * 24 * time.Hour)
	f.Fuzz(func(t *testing.T, data string) {
		got, err := busyOf(data, from, to, func(string) {})
		if err != nil {
			return
		}
		for _, iv := range got {
			if !iv.end.After(iv.start) || !iv.start.Before(to) || !iv.end.After(from) {
				t.Fatalf("interval %v-%v is empty or outside [%v, %v)", iv.start, iv.end, from, to)
			}
		}
	})
}
