package caldavapp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// object is an event's resource on the server.
type object struct {
	url      string
	calendar string
	etag     string
}

// CreateEvent serves calendar.createEvent: a PUT of <iCalUID>.ics with
// If-None-Match: * into the calendar the call names, else the event's
// destination calendar, else the primary one. When the resource exists
// already and holds this very booking (same UID, SEQUENCE and times: a
// retried call), the call succeeds; any other event there is
// ALREADY_EXISTS.
func (a *App) CreateEvent(ctx context.Context, in *abi.CalendarCreateEventInput) (*abi.NewCalendarEventType, error) {
	uid, err := icalUID(&in.Event)
	if err != nil {
		return nil, err
	}
	start, end, err := eventTimes(&in.Event)
	if err != nil {
		return nil, err
	}
	body, err := buildICS(&in.Event, uid, start, end, a.cfg.now())
	if err != nil {
		return nil, invalidInput("event [%s]: %v", uid, err)
	}
	cal, err := a.targetCalendar(ctx, in.ExternalCalendarID, in.Event.DestinationCalendar)
	if err != nil {
		return nil, fmt.Errorf("create event [%s]: %w", uid, err)
	}
	target := objectURL(cal, uid)
	res, err := a.send(ctx, "PUT", target, icsHeader("If-None-Match", "*"), body)
	if err != nil {
		return nil, fmt.Errorf("create event [%s]: %w", uid, err)
	}
	op := "PUT " + pathOf(target)
	switch {
	case res.ok():
		return a.result(uid, cal, target, a.writtenETag(ctx, target, res)), nil
	case res.status == 412:
		return a.createExisting(ctx, uid, cal, target, in.Event.ICalSequence, start, end)
	}
	return nil, fmt.Errorf("create event [%s]: %w", uid, statusError(op, res))
}

// createExisting answers a create whose If-None-Match failed: success when
// the resource holds the same booking already, ALREADY_EXISTS otherwise.
func (a *App) createExisting(ctx context.Context, uid, cal, target string, seq int, start, end time.Time) (*abi.NewCalendarEventType, error) {
	exists := &slotbox.Error{Code: CodeAlreadyExists, Message: fmt.Sprintf(
		"create event [%s]: %s holds another event already (412 on If-None-Match); update it instead", uid, pathOf(target))}
	res, err := a.send(ctx, "GET", target, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("create event [%s]: read the existing resource: %w", uid, err)
	}
	if !res.ok() {
		return nil, exists
	}
	cal2, err := decodeICS(string(res.body))
	if err != nil {
		return nil, exists
	}
	for _, e := range cal2.Events() {
		if p := e.Props.Get(ical.PropUID); p == nil || p.Value != uid || e.Props.Get(ical.PropRecurrenceID) != nil {
			continue
		}
		s, err1 := e.DateTimeStart(time.UTC)
		en, err2 := e.DateTimeEnd(time.UTC)
		got := 0
		if p := e.Props.Get(ical.PropSequence); p != nil {
			got, _ = strconv.Atoi(strings.TrimSpace(p.Value))
		}
		if err1 == nil && err2 == nil && s.Equal(start) && en.Equal(end) && got == max(seq, 0) {
			etag := res.header("ETag")
			if etag == "" || strings.HasPrefix(etag, "W/") {
				etag = a.writtenETag(ctx, target, &response{})
			}
			return a.result(uid, cal, target, etag), nil
		}
	}
	return nil, exists
}

