package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

// runStep runs the app calls of one step on the booking as it is now.
func (s *Service) runStep(ctx context.Context, b store.Booking, st store.BookingStep) outcome {
	info, err := s.app(ctx, b.TenantID, st.InstallationID)
	if err != nil {
		return failed(codeInstallationGone, "the installation is gone: "+err.Error(), false)
	}
	ev, refs, err := s.appEvent(ctx, s.st, b)
	if err != nil {
		return failed(string(abi.CodeHostError), err.Error(), true)
	}
	ref, hasRef := refFor(refs, info)
	method, trigger := splitStep(st.Step)
	creating := method == stepCalendarCreate || method == stepVideoCreate || method == stepCRMCreate ||
		method == stepPaymentCreate || (!hasRef && (method == stepCalendarUpdate || method == stepVideoUpdate || method == stepCRMUpdate))
	if creating && b.Status == store.BookingCancelled {
		return failed(codeNotRun, "not run: the booking was cancelled first", false)
	}
	switch method {
	case stepCalendarCreate, stepCalendarUpdate:
		if hasRef && method == stepCalendarCreate {
			return done(nil) // made by an earlier run
		}
		return s.calendarWrite(ctx, b, info, &ev, ref, hasRef)
	case stepCalendarDelete:
		if !hasRef {
			return done(nil)
		}
		in := abi.CalendarDeleteEventInput{UID: ref.UID, Event: ev, ExternalCalendarID: ref.ExternalCalendarID}
		return s.deleted(s.call(ctx, b.TenantID, info.InstallationID, method, in, nil), b, ref)
	case stepVideoCreate, stepVideoUpdate:
		if hasRef && method == stepVideoCreate {
			return done(nil)
		}
		return s.videoWrite(ctx, b, info, &ev, ref, hasRef)
	case stepVideoDelete:
		if !hasRef {
			return done(nil)
		}
		uid := ref.MeetingID
		if uid == "" {
			uid = ref.UID
		}
		return s.deleted(s.call(ctx, b.TenantID, info.InstallationID, method, abi.VideoDeleteMeetingInput{UID: uid}, nil), b, ref)
	case stepCRMCreate, stepCRMUpdate:
		if hasRef && method == stepCRMCreate {
			return done(nil)
		}
		return s.crmWrite(ctx, b, info, &ev, ref, hasRef)
	case stepCRMDelete:
		if !hasRef {
			return done(nil)
		}
		return s.deleted(s.call(ctx, b.TenantID, info.InstallationID, method, abi.CRMDeleteEventInput{UID: ref.UID, Event: &ev}, nil), b, ref)
	case stepPaymentCreate:
		return s.paymentCreate(ctx, b, info, &ev)
	case stepPaymentAfter, stepPaymentDelete, abi.MethodPaymentUpdate:
		return s.paymentStep(ctx, b, info, &ev, st.Step)
	case prefixAnalytics:
		if trigger == triggerPaid && !b.Paid {
			return failed(codeNotRun, "not run: the payment was not captured", false)
		}
		in := abi.AnalyticsTrackInput{Event: trigger, Data: map[string]any{
			"bookingUid": b.UID, "eventTypeId": b.EventTypeID, "type": ev.Type, "title": ev.Title, "startTime": ev.StartTime,
			"endTime": ev.EndTime, "status": b.Status, "price": b.Price, "currency": b.Currency, "attendees": len(ev.Attendees),
			"appData": s.settingsOf(ctx, b, info),
		}}
		if ev.BookerURL != "" {
			in.Data["bookerUrl"] = ev.BookerURL
		}
		return s.noResult(s.call(ctx, b.TenantID, info.InstallationID, method, in, nil))
	case prefixAutomation:
		if trigger == triggerPaid && !b.Paid {
			return failed(codeNotRun, "not run: the payment was not captured", false)
		}
		body, err := s.payload(ctx, s.st, b, trigger)
		if err != nil {
			return failed(string(abi.CodeHostError), err.Error(), true)
		}
		var in abi.AutomationOnTriggerInput
		if err := json.Unmarshal(body, &in); err != nil {
			return failed(string(abi.CodeHostError), err.Error(), false)
		}
		return s.noResult(s.call(ctx, b.TenantID, info.InstallationID, method, in, nil))
	}
	return failed(string(abi.CodeHostError), fmt.Sprintf("unknown step %q", st.Step), false)
}

// noResult is the outcome of a call whose result is not kept.
func (s *Service) noResult(fail *outcome) outcome {
	if fail != nil {
		return *fail
	}
	return done(nil)
}

