package booking

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
)

// Sentinel errors. They are never mutated; match them with errors.Is. A
// missing or foreign booking is store.ErrNotFound.
var (
	// ErrExists means the tenant already has a booking with the uid.
	ErrExists = errors.New("a booking with this uid exists")
	// ErrCancelled means the booking is cancelled and cannot change.
	ErrCancelled = errors.New("the booking is cancelled")
	// ErrNothingToReplay means no step of the booking is dead or failed.
	ErrNothingToReplay = errors.New("no dead or failed step to replay")
	// ErrNotHeld means the booking has no held card to capture.
	ErrNotHeld = errors.New("the booking has no held payment to capture")
)

// CreateInput is a new booking: a CalendarEvent (Cal.com's fields) and the
// event type whose app settings decide what runs.
type CreateInput struct {
	EventTypeID string
	Event       json.RawMessage
}

// maxIDLen bounds ids a caller names (event types, uids).
const maxIDLen = 200

// parseEvent checks a CalendarEvent against the ABI's schema (problems at
// /event/...) and reads its times.
func parseEvent(raw json.RawMessage) (abi.CalendarEvent, time.Time, time.Time, error) {
	var ev abi.CalendarEvent
	problem := func(path, msg string) error {
		return &appstore.ProblemsError{Message: "the event is invalid", Problems: abi.Problems{{Path: path, Message: msg}}}
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return ev, time.Time{}, time.Time{}, problem("/event", "a CalendarEvent object is required")
	}
	if len(raw) > store.MaxEventSize {
		return ev, time.Time{}, time.Time{}, problem("/event", fmt.Sprintf("larger than %d bytes", store.MaxEventSize))
	}
	doc, _ := json.Marshal(map[string]json.RawMessage{"event": raw})
	if err := abi.ValidateInput(abi.MethodCalendarCreateEvent, doc); err != nil {
		var ps abi.Problems
		if !errors.As(err, &ps) {
			ps = abi.Problems{{Path: "/event", Message: err.Error()}}
		}
		return ev, time.Time{}, time.Time{}, &appstore.ProblemsError{Message: "the event does not match CalendarEvent", Problems: ps}
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		return ev, time.Time{}, time.Time{}, problem("/event", "does not decode: "+err.Error())
	}
	start, err1 := time.Parse(time.RFC3339, ev.StartTime)
	end, err2 := time.Parse(time.RFC3339, ev.EndTime)
	switch {
	case err1 != nil:
		return ev, time.Time{}, time.Time{}, problem("/event/startTime", "must be an RFC 3339 time")
	case err2 != nil:
		return ev, time.Time{}, time.Time{}, problem("/event/endTime", "must be an RFC 3339 time")
	case end.Before(start):
		return ev, time.Time{}, time.Time{}, problem("/event/endTime", "is before startTime")
	case len(ev.UID) > maxIDLen:
		return ev, time.Time{}, time.Time{}, problem("/event/uid", fmt.Sprintf("longer than %d bytes", maxIDLen))
	}
	return ev, start.UTC(), end.UTC(), nil
}

// uidEncoding is lower-case base32 without padding.
var uidEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newUID returns a random booking uid.
func newUID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return uidEncoding.EncodeToString(b[:])
}

// Create stores a booking and plans what its event type's apps do; the
// steps run as jobs. The view shows each step pending.
func (s *Service) Create(ctx context.Context, tenantID string, in CreateInput) (View, error) {
	return s.create(ctx, tenantID, in, store.OriginAPI, false)
}