// UpdateEvent serves calendar.updateEvent: it finds the event's resource,
// reads its ETag and rewrites it with If-Match. A 412 means someone changed
// the event meanwhile: PRECONDITION_FAILED, retryable (a retry reads the
// new ETag).
func (a *App) UpdateEvent(ctx context.Context, in *abi.CalendarUpdateEventInput) (*abi.NewCalendarEventType, error) {
	uid, err := a.callUID(in.UID, &in.Event)
	if err != nil {
		return nil, err
	}
	start, end, err := eventTimes(&in.Event)
	if err != nil {
		return nil, err
	}
	body, err := buildICS(&in.Event, uid, start, end, a.cfg.now())
	if err != nil {
		return nil, invalidInput("event [%s]: %v", uid, err)
	}
	obj, err := a.locate(ctx, uid, in.ExternalCalendarID, &in.Event)
	if err != nil {
		return nil, fmt.Errorf("update event [%s]: %w", uid, err)
	}
	res, err := a.send(ctx, "PUT", obj.url, icsHeader("If-Match", quoteETag(obj.etag)), body)
	if err != nil {
		return nil, fmt.Errorf("update event [%s]: %w", uid, err)
	}
	op := "PUT " + pathOf(obj.url)
	switch {
	case res.ok():
		return a.result(uid, obj.calendar, obj.url, a.writtenETag(ctx, obj.url, res)), nil
	case res.status == 412:
		return nil, changedMeanwhile("update", uid, op)
	}
	return nil, fmt.Errorf("update event [%s]: %w", uid, statusError(op, res))
}

// DeleteEvent serves calendar.deleteEvent: DELETE with If-Match on the
// ETag. An event that is gone already counts as deleted.
func (a *App) DeleteEvent(ctx context.Context, in *abi.CalendarDeleteEventInput) error {
	uid, err := a.callUID(in.UID, &in.Event)
	if err != nil {
		return err
	}
	obj, err := a.locate(ctx, uid, in.ExternalCalendarID, &in.Event)
	if isCode(err, CodeNotFound) {
		a.log.InfoContext(ctx, "caldav: delete event: not on the server; nothing to delete", "uid", uid)
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete event [%s]: %w", uid, err)
	}
	res, err := a.send(ctx, "DELETE", obj.url, map[string]string{"If-Match": quoteETag(obj.etag)}, nil)
	if err != nil {
		return fmt.Errorf("delete event [%s]: %w", uid, err)
	}
	op := "DELETE " + pathOf(obj.url)
	switch {
	case res.ok(), res.status == 404, res.status == 410:
		return nil
	case res.status == 412:
		return changedMeanwhile("delete", uid, op)
	}
	return fmt.Errorf("delete event [%s]: %w", uid, statusError(op, res))
}

// callUID returns the uid an update or delete names: the uid the app
// returned at creation (the iCalUID), else the event's.
func (a *App) callUID(uid string, ev *abi.CalendarEvent) (string, error) {
	if uid != "" {
		return checkUID(uid)
	}
	return icalUID(ev)
}

