package caldavapp

import (
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// maxIterations caps the occurrences computed for one recurring event,
// counted from its first; a denser rule fails availability rather than
// under-report busy time.
const maxIterations = 50000

// interval is one busy time.
type interval struct {
	start, end time.Time
}

// busyOf returns the busy intervals overlapping [from, to) of one calendar
// object (one UID: a master event, its overridden instances, or the
// instances a server expanded). TRANSPARENT and CANCELLED events are free.
// Recurrences are expanded here: RRULE, RDATE and EXDATE, with each
// RECURRENCE-ID override replacing the instance it names. Floating and
// all-day times are read as UTC. warn collects what was approximated.
func busyOf(data string, from, to time.Time, warn func(string)) ([]interval, error) {
	cal, err := decodeICS(data)
	if err != nil {
		return nil, err
	}
	events := cal.Events()

	// Instances that overrides replace, by UID and instant.
	overridden := map[string]map[int64]bool{}
	for _, e := range events {
		p := e.Props.Get(ical.PropRecurrenceID)
		if p == nil {
			continue
		}
		t, _, err := propTime(p, warn)
		if err != nil {
			return nil, fmt.Errorf("RECURRENCE-ID: %w", err)
		}
		uid := e.Props.Get(ical.PropUID)
		key := ""
		if uid != nil {
			key = uid.Value
		}
		if overridden[key] == nil {
			overridden[key] = map[int64]bool{}
		}
		overridden[key][t.Unix()] = true
	}

	var out []interval
	for _, e := range events {
		if free(e) {
			continue
		}
		start, dur, err := eventSpan(e, warn)
		if err != nil {
			return nil, err
		}
		if dur <= 0 {
			continue
		}
		isMaster := e.Props.Get(ical.PropRecurrenceID) == nil
		if !isMaster || (e.Props.Get(ical.PropRecurrenceRule) == nil && e.Props.Get(ical.PropRecurrenceDates) == nil) {
			if start.Before(to) && start.Add(dur).After(from) {
				out = append(out, interval{start, start.Add(dur)})
			}
			continue
		}
		uid := ""
		if p := e.Props.Get(ical.PropUID); p != nil {
			uid = p.Value
		}
		occ, err := occurrences(e, start, dur, from, to, overridden[uid], warn)
		if err != nil {
			return nil, err
		}
		out = append(out, occ...)
	}
	return out, nil
}

// decodeICS parses one iCalendar object. go-ical panics on some malformed
// content lines (a parameter without a value at the end of the line); such
// input is an error here, like any other malformed object.
func decodeICS(data string) (cal *ical.Calendar, err error) {
	defer func() {
		if v := recover(); v != nil {
			cal, err = nil, fmt.Errorf("parse iCalendar: malformed content line (%v)", v)
		}
	}()
	cal, err = ical.NewDecoder(strings.NewReader(data)).Decode()
	if err != nil {
		return nil, fmt.Errorf("parse iCalendar: %w", err)
	}
	return cal, nil
}

// free reports whether an event does not block time.
func free(e ical.Event) bool {
	if p := e.Props.Get(ical.PropTransparency); p != nil && strings.EqualFold(strings.TrimSpace(p.Value), "TRANSPARENT") {
		return true
	}
	if p := e.Props.Get(ical.PropStatus); p != nil && strings.EqualFold(strings.TrimSpace(p.Value), "CANCELLED") {
		return true
	}
	return false
}

// eventSpan returns an event's start and duration: DTEND or DURATION, else
// a day for an all-day event and nothing for a point in time.
func eventSpan(e ical.Event, warn func(string)) (time.Time, time.Duration, error) {
	sp := e.Props.Get(ical.PropDateTimeStart)
	if sp == nil {
		return time.Time{}, 0, fmt.Errorf("VEVENT has no DTSTART")
	}
	start, allDay, err := propTime(sp, warn)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("DTSTART: %w", err)
	}
	if ep := e.Props.Get(ical.PropDateTimeEnd); ep != nil {
		end, _, err := propTime(ep, warn)
		if err != nil {
			return time.Time{}, 0, fmt.Errorf("DTEND: %w", err)
		}
		return start, end.Sub(start), nil
	}
	if dp := e.Props.Get(ical.PropDuration); dp != nil {
		d, err := dp.Duration()
		if err != nil {
			return time.Time{}, 0, fmt.Errorf("DURATION: %w", err)
		}
		return start, d, nil
	}
	if allDay {
		return start, 24 * time.Hour, nil
	}
	return start, 0, nil
}