// deleted is the outcome of a delete: the reference is marked deleted. An
// app that answers NOT_FOUND deleted it already (Cal.com ignores a 404).
func (s *Service) deleted(fail *outcome, b store.Booking, ref store.BookingReference) outcome {
	if fail != nil && fail.code != "NOT_FOUND" {
		return *fail
	}
	return done(func(ctx context.Context, tx *store.Tx) error {
		return tx.MarkBookingReferenceDeleted(ctx, b.TenantID, ref.ID)
	})
}

// putRef is an apply that stores a reference.
func putRef(b store.Booking, r store.BookingReference) func(ctx context.Context, tx *store.Tx) error {
	return func(ctx context.Context, tx *store.Tx) error {
		r.BookingID = b.ID
		_, err := tx.PutBookingReference(ctx, b.TenantID, r)
		return err
	}
}

// calendarWrite creates the event on the destination calendar, or
// updates it through its reference.
func (s *Service) calendarWrite(ctx context.Context, b store.Booking, info appInfo, ev *abi.CalendarEvent, ref store.BookingReference,
	hasRef bool) outcome {
	var res abi.NewCalendarEventType
	ext := ref.ExternalCalendarID
	if hasRef {
		in := abi.CalendarUpdateEventInput{UID: ref.UID, Event: *ev, ExternalCalendarID: ext}
		if fail := s.call(ctx, b.TenantID, info.InstallationID, stepCalendarUpdate, in, &res); fail != nil {
			return *fail
		}
	} else {
		apps, err := s.eventApps(ctx, b.TenantID, b.EventTypeID)
		if err != nil {
			return failed(string(abi.CodeHostError), err.Error(), true)
		}
		if d, e, ok := destination(apps, ev); ok && d.InstallationID == info.InstallationID {
			ext = e
		}
		in := abi.CalendarCreateEventInput{Event: *ev, ExternalCalendarID: ext}
		if fail := s.call(ctx, b.TenantID, info.InstallationID, stepCalendarCreate, in, &res); fail != nil {
			return *fail
		}
	}
	if res.UID == "" {
		res.UID = res.ID
	}
	if res.UID == "" {
		return failed(string(abi.CodeBadOutput), "the calendar answered no uid or id", false)
	}
	return done(putRef(b, store.BookingReference{InstallationID: info.InstallationID, Type: info.Type, UID: res.UID,
		MeetingID: res.ID, MeetingPassword: res.Password, MeetingURL: res.URL, ExternalCalendarID: ext}))
}

// videoWrite creates the meeting, or updates it through its reference.
func (s *Service) videoWrite(ctx context.Context, b store.Booking, info appInfo, ev *abi.CalendarEvent, ref store.BookingReference,
	hasRef bool) outcome {
	var res abi.VideoCallData
	if hasRef {
		in := abi.VideoUpdateMeetingInput{BookingRef: partial(ref), Event: *ev}
		if fail := s.call(ctx, b.TenantID, info.InstallationID, stepVideoUpdate, in, &res); fail != nil {
			return *fail
		}
	} else if fail := s.call(ctx, b.TenantID, info.InstallationID, stepVideoCreate, abi.VideoCreateMeetingInput{Event: *ev}, &res); fail != nil {
		return *fail
	}
	if res.ID == "" || res.URL == "" {
		return failed(string(abi.CodeBadOutput), "the conferencing app answered no meeting id or url", false)
	}
	return done(putRef(b, store.BookingReference{InstallationID: info.InstallationID, Type: info.Type, UID: res.ID,
		MeetingID: res.ID, MeetingPassword: res.Password, MeetingURL: res.URL}))
}

// crmWrite finds the attendees' contacts, creates the missing ones (unless
// the settings say skipContactCreation) and records the event, as Cal.com's
// CrmManager does; or updates the event through its reference. A retry
// finds the contacts the failed run created, so none is made twice.
func (s *Service) crmWrite(ctx context.Context, b store.Booking, info appInfo, ev *abi.CalendarEvent, ref store.BookingReference,
	hasRef bool) outcome {
	var res abi.CrmEvent
	if hasRef {
		if fail := s.call(ctx, b.TenantID, info.InstallationID, stepCRMUpdate, abi.CRMUpdateEventInput{UID: ref.UID, Event: *ev}, &res); fail != nil {
			return *fail
		}
	} else {
		contacts, fail := s.crmContacts(ctx, b, info, ev)
		if fail != nil {
			return *fail
		}
		in := abi.CRMCreateEventInput{Event: *ev, Contacts: contacts}
		if fail := s.call(ctx, b.TenantID, info.InstallationID, stepCRMCreate, in, &res); fail != nil {
			return *fail
		}
	}
	uid := res.ID
	if uid == "" {
		uid = res.UID
	}
	if uid == "" {
		return failed(string(abi.CodeBadOutput), "the CRM answered no event id", false)
	}
	return done(putRef(b, store.BookingReference{InstallationID: info.InstallationID, Type: info.Type, UID: uid,
		MeetingID: res.ID, MeetingURL: res.URL}))
}