// create is Create for an origin; paid marks a booking Cal.com reports paid.
func (s *Service) create(ctx context.Context, tenantID string, in CreateInput, origin string, paid bool) (View, error) {
	if len(in.EventTypeID) > maxIDLen {
		return View{}, &appstore.ProblemsError{Message: "the event type is invalid",
			Problems: abi.Problems{{Path: "/eventTypeId", Message: fmt.Sprintf("longer than %d bytes", maxIDLen)}}}
	}
	ev, start, end, err := parseEvent(in.Event)
	if err != nil {
		return View{}, err
	}
	if ev.UID == "" {
		ev.UID = newUID()
	}
	if ev.ICalUID == "" {
		ev.ICalUID = ev.UID + "@Slotbox"
	}
	ev.ICalSequence = 0
	apps, err := s.eventApps(ctx, tenantID, in.EventTypeID)
	if err != nil {
		return View{}, err
	}
	p, err := planCreate(apps, &ev, origin, paid)
	if err != nil {
		return View{}, err
	}
	nb := store.NewBooking{UID: ev.UID, EventTypeID: in.EventTypeID, Status: p.status, StartTime: start, EndTime: end, ICalUID: ev.ICalUID}
	if p.pay != nil {
		nb.Price, nb.Currency, nb.PaymentOption = p.pay.amount, p.pay.currency, string(p.pay.option)
		ev.PaymentInfo = &abi.PaymentInfo{Amount: p.pay.amount, Currency: p.pay.currency, PaymentOption: string(p.pay.option)}
	}
	if nb.Event, err = json.Marshal(ev); err != nil {
		return View{}, fmt.Errorf("booking: encode event: %w", err)
	}
	var b store.Booking
	err = s.st.RunInTx(ctx, func(tx *store.Tx) error {
		if b, err = tx.CreateBooking(ctx, tenantID, nb); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("booking uid[%s]: %w", ev.UID, ErrExists)
			}
			return err
		}
		var up store.BookingUpdate
		if ev.BookingID == 0 {
			// Cal.com's apps name a booking by a number (a payment's orderId).
			if ev.BookingID, err = tx.NumberBooking(ctx, tenantID, b.ID); err != nil {
				return err
			}
			raw, err := json.Marshal(ev)
			if err != nil {
				return err
			}
			up.Event = (*json.RawMessage)(&raw)
		}
		if paid {
			yes := true
			up.Paid = &yes
		}
		if up.Event != nil || up.Paid != nil {
			if b, err = tx.UpdateBooking(ctx, tenantID, b.ID, up); err != nil {
				return err
			}
		}
		if _, err := s.writeOp(ctx, tx, b, origin, p.plan); err != nil {
			return err
		}
		if b.Status == store.BookingAccepted && origin == store.OriginAPI {
			return s.scheduleMeetings(ctx, tx, b)
		}
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.avail.invalidate(tenantID)
	s.waiters.notify(b.ID)
	return s.View(ctx, tenantID, b.ID)
}

// writeOp numbers a new operation on b and stores its plan, then starts
// what is ready, in tx.
func (s *Service) writeOp(ctx context.Context, tx *store.Tx, b store.Booking, origin string, p plan) (int, error) {
	op, err := tx.NextBookingOp(ctx, b.TenantID, b.ID, origin)
	if err != nil {
		return 0, err
	}
	steps := make([]store.BookingStep, len(p.steps))
	for i, st := range p.steps {
		st.BookingID, st.Op = b.ID, op
		steps[i] = st
	}
	if err := tx.PutBookingSteps(ctx, b.TenantID, steps); err != nil {
		return 0, err
	}
	for _, o := range p.outcomes {
		o.BookingID = b.ID
		if _, err := tx.PutBookingAppStatus(ctx, b.TenantID, o); err != nil {
			return 0, err
		}
	}
	return op, s.advance(ctx, tx, b.TenantID, b.ID)
}

// RescheduleInput moves a booking: new times, and optionally a whole new
// event (its uid and iCalUID are kept).
type RescheduleInput struct {
	StartTime time.Time
	EndTime   time.Time
	Event     json.RawMessage
}

// Reschedule moves a booking: the apps update what they made through the
// stored references (creating it where the first attempt failed), the
// iCalUID stays, iCalSequence grows, BOOKING_RESCHEDULED goes out.
func (s *Service) Reschedule(ctx context.Context, tenantID, bookingID string, in RescheduleInput) (View, error) {
	return s.reschedule(ctx, tenantID, bookingID, in, store.OriginAPI)
}