// occurrences expands a recurring master event into its instances that
// overlap [from, to), skipping the instants in skip (overridden).
func occurrences(e ical.Event, start time.Time, dur time.Duration, from, to time.Time, skip map[int64]bool, warn func(string)) ([]interval, error) {
	set := &rrule.Set{}
	if rp := e.Props.Get(ical.PropRecurrenceRule); rp != nil {
		opt, err := rrule.StrToROptionInLocation(rp.Value, start.Location())
		if err != nil {
			return nil, &slotbox.Error{Code: CodeUnsupportedRecurrence, Message: fmt.Sprintf("RRULE %q: %v", clip(rp.Value, 100), err)}
		}
		opt.Dtstart = start
		r, err := rrule.NewRRule(*opt)
		if err != nil {
			return nil, &slotbox.Error{Code: CodeUnsupportedRecurrence, Message: fmt.Sprintf("RRULE %q: %v", clip(rp.Value, 100), err)}
		}
		set.RRule(r)
	}
	// DTSTART is always the first instance, whether the rule yields it or not.
	set.RDate(start)
	for _, p := range e.Props.Values(ical.PropRecurrenceDates) {
		ts, err := propTimes(&p, warn)
		if err != nil {
			return nil, fmt.Errorf("RDATE: %w", err)
		}
		for _, t := range ts {
			set.RDate(t)
		}
	}
	for _, p := range e.Props.Values(ical.PropExceptionDates) {
		ts, err := propTimes(&p, warn)
		if err != nil {
			return nil, fmt.Errorf("EXDATE: %w", err)
		}
		for _, t := range ts {
			set.ExDate(t)
		}
	}
	var out []interval
	next := set.Iterator()
	for i := 0; ; i++ {
		t, ok := next()
		if !ok || !t.Before(to) {
			break
		}
		if i >= maxIterations {
			return nil, &slotbox.Error{Code: CodeUnsupportedRecurrence, Message: fmt.Sprintf(
				"a recurring event has more than %d occurrences before %s; the app does not expand rules that dense",
				maxIterations, to.UTC().Format(time.RFC3339))}
		}
		if skip[t.Unix()] || !t.Add(dur).After(from) {
			continue
		}
		out = append(out, interval{t, t.Add(dur)})
	}
	return out, nil
}

// propTimes parses a DATE or DATE-TIME list (EXDATE, RDATE). A PERIOD
// counts by its start.
func propTimes(p *ical.Prop, warn func(string)) ([]time.Time, error) {
	var out []time.Time
	for _, v := range strings.Split(p.Value, ",") {
		v, _, _ = strings.Cut(strings.TrimSpace(v), "/")
		if v == "" {
			continue
		}
		one := *p
		one.Value = v
		t, _, err := propTime(&one, warn)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Date-time forms of RFC 5545 section 3.3.
const (
	icsUTC      = "20060102T150405Z"
	icsFloating = "20060102T150405"
	icsDate     = "20060102"
)

// propTime parses a DATE or DATE-TIME property: UTC, with a TZID, or
// floating. An unknown TZID (a Windows zone name, say) is read as UTC and
// reported through warn; floating times and dates are UTC.
func propTime(p *ical.Prop, warn func(string)) (t time.Time, allDay bool, err error) {
	v := strings.TrimSpace(p.Value)
	if strings.EqualFold(p.Params.Get(ical.ParamValue), "DATE") || len(v) == len(icsDate) {
		t, err = time.ParseInLocation(icsDate, v, time.UTC)
		if err != nil {
			return t, true, fmt.Errorf("%q is not a DATE", clip(v, 40))
		}
		return t, true, nil
	}
	if strings.HasSuffix(v, "Z") {
		t, err = time.ParseInLocation(icsUTC, v, time.UTC)
		if err != nil {
			return t, false, fmt.Errorf("%q is not a DATE-TIME", clip(v, 40))
		}
		return t, false, nil
	}
	loc := time.UTC
	if tzid := strings.TrimPrefix(p.Params.Get(ical.ParamTimezoneID), "/"); tzid != "" {
		l, lerr := time.LoadLocation(tzid)
		if lerr != nil {
			warn(fmt.Sprintf("unknown TZID %q read as UTC", clip(tzid, 64)))
		} else {
			loc = l
		}
	}
	t, err = time.ParseInLocation(icsFloating, v, loc)
	if err != nil {
		return t, false, fmt.Errorf("%q is not a DATE-TIME", clip(v, 40))
	}
	return t, false, nil
}
