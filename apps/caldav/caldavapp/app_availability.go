package caldavapp

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// Availability limits.
const (
	// maxRange caps dateTo - dateFrom.
	maxRange = 400 * 24 * time.Hour
	// maxCalendars caps the selected calendars one call reads.
	maxCalendars = 50
	// maxMultiget caps the objects fetched again because the REPORT left
	// out their data.
	maxMultiget = 200
	// queryMargin widens the REPORT's time range, so that floating and
	// all-day events the server places in its own time zone come back;
	// the app then keeps exactly what overlaps the asked range.
	queryMargin = 24 * time.Hour
)

// GetAvailability serves calendar.getAvailability: for each selected
// calendar of this integration, one calendar-query REPORT with a time range
// (and expand, where the server supports it), then the events' busy
// intervals: TRANSPARENT and CANCELLED events are free, recurring events
// are expanded. Any failure fails the call: an empty answer always means
// the calendars are free.
func (a *App) GetAvailability(ctx context.Context, in *abi.CalendarGetAvailabilityInput) ([]abi.EventBusyDate, error) {
	from, err := time.Parse(time.RFC3339, in.DateFrom)
	if err != nil {
		return nil, invalidInput("dateFrom %q is not an RFC 3339 time", clip(in.DateFrom, 64))
	}
	to, err := time.Parse(time.RFC3339, in.DateTo)
	if err != nil {
		return nil, invalidInput("dateTo %q is not an RFC 3339 time", clip(in.DateTo, 64))
	}
	switch {
	case !to.After(from):
		return nil, invalidInput("dateTo %s is not after dateFrom %s", in.DateTo, in.DateFrom)
	case to.Sub(from) > maxRange:
		return nil, invalidInput("the range %s to %s is longer than %d days", in.DateFrom, in.DateTo, int(maxRange.Hours()/24))
	}
	var cals []string
	for _, c := range in.SelectedCalendars {
		if c.Integration != "" && c.Integration != a.cfg.integration {
			continue
		}
		u, err := calendarURL(c.ExternalID)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(cals, func(o string) bool { return sameResource(o, u) }) {
			cals = append(cals, u)
		}
	}
	if len(cals) > maxCalendars {
		return nil, invalidInput("%d calendars selected; at most %d are read", len(cals), maxCalendars)
	}
	out := []abi.EventBusyDate{}
	for _, cal := range cals {
		busy, err := a.calendarBusy(ctx, cal, from, to)
		if err != nil {
			return nil, fmt.Errorf("availability of calendar [%s]: %w", pathOf(cal), err)
		}
		for _, b := range busy {
			out = append(out, abi.EventBusyDate{
				Start: b.start.UTC().Format(time.RFC3339),
				End:   b.end.UTC().Format(time.RFC3339),
			})
		}
	}
	slices.SortFunc(out, func(x, y abi.EventBusyDate) int {
		if c := strings.Compare(x.Start, y.Start); c != 0 {
			return c
		}
		return strings.Compare(x.End, y.End)
	})
	return slices.Compact(out), nil
}

// calendarBusy returns the busy intervals of one calendar.
func (a *App) calendarBusy(ctx context.Context, cal string, from, to time.Time) ([]interval, error) {
	ms, err := a.report(ctx, cal, bodyCalendarQuery(from.Add(-queryMargin), to.Add(queryMargin)))
	if err != nil {
		return nil, err
	}
	var (
		out     []interval
		missing []string
	)
	warn := func(msg string) {
		a.log.WarnContext(ctx, "caldav: event approximated", "calendar", pathOf(cal), "reason", msg)
	}
	add := func(href, data string) error {
		busy, err := busyOf(data, from, to, warn)
		if err != nil {
			var se *slotbox.Error
			if errors.As(err, &se) {
				return err
			}
			return badResponse("REPORT "+pathOf(cal), "object %s: %v", clip(href, 200), err)
		}
		out = append(out, busy...)
		return nil
	}
	for _, r := range ms.Responses {
		if s := r.responseStatus(); s != 0 && (s < 200 || s > 299) {
			continue // an object that vanished between listing and reading
		}
		p := r.found()
		if p.CalendarData == nil || strings.TrimSpace(*p.CalendarData) == "" {
			if strings.HasSuffix(r.href(), "/") {
				continue // the collection itself
			}
			missing = append(missing, r.href())
			continue
		}
		if err := add(r.href(), *p.CalendarData); err != nil {
			return nil, err
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	if len(missing) > maxMultiget {
		return nil, badResponse("REPORT "+pathOf(cal), "%d objects came back without calendar-data", len(missing))
	}
	// The server listed objects without their data: fetch them by href.
	mg, err := a.multistatus(ctx, "REPORT", cal, "1", bodyMultiget(missing))
	if err != nil {
		return nil, err
	}
	for _, r := range mg.Responses {
		p := r.found()
		if p.CalendarData == nil {
			if s := r.responseStatus(); s == 404 {
				continue
			}
			return nil, badResponse("REPORT "+pathOf(cal), "calendar-multiget returned no calendar-data for %s", clip(r.href(), 200))
		}
		if err := add(r.href(), *p.CalendarData); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// bodyMultiget is a calendar-multiget REPORT for hrefs.
func bodyMultiget(hrefs []string) string {
	var b strings.Builder
	b.WriteString(xmlProlog + `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
		`<D:prop><D:getetag/><C:calendar-data/></D:prop>`)
	for _, h := range hrefs {
		b.WriteString("<D:href>")
		_ = xml.EscapeText(&b, []byte(h)) // a strings.Builder does not fail
		b.WriteString("</D:href>")
	}
	b.WriteString(`</C:calendar-multiget>`)
	return b.String()
}
