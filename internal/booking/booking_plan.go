package booking

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
)

// Stages of an operation: a stage starts when every step of the earlier
// stages settled. The calendar event and the CRM record carry the meeting
// link the video app made; triggers report what the apps made.
const (
	stageFirst    = 0 // video meeting, payment
	stageMain     = 1 // calendar event, CRM record
	stageTriggers = 2 // analytics, automation, webhooks, a payment asked for after the booking
)

// Step names: a catalogue method, or a prefix and a trigger event.
const (
	stepCalendarCreate   = abi.MethodCalendarCreateEvent
	stepCalendarUpdate   = abi.MethodCalendarUpdateEvent
	stepCalendarDelete   = abi.MethodCalendarDeleteEvent
	stepVideoCreate      = abi.MethodVideoCreateMeeting
	stepVideoUpdate      = abi.MethodVideoUpdateMeeting
	stepVideoDelete      = abi.MethodVideoDeleteMeeting
	stepCRMCreate        = abi.MethodCRMCreateEvent
	stepCRMUpdate        = abi.MethodCRMUpdateEvent
	stepCRMDelete        = abi.MethodCRMDeleteEvent
	stepPaymentCreate    = abi.MethodPaymentCreate
	stepPaymentAfter     = abi.MethodPaymentAfterPayment
	stepPaymentDelete    = abi.MethodPaymentDeletePayment
	stepPaymentCapture   = abi.MethodPaymentUpdate + ":capture"
	prefixAnalytics      = abi.MethodAnalyticsTrack
	prefixAutomation     = abi.MethodAutomationOnTrigger
	prefixWebhooks       = "webhooks"
	triggerSep           = ":"
	codeAppDisabled      = "APP_DISABLED"
	codeInvalid          = "INSTALLATION_INVALID"
	codeNotRun           = "BOOKING_CANCELLED"
	codeInstallationGone = "INSTALLATION_GONE"
)

// Trigger events the flow raises (Cal.com's WebhookTriggerEvents).
const (
	triggerCreated          = string(abi.TriggerBookingCreated)
	triggerPaymentInitiated = string(abi.TriggerBookingPaymentInitiated)
	triggerPaid             = string(abi.TriggerBookingPaid)
	triggerRescheduled      = string(abi.TriggerBookingRescheduled)
	triggerCancelled        = string(abi.TriggerBookingCancelled)
	triggerMeetingStarted   = string(abi.TriggerMeetingStarted)
	triggerMeetingEnded     = string(abi.TriggerMeetingEnded)
)

// splitStep returns a step's method (or prefix) and trigger event.
func splitStep(step string) (method, trigger string) {
	method, trigger, _ = strings.Cut(step, triggerSep)
	return method, trigger
}

// plan is what an operation will do: its steps, and the outcomes known at
// once (pending for every app step, an error for an app that cannot run).
type plan struct {
	steps    []store.BookingStep
	outcomes []store.BookingAppStatus
}

// add plans a step.
func (p *plan) add(installationID, step string, stage int, state string) {
	for _, s := range p.steps {
		if s.InstallationID == installationID && s.Step == step {
			return // an app serving two roles runs each step once
		}
	}
	p.steps = append(p.steps, store.BookingStep{InstallationID: installationID, Step: step, Stage: stage, State: state})
	if installationID != "" {
		p.outcomes = append(p.outcomes, store.BookingAppStatus{InstallationID: installationID, Step: step, Status: store.AppStatusPending})
	}
}

// refuse records that an app cannot run a step, without planning it.
func (p *plan) refuse(installationID, step, code, msg string) {
	p.outcomes = append(p.outcomes, store.BookingAppStatus{InstallationID: installationID, Step: step,
		Status: store.AppStatusError, ErrorCode: code, ErrorMessage: msg})
}

