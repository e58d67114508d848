package booking

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
)

// outcome is what running a step came to.
type outcome struct {
	ok    bool
	code  string
	msg   string
	retry bool
	// throttled is a host rate limit: the step waits a moment and runs
	// again without spending an attempt.
	throttled bool
	// apply writes what the step made (references, payments), in the
	// transaction that settles it; nil when there is nothing to write.
	apply func(ctx context.Context, tx *store.Tx) error
}

// done is a success that writes apply's rows.
func done(apply func(ctx context.Context, tx *store.Tx) error) outcome {
	return outcome{ok: true, apply: apply}
}

// failed is a failure; retry asks for another attempt.
func failed(code, msg string, retry bool) outcome { return outcome{code: code, msg: msg, retry: retry} }

// retryCodes are the host codes worth another attempt even when the error
// does not say retryable.
var retryCodes = map[abi.Code]bool{abi.CodeTimeout: true, abi.CodeNetworkError: true, abi.CodeRateLimited: true, abi.CodeHostError: true}

// fromEnvelope turns an app's error into a failure: the app's own code
// when it gave one, else the host's.
func fromEnvelope(e *abi.Error) outcome {
	code := string(e.Code)
	if e.AppCode != "" {
		code = e.AppCode
	}
	o := failed(code, e.Message, e.Retryable || retryCodes[e.Code])
	// The host's per-installation limits answer RATE_LIMITED to the app,
	// which passes it on as its own code.
	o.throttled = code == string(abi.CodeRateLimited)
	return o
}

// throttleDelay is how long a throttled step waits: 250 ms to 1 s, at
// random, so the steps of a burst spread out over the limit's refill.
func throttleDelay() time.Duration {
	return 250*time.Millisecond + rand.N(750*time.Millisecond)
}

// call runs method on an installation with the step's time limit and
// decodes the result into out (when not nil). A non-nil outcome is the
// failure.
func (s *Service) call(ctx context.Context, tenantID, installationID, method string, in, out any) *outcome {
	input, err := json.Marshal(in)
	if err != nil {
		o := failed(string(abi.CodeHostError), "encode input: "+err.Error(), false)
		return &o
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.stepTimeout)
	defer cancel()
	res, err := s.apps.Call(cctx, tenantID, installationID, method, input)
	var pe *appstore.ProblemsError
	switch {
	case errors.Is(err, store.ErrNotFound):
		o := failed(codeInstallationGone, "the installation was deleted", false)
		return &o
	case errors.Is(err, appstore.ErrAppDisabled):
		o := failed(codeAppDisabled, "the app is disabled by the operator", false)
		return &o
	case errors.As(err, &pe):
		o := failed(string(abi.CodeInvalidInput), pe.Error(), false)
		return &o
	case err != nil:
		o := failed(string(abi.CodeHostError), "the app could not be run: "+err.Error(), true)
		return &o
	case res.Envelope.Error != nil:
		o := fromEnvelope(res.Envelope.Error)
		return &o
	}
	if out != nil {
		if err := json.Unmarshal(res.Envelope.OK, out); err != nil {
			o := failed(string(abi.CodeBadOutput), fmt.Sprintf("%s answered a result that does not decode: %v", method, err), false)
			return &o
		}
	}
	return nil
}

// stepWorker runs booking steps.
type stepWorker struct {
	river.WorkerDefaults[StepArgs]
	s *Service
}

// Work runs one step and records its outcome with what it unblocked. A
// failure worth retrying returns an error (River retries with backoff); on
// the last attempt it is recorded dead. Any other failure is recorded as an
// error and ends the job.
func (w *stepWorker) Work(ctx context.Context, job *river.Job[StepArgs]) error {
	s, a := w.s, job.Args
	st, err := s.st.BookingStep(ctx, a.TenantID, a.BookingID, a.Op, a.InstallationID, a.Step)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the booking was deleted
	}
	if err != nil {
		return err
	}
	if st.State != store.StepQueued || st.Replays != a.Replay {
		return nil // settled by a run a crash kept from completing, or replaced by a replay
	}
	b, err := s.st.Booking(ctx, a.TenantID, a.BookingID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	o := s.runStep(ctx, b, st)
	status := store.BookingAppStatus{BookingID: b.ID, InstallationID: st.InstallationID, Step: st.Step, Attempts: job.Attempt,
		ErrorCode: o.code, ErrorMessage: o.msg}
	switch {
	case o.ok:
		status.Status = store.AppStatusSuccess
	case o.throttled:
		// Pending, not counted: River's snooze gives the attempt back.
		status.Status, status.Attempts = store.AppStatusPending, job.Attempt-1
		if err := s.record(ctx, a.TenantID, status, nil, nil); err != nil {
			return err
		}
		return river.JobSnooze(throttleDelay())
	case o.retry && job.Attempt < job.MaxAttempts:
		// Still pending: the error is shown while River waits to retry.
		status.Status = store.AppStatusPending
		if err := s.record(ctx, a.TenantID, status, nil, nil); err != nil {
			return err
		}
		return fmt.Errorf("%s: %s", o.code, o.msg)
	case o.retry:
		status.Status = store.AppStatusDead
	default:
		status.Status = store.AppStatusError
	}
	if err := s.record(ctx, a.TenantID, status, &st, o.apply); err != nil {
		return err
	}
	switch status.Status {
	case store.AppStatusDead:
		return fmt.Errorf("%s: %s", o.code, o.msg) // River discards it: the dead letter
	case store.AppStatusError:
		return river.JobCancel(fmt.Errorf("%s: %s", o.code, o.msg))
	}
	return nil
}

// record writes a step's outcome; with settle it also writes what the step
// made, settles the step and starts what that unblocks, in one
// transaction.
func (s *Service) record(ctx context.Context, tenantID string, status store.BookingAppStatus, settle *store.BookingStep,
	apply func(context.Context, *store.Tx) error) error {
	// Recorded even when the job's context ended meanwhile: the app call
	// happened.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err := s.st.RunInTx(rctx, func(tx *store.Tx) error {
		if settle != nil {
			if apply != nil && status.Status == store.AppStatusSuccess {
				if err := apply(rctx, tx); err != nil {
					return err
				}
			}
			cur, err := tx.BookingStep(rctx, tenantID, settle.BookingID, settle.Op, settle.InstallationID, settle.Step)
			if err != nil {
				return err
			}
			if cur.State != store.StepQueued || cur.Replays != settle.Replays {
				return errSuperseded
			}
			if _, err := tx.SetBookingStepState(rctx, tenantID, settle.BookingID, settle.Op, settle.InstallationID, settle.Step,
				store.StepSettled, false); err != nil {
				return err
			}
		}
		if _, err := tx.PutBookingAppStatus(rctx, tenantID, status); err != nil {
			return err
		}
		if settle != nil {
			return s.advance(rctx, tx, tenantID, settle.BookingID)
		}
		return nil
	})
	if errors.Is(err, errSuperseded) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("booking[%s]: record step[%s] installation[%s]: %w", status.BookingID, status.Step, status.InstallationID, err)
	}
	s.changed(tenantID, status.BookingID, status.Step)
	return nil
}

// errSuperseded rolls back the record of a step a replay replaced.
var errSuperseded = errors.New("step superseded")

// changed wakes the booking's waiters and, for a calendar write, drops
// the tenant's cached busy times.
func (s *Service) changed(tenantID, bookingID, step string) {
	switch step {
	case stepCalendarCreate, stepCalendarUpdate, stepCalendarDelete:
		s.avail.invalidate(tenantID)
	}
	s.waiters.notify(bookingID)
}