func (s *Service) reschedule(ctx context.Context, tenantID, bookingID string, in RescheduleInput, origin string) (View, error) {
	b, err := s.st.Booking(ctx, tenantID, bookingID)
	if err != nil {
		return View{}, err
	}
	if b.Status == store.BookingCancelled {
		return View{}, fmt.Errorf("booking[%s]: %w", bookingID, ErrCancelled)
	}
	ev, err := s.movedEvent(b, in)
	if err != nil {
		return View{}, err
	}
	apps, err := s.eventApps(ctx, tenantID, b.EventTypeID)
	if err != nil {
		return View{}, err
	}
	err = s.st.RunInTx(ctx, func(tx *store.Tx) error {
		start, end := in.StartTime, in.EndTime
		raw, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		moved, err := tx.UpdateBooking(ctx, tenantID, b.ID, store.BookingUpdate{Event: (*json.RawMessage)(&raw), StartTime: &start, EndTime: &end,
			BumpICalSequence: true})
		if err != nil {
			return err
		}
		p, err := s.planReschedule(ctx, tx, moved, apps, &ev)
		if err != nil {
			return err
		}
		if _, err := s.writeOp(ctx, tx, moved, origin, p); err != nil {
			return err
		}
		if moved.Status == store.BookingAccepted && origin == store.OriginAPI {
			return s.scheduleMeetings(ctx, tx, moved)
		}
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.avail.invalidate(tenantID)
	s.waiters.notify(b.ID)
	return s.View(ctx, tenantID, b.ID)
}

// movedEvent is the booking's event at the new times, or the new event
// with the booking's identity.
func (s *Service) movedEvent(b store.Booking, in RescheduleInput) (abi.CalendarEvent, error) {
	var ev abi.CalendarEvent
	if len(bytes.TrimSpace(in.Event)) > 0 {
		e, start, end, err := parseEvent(in.Event)
		if err != nil {
			return ev, err
		}
		ev = e
		if in.StartTime.IsZero() && in.EndTime.IsZero() {
			in.StartTime, in.EndTime = start, end
		}
	} else if err := json.Unmarshal(b.Event, &ev); err != nil {
		return ev, fmt.Errorf("booking[%s]: stored event: %w", b.ID, err)
	}
	if in.StartTime.IsZero() || in.EndTime.IsZero() || in.EndTime.Before(in.StartTime) {
		return ev, &appstore.ProblemsError{Message: "the new times are invalid",
			Problems: abi.Problems{{Path: "/startTime", Message: "startTime and endTime are required, endTime not before startTime"}}}
	}
	ev.UID, ev.ICalUID, ev.ICalSequence = b.UID, b.ICalUID, b.ICalSequence+1
	ev.StartTime, ev.EndTime = in.StartTime.UTC().Format(time.RFC3339), in.EndTime.UTC().Format(time.RFC3339)
	return ev, nil
}

// planReschedule plans the updates of a moved booking: every app that made
// something, or is still to, and the apps the event type now says should
// (an update with no reference creates).
func (s *Service) planReschedule(ctx context.Context, tx *store.Tx, b store.Booking, apps []eventApp, ev *abi.CalendarEvent) (plan, error) {
	var p plan
	if b.Status == store.BookingAccepted {
		refs, err := tx.BookingReferences(ctx, b.TenantID, b.ID, false)
		if err != nil {
			return p, err
		}
		steps, err := tx.BookingSteps(ctx, b.TenantID, b.ID)
		if err != nil {
			return p, err
		}
		ids := makers(refs, steps)
		if v, ok := videoApp(apps, ev); ok {
			ids = append(ids, v.InstallationID)
		}
		if c, _, ok := destination(apps, ev); ok {
			ids = append(ids, c.InstallationID)
		}
		for _, a := range apps {
			if a.Category == abi.CategoryCRM {
				ids = append(ids, a.InstallationID)
			}
		}
		for _, id := range ids {
			info, err := s.app(ctx, b.TenantID, id)
			if err != nil {
				continue // the installation is gone; what it made stays
			}
			if step, stage, ok := updateStep(info.Category); ok {
				p.addApp(info, step, stage, store.StepPlanned)
			}
		}
	}
	p.triggers(apps, triggerRescheduled, true)
	return p, nil
}

// Cancel cancels a booking: the apps delete what they made, an unpaid
// payment is withdrawn, held steps never run, BOOKING_CANCELLED goes out.
// Cancelling a cancelled booking changes nothing.
func (s *Service) Cancel(ctx context.Context, tenantID, bookingID, reason string) (View, error) {
	return s.cancel(ctx, tenantID, bookingID, reason, store.OriginAPI)
}

func (s *Service) cancel(ctx context.Context, tenantID, bookingID, reason, origin string) (View, error) {
	b, err := s.st.Booking(ctx, tenantID, bookingID)
	if err != nil {
		return View{}, err
	}
	if b.Status == store.BookingCancelled {
		return s.View(ctx, tenantID, bookingID)
	}
	if len(reason) > 2000 {
		return View{}, &appstore.ProblemsError{Message: "the reason is too long",
			Problems: abi.Problems{{Path: "/cancellationReason", Message: "longer than 2000 bytes"}}}
	}
	apps, err := s.eventApps(ctx, tenantID, b.EventTypeID)
	if err != nil {
		return View{}, err
	}
	err = s.st.RunInTx(ctx, func(tx *store.Tx) error {
		var ev map[string]json.RawMessage
		if err := json.Unmarshal(b.Event, &ev); err != nil {
			return fmt.Errorf("booking[%s]: stored event: %w", b.ID, err)
		}
		if reason != "" {
			ev["cancellationReason"], _ = json.Marshal(reason)
		}
		raw, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		cancelled := store.BookingCancelled
		cb, err := tx.UpdateBooking(ctx, tenantID, b.ID, store.BookingUpdate{Status: &cancelled, Event: (*json.RawMessage)(&raw)})
		if err != nil {
			return err
		}
		p, err := s.planCancel(ctx, tx, cb, apps)
		if err != nil {
			return err
		}
		_, err = s.writeOp(ctx, tx, cb, origin, p)
		return err
	})
	if err != nil {
		return View{}, err
	}
	s.avail.invalidate(tenantID)
	s.waiters.notify(b.ID)
	return s.View(ctx, tenantID, b.ID)
}

// planCancel settles the held steps as never run and plans the deletes.
func (s *Service) planCancel(ctx context.Context, tx *store.Tx, b store.Booking, apps []eventApp) (plan, error) {
	var p plan
	steps, err := tx.BookingSteps(ctx, b.TenantID, b.ID)
	if err != nil {
		return p, err
	}
	for _, st := range steps {
		if st.State != store.StepHeld {
			continue
		}
		if _, err := tx.SetBookingStepState(ctx, b.TenantID, b.ID, st.Op, st.InstallationID, st.Step, store.StepSettled, false); err != nil {
			return p, err
		}
		p.refuse(st.InstallationID, st.Step, codeNotRun, "never ran: the booking was cancelled before it was paid")
	}
	refs, err := tx.BookingReferences(ctx, b.TenantID, b.ID, false)
	if err != nil {
		return p, err
	}
	for _, id := range makers(refs, steps) {
		info, err := s.app(ctx, b.TenantID, id)
		if err != nil {
			continue
		}
		if step, stage, ok := deleteStep(info.Category); ok {
			p.addApp(info, step, stage, store.StepPlanned)
		}
	}
	pays, err := tx.PaymentsForBooking(ctx, b.TenantID, b.ID)
	if err != nil {
		return p, err
	}
	for _, pay := range pays {
		if pay.Status == store.PaymentPending || pay.Status == store.PaymentHeld {
			if info, err := s.app(ctx, b.TenantID, pay.InstallationID); err == nil {
				p.addApp(info, stepPaymentDelete, stageMain, store.StepPlanned)
			}
		}
	}
	p.triggers(apps, triggerCancelled, true)
	return p, nil
}

// Capture charges the card a HOLD payment holds (Cal.com's chargeCard,
// for a no-show fee): payment.update with {"capture": true}, then
// BOOKING_PAID.
func (s *Service) Capture(ctx context.Context, tenantID, bookingID string) (View, error) {
	b, err := s.st.Booking(ctx, tenantID, bookingID)
	if err != nil {
		return View{}, err
	}
	pays, err := s.st.PaymentsForBooking(ctx, tenantID, bookingID)
	if err != nil {
		return View{}, err
	}
	var held *store.Payment
	for i := range pays {
		if pays[i].Status == store.PaymentHeld {
			held = &pays[i]
		}
	}
	if held == nil {
		return View{}, fmt.Errorf("booking[%s]: %w", bookingID, ErrNotHeld)
	}
	info, err := s.app(ctx, tenantID, held.InstallationID)
	if err != nil {
		return View{}, err
	}
	apps, err := s.eventApps(ctx, tenantID, b.EventTypeID)
	if err != nil {
		return View{}, err
	}
	var p plan
	p.addApp(info, stepPaymentCapture, stageFirst, store.StepPlanned)
	p.triggers(apps, triggerPaid, true)
	if err := s.st.RunInTx(ctx, func(tx *store.Tx) error {
		_, err := s.writeOp(ctx, tx, b, store.OriginAPI, p)
		return err
	}); err != nil {
		return View{}, err
	}
	s.waiters.notify(b.ID)
	return s.View(ctx, tenantID, b.ID)
}