// addApp plans a step of an app, or refuses it when the app cannot run.
func (p *plan) addApp(a appInfo, step string, stage int, state string) {
	switch {
	case !a.Enabled:
		p.refuse(a.InstallationID, step, codeAppDisabled, fmt.Sprintf("app %s is disabled by the operator", a.Slug))
	case !a.Valid:
		p.refuse(a.InstallationID, step, codeInvalid, fmt.Sprintf("installation of %s is marked invalid; update its keys", a.Slug))
	default:
		p.add(a.InstallationID, step, stage, state)
	}
}

// triggers plans the analytics and automation steps of trigger, and the
// webhook fan-out.
func (p *plan) triggers(apps []eventApp, trigger string, analytics bool) {
	for _, a := range apps {
		switch a.Category {
		case abi.CategoryAnalytics:
			if analytics {
				p.addApp(a.appInfo, prefixAnalytics+triggerSep+trigger, stageTriggers, store.StepPlanned)
			}
		case abi.CategoryAutomation:
			p.addApp(a.appInfo, prefixAutomation+triggerSep+trigger, stageTriggers, store.StepPlanned)
		}
	}
	p.add("", prefixWebhooks+triggerSep+trigger, stageTriggers, store.StepPlanned)
}

// terms is a price an event type's payment app asks for.
type terms struct {
	app      eventApp
	amount   int64
	currency string
	option   abi.PaymentOption
}

var currencyPattern = regexp.MustCompile(`^[A-Za-z]{3}$`)

// paymentTerms finds the first payment app with a price in its settings
// (Cal.com's metadata.apps[payment app]: price, currency, paymentOption).
func paymentTerms(apps []eventApp) (*terms, error) {
	for _, a := range apps {
		if a.Category != abi.CategoryPayment {
			continue
		}
		d := a.appData()
		price, _ := d["price"].(float64)
		if price <= 0 {
			continue
		}
		cur, _ := d["currency"].(string)
		opt, _ := d["paymentOption"].(string)
		if opt == "" {
			opt = string(abi.PaymentOnBooking)
		}
		if price != math.Trunc(price) || price > 1e12 || !currencyPattern.MatchString(cur) ||
			(opt != string(abi.PaymentOnBooking) && opt != string(abi.PaymentAfterBooking) && opt != string(abi.PaymentHold)) {
			return nil, &appstore.ProblemsError{Message: "the event type's payment settings are invalid", Problems: abi.Problems{{
				Path: "/eventTypeId", Message: fmt.Sprintf("installation %s: price must be a whole amount in the currency's smallest unit, "+
					"currency a 3-letter code, paymentOption ON_BOOKING, AFTER_BOOKING or HOLD", a.InstallationID)}}}
		}
		return &terms{app: a, amount: int64(price), currency: strings.ToLower(cur), option: abi.PaymentOption(opt)}, nil
	}
	return nil, nil
}

// destination picks the calendar a booking is written to: the one whose
// type matches the event's first destinationCalendar entry, else one whose
// settings name an externalCalendarId, else the first. Cal.com writes
// exactly one destination; the other calendars only count for
// availability.
func destination(apps []eventApp, ev *abi.CalendarEvent) (eventApp, string, bool) {
	var cals []eventApp
	for _, a := range apps {
		if a.Category == abi.CategoryCalendar {
			cals = append(cals, a)
		}
	}
	if len(ev.DestinationCalendar) > 0 {
		d := ev.DestinationCalendar[0]
		for _, a := range cals {
			if d.Integration != "" && a.Type == d.Integration {
				return a, d.ExternalID, true
			}
		}
	}
	for _, a := range cals {
		if ext, _ := a.appData()["externalCalendarId"].(string); ext != "" {
			return a, ext, true
		}
	}
	if len(cals) > 0 {
		return cals[0], "", true
	}
	return eventApp{}, "", false
}

// videoApp is the conferencing app whose location type is the event's
// location ("integrations:daily"), if any.
func videoApp(apps []eventApp, ev *abi.CalendarEvent) (eventApp, bool) {
	if ev.Location == "" {
		return eventApp{}, false
	}
	for _, a := range apps {
		if a.Category == abi.CategoryConferencing && a.Manifest.AppData != nil && a.Manifest.AppData.Location != nil &&
			a.Manifest.AppData.Location.Type == ev.Location {
			return a, true
		}
	}
	return eventApp{}, false
}

