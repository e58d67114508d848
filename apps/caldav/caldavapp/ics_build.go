package caldavapp

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/emersion/go-ical"

	"github.com/slotbox/slotbox/abi"
)

// prodID names the app in the objects it writes.
const prodID = "-//Slotbox//CalDAV app//EN"

// maxUIDBytes caps an iCalUID: it becomes a file name on the server.
const maxUIDBytes = 255

// icalUID returns the UID the event is written under: the booking's
// iCalUID, else "<uid>@Cal.com" as Cal.com's getICalUID derives it.
func icalUID(ev *abi.CalendarEvent) (string, error) {
	uid := ev.ICalUID
	if uid == "" && ev.UID != "" {
		uid = ev.UID + "@Cal.com"
	}
	return checkUID(uid)
}

// checkUID refuses a UID that cannot be a property value and a file name.
func checkUID(uid string) (string, error) {
	switch {
	case uid == "":
		return "", invalidInput("the event has neither an iCalUID nor a uid")
	case len(uid) > maxUIDBytes:
		return "", invalidInput("iCalUID is %d bytes, more than %d", len(uid), maxUIDBytes)
	case strings.IndexFunc(uid, unicode.IsControl) >= 0:
		return "", invalidInput("iCalUID holds control characters")
	case uid == "." || uid == "..":
		return "", invalidInput("iCalUID %q cannot name a resource", uid)
	}
	return uid, nil
}

// eventTimes parses the event's start and end, which must be ordered.
func eventTimes(ev *abi.CalendarEvent) (start, end time.Time, err error) {
	start, err = time.Parse(time.RFC3339, ev.StartTime)
	if err != nil {
		return start, end, invalidInput("startTime %q is not an RFC 3339 time", clip(ev.StartTime, 64))
	}
	end, err = time.Parse(time.RFC3339, ev.EndTime)
	if err != nil {
		return start, end, invalidInput("endTime %q is not an RFC 3339 time", clip(ev.EndTime, 64))
	}
	if !end.After(start) {
		return start, end, invalidInput("endTime %s is not after startTime %s", ev.EndTime, ev.StartTime)
	}
	return start.UTC(), end.UTC(), nil
}

// buildICS renders the booking as one VEVENT in a VCALENDAR without METHOD
// (RFC 4791 section 4.1): UID and SEQUENCE from the booking, times in UTC,
// the organizer and every attendee and team member with an email address.
// SCHEDULE-AGENT=CLIENT tells a scheduling server (Fastmail, iCloud) not to
// send its own invitations: Cal.com sends them (calcom/cal.com#9485).
func buildICS(ev *abi.CalendarEvent, uid string, start, end, now time.Time) ([]byte, error) {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, prodID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")

	e := ical.NewEvent()
	e.Props.SetText(ical.PropUID, uid)
	e.Props.SetDateTime(ical.PropDateTimeStamp, now.UTC().Truncate(time.Second))
	e.Props.SetDateTime(ical.PropDateTimeStart, start.UTC())
	e.Props.SetDateTime(ical.PropDateTimeEnd, end.UTC())
	seq := ical.NewProp(ical.PropSequence)
	seq.Value = strconv.Itoa(max(ev.ICalSequence, 0))
	e.Props.Set(seq)
	e.Props.SetText(ical.PropSummary, cleanText(ev.Title))
	if d := description(ev); d != "" {
		e.Props.SetText(ical.PropDescription, d)
	}
	if loc := location(ev); loc != "" {
		e.Props.SetText(ical.PropLocation, loc)
	}
	status := "CONFIRMED"
	if ev.RequiresConfirmation {
		status = "TENTATIVE"
	}
	e.Props.SetText(ical.PropStatus, status)
	e.Props.SetText(ical.PropTransparency, "OPAQUE")
	if ev.HideCalendarEventDetails {
		e.Props.SetText(ical.PropClass, "PRIVATE")
	}
	if ev.Organizer.Email != "" {
		e.Props.Set(person(ical.PropOrganizer, ev.Organizer.Name, ev.Organizer.Email, false))
	}
	seen := map[string]bool{strings.ToLower(ev.Organizer.Email): true}
	add := func(name, email string) {
		key := strings.ToLower(email)
		if email == "" || seen[key] {
			return
		}
		seen[key] = true
		e.Props.Add(person(ical.PropAttendee, name, email, true))
	}
	for _, p := range ev.Attendees {
		add(p.Name, p.Email)
	}
	if ev.Team != nil {
		for _, m := range ev.Team.Members {
			add(m.Name, m.Email)
		}
	}
	cal.Children = append(cal.Children, e.Component)

	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("encode iCalendar: %w", err)
	}
	return buf.Bytes(), nil
}

// person is an ORGANIZER or ATTENDEE property.
func person(prop, name, email string, attendee bool) *ical.Prop {
	p := ical.NewProp(prop) // CAL-ADDRESS, the default value type
	p.Value = "mailto:" + cleanLine(email)
	if n := cleanParam(name); n != "" {
		p.Params.Set(ical.ParamCommonName, n)
	}
	p.Params.Set("SCHEDULE-AGENT", "CLIENT")
	if attendee {
		p.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
		p.Params.Set(ical.ParamParticipationStatus, "NEEDS-ACTION")
		p.Params.Set(ical.ParamRSVP, "TRUE")
	}
	return p
}

// description is the event body: Cal.com's calendarDescription when the
// host rendered one, else the description and the booker's notes.
func description(ev *abi.CalendarEvent) string {
	if ev.CalendarDescription != "" {
		return cleanText(ev.CalendarDescription)
	}
	parts := make([]string, 0, 2)
	for _, s := range []string{ev.Description, ev.AdditionalNotes} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return cleanText(strings.Join(parts, "\n\n"))
}

// location is the event's place: the meeting link for an app location
// ("integrations:zoom"), else the location as given.
func location(ev *abi.CalendarEvent) string {
	loc := strings.TrimSpace(ev.Location)
	if strings.HasPrefix(loc, "integrations:") {
		if ev.VideoCallData != nil && ev.VideoCallData.URL != "" {
			return cleanLine(ev.VideoCallData.URL)
		}
		return ""
	}
	return cleanText(loc)
}

// cleanText drops control characters other than newline and tab; SetText
// escapes the newlines.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// cleanLine drops every control character, for values that are not TEXT.
func cleanLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// cleanParam makes s a parameter value: no controls and no double quote,
// which a parameter cannot carry.
func cleanParam(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(cleanLine(s), `"`, "'"))
}