// crmContacts returns the attendees' contacts, created where missing.
func (s *Service) crmContacts(ctx context.Context, b store.Booking, info appInfo, ev *abi.CalendarEvent) ([]abi.Contact, *outcome) {
	var emails []string
	names := map[string]string{}
	for _, p := range ev.Attendees {
		e := strings.ToLower(strings.TrimSpace(p.Email))
		if e != "" && names[e] == "" {
			emails = append(emails, e)
			names[e] = p.Name
		}
	}
	contacts := []abi.Contact{}
	if len(emails) == 0 {
		return contacts, nil
	}
	if fail := s.call(ctx, b.TenantID, info.InstallationID, abi.MethodCRMGetContacts, abi.CRMGetContactsInput{Emails: emails}, &contacts); fail != nil {
		return nil, fail
	}
	found := map[string]bool{}
	for _, c := range contacts {
		found[strings.ToLower(c.Email)] = true
	}
	var missing []abi.ContactCreateInput
	for _, e := range emails {
		if !found[e] {
			missing = append(missing, abi.ContactCreateInput{Email: e, Name: names[e]})
		}
	}
	if len(missing) == 0 || s.skipContactCreation(ctx, b, info) {
		return contacts, nil
	}
	var created []abi.Contact
	in := abi.CRMCreateContactsInput{Contacts: missing, OrganizerEmail: ev.Organizer.Email}
	if fail := s.call(ctx, b.TenantID, info.InstallationID, abi.MethodCRMCreateContacts, in, &created); fail != nil {
		return nil, fail
	}
	return append(contacts, created...), nil
}

// settingsOf is an app's settings (appData) for the booking's event type,
// {} when it has none.
func (s *Service) settingsOf(ctx context.Context, b store.Booking, info appInfo) map[string]any {
	set, err := s.st.EventTypeSetting(ctx, b.TenantID, b.EventTypeID, info.InstallationID)
	if err != nil {
		return map[string]any{}
	}
	return eventApp{AppData: set.AppData}.appData()
}

// skipContactCreation reads the CRM app's skipContactCreation setting.
func (s *Service) skipContactCreation(ctx context.Context, b store.Booking, info appInfo) bool {
	skip, _ := s.settingsOf(ctx, b, info)["skipContactCreation"].(bool)
	return skip
}

// refFor is the live reference an app made for the booking.
func refFor(refs []store.BookingReference, info appInfo) (store.BookingReference, bool) {
	for _, r := range refs {
		if !r.Deleted && r.InstallationID == info.InstallationID && r.Type == info.Type {
			return r, true
		}
	}
	return store.BookingReference{}, false
}

// partial is a reference as apps receive it.
func partial(r store.BookingReference) abi.PartialReference {
	return abi.PartialReference{Type: r.Type, UID: r.UID, MeetingID: r.MeetingID, MeetingPassword: r.MeetingPassword,
		MeetingURL: r.MeetingURL, ExternalCalendarID: r.ExternalCalendarID}
}

// appEvent is the CalendarEvent apps receive for a booking now: the stored
// event with the booking's uid, iCalUID, sequence and times, the meeting a
// video app made, and every live reference.
func (s *Service) appEvent(ctx context.Context, r reader, b store.Booking) (abi.CalendarEvent, []store.BookingReference, error) {
	var ev abi.CalendarEvent
	if err := json.Unmarshal(b.Event, &ev); err != nil {
		return ev, nil, fmt.Errorf("booking[%s]: stored event: %w", b.ID, err)
	}
	refs, err := r.BookingReferences(ctx, b.TenantID, b.ID, false)
	if err != nil {
		return ev, nil, err
	}
	ev.UID, ev.ICalUID, ev.ICalSequence = b.UID, b.ICalUID, b.ICalSequence
	ev.StartTime, ev.EndTime = b.StartTime.UTC().Format(time.RFC3339), b.EndTime.UTC().Format(time.RFC3339)
	ev.References = nil
	for _, ref := range refs {
		ev.References = append(ev.References, partial(ref))
	}
	if v, ok := videoRef(refs); ok {
		ev.VideoCallData = &abi.VideoCallData{Type: v.Type, ID: v.MeetingID, Password: v.MeetingPassword, URL: v.MeetingURL}
	}
	return ev, refs, nil
}