// createPlan is the plan of a new booking and what it decides.
type createPlan struct {
	plan
	status string
	pay    *terms
}

// planCreate plans a new booking: Cal.com's EventManager.create (video,
// destination calendar, CRM) and the booking's payment and triggers. With
// an ON_BOOKING price the app steps are held until the payment succeeds and
// the trigger is BOOKING_PAYMENT_INITIATED.
func planCreate(apps []eventApp, ev *abi.CalendarEvent, origin string, paid bool) (createPlan, error) {
	var out createPlan
	out.status = store.BookingAccepted
	if origin == store.OriginAPI && !paid {
		pay, err := paymentTerms(apps)
		if err != nil {
			return createPlan{}, err
		}
		out.pay = pay
	}
	held := out.pay != nil && out.pay.option == abi.PaymentOnBooking
	state := store.StepPlanned
	if held {
		state, out.status = store.StepHeld, store.BookingPendingPayment
	}
	if v, ok := videoApp(apps, ev); ok {
		out.addApp(v.appInfo, stepVideoCreate, stageFirst, state)
	}
	if c, _, ok := destination(apps, ev); ok {
		out.addApp(c.appInfo, stepCalendarCreate, stageMain, state)
	}
	for _, a := range apps {
		if a.Category == abi.CategoryCRM {
			out.addApp(a.appInfo, stepCRMCreate, stageMain, state)
		}
	}
	trigger := triggerCreated
	switch {
	case held:
		trigger = triggerPaymentInitiated
		out.addApp(out.pay.app.appInfo, stepPaymentCreate, stageFirst, store.StepPlanned)
	case out.pay != nil && out.pay.option == abi.PaymentHold:
		out.addApp(out.pay.app.appInfo, stepPaymentCreate, stageFirst, store.StepPlanned)
	case out.pay != nil: // AFTER_BOOKING: confirmed now, the payment is asked for afterwards
		out.addApp(out.pay.app.appInfo, stepPaymentCreate, stageTriggers, store.StepPlanned)
	case paid:
		trigger = triggerPaid
	}
	out.triggers(apps, trigger, true)
	return out, nil
}

// updateStep is the step that updates (or, with no reference, creates)
// what an app of category c made, and its stage.
func updateStep(c abi.Category) (string, int, bool) {
	switch c {
	case abi.CategoryConferencing:
		return stepVideoUpdate, stageFirst, true
	case abi.CategoryCalendar:
		return stepCalendarUpdate, stageMain, true
	case abi.CategoryCRM:
		return stepCRMUpdate, stageMain, true
	}
	return "", 0, false
}

// deleteStep is the step that deletes what an app of category c made.
func deleteStep(c abi.Category) (string, int, bool) {
	switch c {
	case abi.CategoryConferencing:
		return stepVideoDelete, stageFirst, true
	case abi.CategoryCalendar:
		return stepCalendarDelete, stageMain, true
	case abi.CategoryCRM:
		return stepCRMDelete, stageMain, true
	}
	return "", 0, false
}

// makers are the installations that made, or are still to make, something
// for a booking: those with live references and those with a create or
// update step not settled.
func makers(refs []store.BookingReference, steps []store.BookingStep) []string {
	var out []string
	seen := map[string]bool{}
	addOnce := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, r := range refs {
		if !r.Deleted {
			addOnce(r.InstallationID)
		}
	}
	for _, s := range steps {
		if s.State == store.StepPlanned || s.State == store.StepQueued {
			switch s.Step {
			case stepVideoCreate, stepVideoUpdate, stepCalendarCreate, stepCalendarUpdate, stepCRMCreate, stepCRMUpdate:
				addOnce(s.InstallationID)
			}
		}
	}
	return out
}