// locate finds the resource <uid>.ics and its ETag: first in the calendars
// the call, the booking's references and its destination calendars name,
// then in every calendar discovery finds. NOT_FOUND when none holds it.
func (a *App) locate(ctx context.Context, uid, externalID string, ev *abi.CalendarEvent) (*object, error) {
	var named []string
	if externalID != "" {
		named = append(named, externalID)
	}
	for _, r := range ev.References {
		if r.Type == a.cfg.integration && r.UID == uid && r.ExternalCalendarID != "" {
			named = append(named, r.ExternalCalendarID)
		}
	}
	for _, d := range ev.DestinationCalendar {
		if d.Integration == a.cfg.integration && d.ExternalID != "" {
			named = append(named, d.ExternalID)
		}
	}
	var tried []string
	try := func(cal string) (*object, error) {
		if slices.ContainsFunc(tried, func(t string) bool { return sameResource(t, cal) }) {
			return nil, nil
		}
		tried = append(tried, cal)
		return a.find(ctx, cal, uid)
	}
	for _, n := range named {
		cal, err := calendarURL(n)
		if err != nil {
			return nil, err
		}
		if obj, err := try(cal); obj != nil || err != nil {
			return obj, err
		}
	}
	acc, err := a.discover(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range acc.calendars {
		if !c.events {
			continue
		}
		if obj, err := try(c.url); obj != nil || err != nil {
			return obj, err
		}
	}
	return nil, &slotbox.Error{Code: CodeNotFound, Message: fmt.Sprintf("no calendar holds %s.ics", uid)}
}

// find returns the resource <uid>.ics of calendar cal with its ETag, nil
// when the calendar does not hold it.
func (a *App) find(ctx context.Context, cal, uid string) (*object, error) {
	target := objectURL(cal, uid)
	etag, err := a.etagOf(ctx, target)
	if isCode(err, CodeNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &object{url: target, calendar: cal, etag: etag}, nil
}

// etagOf reads a resource's ETag: from a HEAD, which every CalDAV server
// answers with the ETag a GET would carry, else with PROPFIND getetag.
// NOT_FOUND when the resource does not exist, BAD_RESPONSE when the server
// names no strong ETag either way.
func (a *App) etagOf(ctx context.Context, target string) (string, error) {
	res, err := a.send(ctx, "HEAD", target, nil, nil)
	if err != nil {
		return "", err
	}
	switch {
	case res.ok():
		if etag := strings.TrimSpace(res.header("ETag")); etag != "" && !strings.HasPrefix(etag, "W/") {
			return etag, nil
		}
	case res.status == 404 || res.status == 410:
		return "", &slotbox.Error{Code: CodeNotFound, Message: "HEAD " + pathOf(target) + ": not found"}
	case res.status != 405 && res.status != 501:
		return "", statusError("HEAD "+pathOf(target), res)
	}
	ms, err := a.propfind(ctx, target, "0", bodyETag)
	if err != nil {
		return "", err
	}
	op := "PROPFIND " + pathOf(target)
	for _, r := range ms.Responses {
		if s := r.responseStatus(); s == 404 || s == 410 {
			return "", &slotbox.Error{Code: CodeNotFound, Message: op + ": not found"}
		}
		if p := r.found(); p.ETag != nil && strings.TrimSpace(*p.ETag) != "" {
			return strings.TrimSpace(*p.ETag), nil
		}
	}
	return "", badResponse(op, "the server names no getetag for the event")
}

// writtenETag returns the ETag of a resource just written: the strong ETag
// of the PUT's answer, else the one PROPFIND reports (a server that changed
// what it stored answers no ETag or a weak one). Failing that it returns
// "", logged: the write itself succeeded.
func (a *App) writtenETag(ctx context.Context, target string, res *response) string {
	if etag := strings.TrimSpace(res.header("ETag")); etag != "" && !strings.HasPrefix(etag, "W/") {
		return etag
	}
	etag, err := a.etagOf(ctx, target)
	if err != nil {
		a.log.WarnContext(ctx, "caldav: no ETag for the written event", "path", pathOf(target), "error", err.Error())
		return ""
	}
	return etag
}

// result is the answer to a write.
func (a *App) result(uid, cal, target, etag string) *abi.NewCalendarEventType {
	info := map[string]any{"calendarUrl": cal}
	if etag != "" {
		info["etag"] = etag
	}
	return &abi.NewCalendarEventType{
		UID:            uid,
		ID:             uid,
		Type:           a.cfg.integration,
		URL:            target,
		ICalUID:        uid,
		AdditionalInfo: info,
	}
}

// icsHeader is the header of a PUT of an iCalendar object, plus one
// precondition.
func icsHeader(name, value string) map[string]string {
	return map[string]string{"Content-Type": "text/calendar; charset=utf-8", name: value}
}

// changedMeanwhile is the error of a write whose If-Match failed.
func changedMeanwhile(what, uid, op string) error {
	return &slotbox.Error{
		Code:      CodePreconditionFailed,
		Message:   fmt.Sprintf("%s event [%s]: %s: the event changed on the server since its ETag was read (412); retry to apply the change over it", what, uid, op),
		Retryable: true,
	}
}

// isCode reports whether err carries the app code c.
func isCode(err error, c abi.Code) bool {
	var se *slotbox.Error
	return errors.As(err, &se) && se.Code == c
}
