package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/slotbox/slotbox/internal/jobs"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/internal/webhook"
)

// StepArgs is the job of one booking step. Replay tells a replayed step
// from its first run, so River's uniqueness lets it in.
type StepArgs struct {
	TenantID       string `json:"tenantId" river:"unique"`
	BookingID      string `json:"bookingId" river:"unique"`
	Op             int    `json:"op" river:"unique"`
	InstallationID string `json:"installationId" river:"unique"`
	Step           string `json:"step" river:"unique"`
	Replay         int    `json:"replay" river:"unique"`
}

// Kind implements river.JobArgs.
func (StepArgs) Kind() string { return "booking_step" }

// InsertOpts puts steps on the hooks queue, one job per step and replay.
func (StepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueHooks, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// reader is what both the store and a transaction read bookings with.
type reader interface {
	Booking(ctx context.Context, tenantID, id string) (store.Booking, error)
	BookingReferences(ctx context.Context, tenantID, bookingID string, includeDeleted bool) ([]store.BookingReference, error)
	PaymentsForBooking(ctx context.Context, tenantID, bookingID string) ([]store.Payment, error)
}

// unsettled reports whether a step still has to run.
func unsettled(s store.BookingStep) bool {
	return s.State == store.StepPlanned || s.State == store.StepQueued
}

// ready reports whether a planned step may start: every earlier stage of
// its operation settled, and every earlier operation's step of the same
// installation (or, for a webhook fan-out, every earlier fan-out) settled.
func ready(c store.BookingStep, all []store.BookingStep) bool {
	for _, o := range all {
		if !unsettled(o) || (o.Op == c.Op && o.InstallationID == c.InstallationID && o.Step == c.Step) {
			continue
		}
		if o.Op == c.Op && o.Stage < c.Stage {
			return false
		}
		if o.Op < c.Op && o.InstallationID == c.InstallationID {
			return false
		}
	}
	return true
}

// advance starts every planned step of a booking that is ready: it
// enqueues an app step's job, and runs a webhook fan-out at once (which
// may make more steps ready). Run it in the transaction that changed the
// steps.
func (s *Service) advance(ctx context.Context, tx *store.Tx, tenantID, bookingID string) error {
	for {
		steps, err := tx.BookingSteps(ctx, tenantID, bookingID)
		if err != nil {
			return err
		}
		again := false
		for _, st := range steps {
			if st.State != store.StepPlanned || !ready(st, steps) {
				continue
			}
			if st.InstallationID == "" {
				if err := s.fanOut(ctx, tx, tenantID, bookingID, st); err != nil {
					return err
				}
				again = true // settling it may make later stages ready
				continue
			}
			if _, err := s.jobs.InsertTx(ctx, tx, StepArgs{TenantID: tenantID, BookingID: bookingID, Op: st.Op,
				InstallationID: st.InstallationID, Step: st.Step, Replay: st.Replays}, nil); err != nil {
				return err
			}
			if _, err := tx.SetBookingStepState(ctx, tenantID, bookingID, st.Op, st.InstallationID, st.Step, store.StepQueued, false); err != nil {
				return err
			}
		}
		if !again {
			return nil
		}
	}
}

// fanOut runs a webhook step: one delivery per subscribed webhook, in tx.
// BOOKING_PAID goes out only for a booking that is paid (a failed capture
// raises nothing).
func (s *Service) fanOut(ctx context.Context, tx *store.Tx, tenantID, bookingID string, st store.BookingStep) error {
	_, trigger := splitStep(st.Step)
	b, err := tx.Booking(ctx, tenantID, bookingID)
	if err != nil {
		return err
	}
	if trigger != triggerPaid || b.Paid {
		body, err := s.payload(ctx, tx, b, trigger)
		if err != nil {
			return err
		}
		if _, err := s.hooks.EnqueueTx(ctx, tx, tenantID, trigger, body); err != nil {
			return err
		}
	}
	_, err = tx.SetBookingStepState(ctx, tenantID, bookingID, st.Op, "", st.Step, store.StepSettled, false)
	return err
}

// payload is the Cal.com webhook body of trigger for a booking, with what
// the apps made so far.
func (s *Service) payload(ctx context.Context, r reader, b store.Booking, trigger string) ([]byte, error) {
	wb := webhook.Booking{Booking: b}
	refs, err := r.BookingReferences(ctx, b.TenantID, b.ID, false)
	if err != nil {
		return nil, err
	}
	if v, ok := videoRef(refs); ok {
		wb.VideoCallURL = v.MeetingURL
	}
	pays, err := r.PaymentsForBooking(ctx, b.TenantID, b.ID)
	if err != nil {
		return nil, err
	}
	if len(pays) > 0 {
		p := pays[len(pays)-1]
		wb.PaymentID = p.ID
		var data struct {
			URL string `json:"url"`
		}
		_ = json.Unmarshal(p.Data, &data) // absent or foreign data: no link
		wb.PaymentLink = data.URL
	}
	return webhook.Payload(trigger, s.cfg.now(), wb)
}

// isVideoType reports whether a reference type is a conferencing app's,
// by Cal.com's suffix rule.
func isVideoType(t string) bool {
	return strings.HasSuffix(t, "_video") || strings.HasSuffix(t, "_conferencing")
}

// videoRef is a booking's live video meeting reference, if any.
func videoRef(refs []store.BookingReference) (store.BookingReference, bool) {
	for _, r := range refs {
		if !r.Deleted && isVideoType(r.Type) {
			return r, true
		}
	}
	return store.BookingReference{}, false
}

// MeetingArgs is the job that raises MEETING_STARTED or MEETING_ENDED at
// a booking's start or end. At and Sequence tie it to the booking's times:
// a reschedule makes it stale and schedules new ones.
type MeetingArgs struct {
	TenantID  string `json:"tenantId" river:"unique"`
	BookingID string `json:"bookingId" river:"unique"`
	Trigger   string `json:"trigger" river:"unique"`
	At        int64  `json:"at" river:"unique"`
	Sequence  int    `json:"sequence" river:"unique"`
}

// Kind implements river.JobArgs.
func (MeetingArgs) Kind() string { return "booking_meeting" }

// InsertOpts puts meeting triggers on the hooks queue, one per time.
func (MeetingArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueHooks, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// scheduleMeetings enqueues MEETING_STARTED and MEETING_ENDED at the
// booking's times, those still ahead, in tx.
func (s *Service) scheduleMeetings(ctx context.Context, tx *store.Tx, b store.Booking) error {
	now := s.cfg.now()
	for _, m := range []struct {
		trigger string
		at      time.Time
	}{{triggerMeetingStarted, b.StartTime}, {triggerMeetingEnded, b.EndTime}} {
		if !m.at.After(now) {
			continue
		}
		args := MeetingArgs{TenantID: b.TenantID, BookingID: b.ID, Trigger: m.trigger, At: m.at.UnixMilli(), Sequence: b.ICalSequence}
		if _, err := s.jobs.InsertTx(ctx, tx, args, &river.InsertOpts{ScheduledAt: m.at}); err != nil {
			return fmt.Errorf("booking[%s]: schedule %s: %w", b.ID, m.trigger, err)
		}
	}
	return nil
}
