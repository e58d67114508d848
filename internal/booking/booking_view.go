package booking

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/slotbox/slotbox/internal/store"
)

// View is a booking with everything its apps did: each step's outcome,
// the references they made and the payments.
type View struct {
	Booking store.Booking `json:"booking"`
	// Settled is true when no step is waiting to run or running; steps held
	// for a payment do not count.
	Settled    bool                     `json:"settled"`
	Apps       []AppOutcome             `json:"apps"`
	References []store.BookingReference `json:"references"`
	Payments   []store.Payment          `json:"payments"`
}

// AppOutcome is how one step of one app fared: pending (with the last
// error while retries remain), success, error, or dead (out of attempts;
// replayable).
type AppOutcome struct {
	InstallationID string `json:"installationId"`
	App            string `json:"app,omitempty"`
	Step           string `json:"step"`
	Status         string `json:"status"`
	// State is where the step's latest run stands: held (waits for the
	// payment), planned (waits for earlier steps), queued or settled.
	State        string    `json:"state,omitempty"`
	ErrorCode    string    `json:"errorCode,omitempty"`
	ErrorMessage string    `json:"errorMessage,omitempty"`
	Attempts     int       `json:"attempts"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// View reads a tenant's booking with its steps, references and payments.
func (s *Service) View(ctx context.Context, tenantID, bookingID string) (View, error) {
	b, err := s.st.Booking(ctx, tenantID, bookingID)
	if err != nil {
		return View{}, err
	}
	steps, err := s.st.BookingSteps(ctx, tenantID, bookingID)
	if err != nil {
		return View{}, err
	}
	statuses, err := s.st.BookingAppStatuses(ctx, tenantID, bookingID)
	if err != nil {
		return View{}, err
	}
	refs, err := s.st.BookingReferences(ctx, tenantID, bookingID, true)
	if err != nil {
		return View{}, err
	}
	pays, err := s.st.PaymentsForBooking(ctx, tenantID, bookingID)
	if err != nil {
		return View{}, err
	}
	v := View{Booking: b, Settled: true, Apps: make([]AppOutcome, 0, len(statuses)), References: refs, Payments: pays}
	latest := map[[2]string]string{}
	for _, st := range steps {
		latest[[2]string{st.InstallationID, st.Step}] = st.State // steps come in op order
		if unsettled(st) {
			v.Settled = false
		}
	}
	slugs := map[string]string{}
	for _, st := range statuses {
		slug, ok := slugs[st.InstallationID]
		if !ok {
			if info, err := s.app(ctx, tenantID, st.InstallationID); err == nil {
				slug = info.Slug
			}
			slugs[st.InstallationID] = slug
		}
		v.Apps = append(v.Apps, AppOutcome{InstallationID: st.InstallationID, App: slug, Step: st.Step, Status: st.Status,
			State: latest[[2]string{st.InstallationID, st.Step}], ErrorCode: st.ErrorCode, ErrorMessage: st.ErrorMessage,
			Attempts: st.Attempts, UpdatedAt: st.UpdatedAt})
	}
	return v, nil
}

// Wait returns the booking's view once its steps settled, or after d
// (capped by the configured maximum) or when ctx ends, whichever comes
// first; the view says whether it settled.
func (s *Service) Wait(ctx context.Context, tenantID, bookingID string, d time.Duration) (View, error) {
	d = min(d, s.cfg.maxWait)
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		changed := s.waiters.wait(bookingID) // taken before the read: no change is missed
		v, err := s.View(ctx, tenantID, bookingID)
		if err != nil || v.Settled || d <= 0 {
			return v, err
		}
		select {
		case <-changed:
		case <-timer.C:
			return s.View(ctx, tenantID, bookingID)
		case <-ctx.Done():
			return v, nil
		}
	}
}

// Replay runs a booking's dead and failed steps again with a fresh set of
// attempts: all of them, or those of one installation and, optionally, one
// step. Steps that never ran because the booking was cancelled are not
// replayed.
func (s *Service) Replay(ctx context.Context, tenantID, bookingID, installationID, step string) (View, error) {
	n := 0
	err := s.st.RunInTx(ctx, func(tx *store.Tx) error {
		statuses, err := tx.BookingAppStatuses(ctx, tenantID, bookingID)
		if err != nil {
			return err
		}
		steps, err := tx.BookingSteps(ctx, tenantID, bookingID)
		if err != nil {
			return err
		}
		for _, st := range statuses {
			if (st.Status != store.AppStatusDead && st.Status != store.AppStatusError) || st.ErrorCode == codeNotRun ||
				(installationID != "" && st.InstallationID != installationID) || (step != "" && st.Step != step) {
				continue
			}
			var last *store.BookingStep
			for i := range steps {
				if steps[i].InstallationID == st.InstallationID && steps[i].Step == st.Step {
					last = &steps[i]
				}
			}
			if last == nil || last.State != store.StepSettled {
				continue // refused at planning (app disabled): nothing to run
			}
			re, err := tx.SetBookingStepState(ctx, tenantID, bookingID, last.Op, last.InstallationID, last.Step, store.StepQueued, true)
			if err != nil {
				return err
			}
			if _, err := tx.PutBookingAppStatus(ctx, tenantID, store.BookingAppStatus{BookingID: bookingID,
				InstallationID: st.InstallationID, Step: st.Step, Status: store.AppStatusPending, Attempts: st.Attempts,
				ErrorMessage: "replay requested"}); err != nil {
				return err
			}
			if _, err := s.jobs.InsertTx(ctx, tx, StepArgs{TenantID: tenantID, BookingID: bookingID, Op: re.Op,
				InstallationID: re.InstallationID, Step: re.Step, Replay: re.Replays}, nil); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return View{}, err
	}
	if n == 0 {
		if _, err := s.st.Booking(ctx, tenantID, bookingID); err != nil {
			return View{}, err
		}
		return View{}, fmt.Errorf("booking[%s]: %w", bookingID, ErrNothingToReplay)
	}
	s.waiters.notify(bookingID)
	return s.View(ctx, tenantID, bookingID)
}

// DeadLetters lists a page of a tenant's dead steps, newest first.
func (s *Service) DeadLetters(ctx context.Context, tenantID string, p store.Page) ([]store.BookingAppStatus, string, error) {
	return s.st.ListBookingAppStatuses(ctx, tenantID, store.AppStatusDead, p)
}

// meetingWorker raises MEETING_STARTED and MEETING_ENDED.
type meetingWorker struct {
	river.WorkerDefaults[MeetingArgs]
	s *Service
}

// Work raises the trigger for the automation apps and webhooks, unless the
// booking moved, was cancelled or went away. The job completes in the
// transaction that plans the trigger, so a crash never raises it twice.
func (w *meetingWorker) Work(ctx context.Context, job *river.Job[MeetingArgs]) error {
	s, a := w.s, job.Args
	b, err := s.st.Booking(ctx, a.TenantID, a.BookingID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	at := b.StartTime
	if a.Trigger == triggerMeetingEnded {
		at = b.EndTime
	}
	if b.Status != store.BookingAccepted || b.ICalSequence != a.Sequence || at.UnixMilli() != a.At {
		return nil // stale: a reschedule scheduled its own
	}
	apps, err := s.eventApps(ctx, a.TenantID, b.EventTypeID)
	if err != nil {
		return err
	}
	var p plan
	p.triggers(apps, a.Trigger, false)
	err = s.st.RunInTx(ctx, func(tx *store.Tx) error {
		if _, err := river.JobCompleteTx[*riversqlite.Driver](ctx, tx.SQL(), job); err != nil {
			return err
		}
		_, err := s.writeOp(ctx, tx, b, store.OriginAPI, p)
		return err
	})
	if err != nil {
		return err
	}
	s.waiters.notify(b.ID)
	return nil
}
