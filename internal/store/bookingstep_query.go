package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// maxOpsPerBooking bounds how many operations one booking may see, and with
// it the step rows it holds.
const maxOpsPerBooking = 200

const stepColumns = `tenant_id, booking_id, op, installation_id, step, stage, state, replays, created_at, updated_at`

// NextBookingOp numbers a new operation on a tenant's booking and returns
// its number (1 for the first). origin is recorded by the first operation
// and kept after. ErrNotFound if the booking is not the tenant's;
// ErrLimitExceeded past 200 operations.
func (q *queries) NextBookingOp(ctx context.Context, tenantID, bookingID, origin string) (int, error) {
	op := fmt.Sprintf("next op booking[%s] tenant[%s]", bookingID, tenantID)
	if origin != OriginAPI && origin != OriginCalcom {
		return 0, invalid(op, fmt.Sprintf("unknown origin %q", origin))
	}
	var n int
	err := q.w.QueryRowContext(ctx, `INSERT INTO booking_ops (booking_id, tenant_id, origin, last_op, updated_at)
		VALUES (?, ?, ?, 1, ?)
		ON CONFLICT (booking_id) DO UPDATE SET last_op = last_op + 1, updated_at = excluded.updated_at
		WHERE booking_ops.tenant_id = excluded.tenant_id
		RETURNING last_op`, bookingID, tenantID, origin, ms(q.now())).Scan(&n)
	if err != nil {
		return 0, mapErr(op, err, fkMissing)
	}
	if n > maxOpsPerBooking {
		return 0, fmt.Errorf("%s: %w: at most %d operations per booking", op, ErrLimitExceeded, maxOpsPerBooking)
	}
	return n, nil
}

// BookingOrigin returns who reported a tenant's booking (OriginAPI when no
// operation was recorded).
func (q *queries) BookingOrigin(ctx context.Context, tenantID, bookingID string) (string, error) {
	var origin string
	err := q.r.QueryRowContext(ctx, `SELECT origin FROM booking_ops WHERE tenant_id = ? AND booking_id = ?`,
		tenantID, bookingID).Scan(&origin)
	if errors.Is(err, sql.ErrNoRows) {
		return OriginAPI, nil
	}
	if err != nil {
		return "", mapErr(fmt.Sprintf("origin booking[%s] tenant[%s]", bookingID, tenantID), err, fkMissing)
	}
	return origin, nil
}

// PutBookingSteps stores steps of a tenant's booking, replacing a step with
// the same booking, op, installation and step name. ErrNotFound if the
// booking is not the tenant's.
func (q *queries) PutBookingSteps(ctx context.Context, tenantID string, steps []BookingStep) error {
	return q.inTx(ctx, func(q *queries) error {
		now := ms(q.now())
		for _, s := range steps {
			op := fmt.Sprintf("put step[%s] op[%d] booking[%s] installation[%s] tenant[%s]", s.Step, s.Op, s.BookingID,
				s.InstallationID, tenantID)
			switch {
			case s.Step == "" || len(s.Step) > 200:
				return invalid(op, "step must be 1 to 200 bytes")
			case s.Op < 1 || s.Stage < 0 || s.Replays < 0:
				return invalid(op, "op must be positive, stage and replays not negative")
			case !stepStates[s.State]:
				return invalid(op, fmt.Sprintf("unknown state %q", s.State))
			}
			if _, err := q.w.ExecContext(ctx, `INSERT INTO booking_steps (`+stepColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (booking_id, op, installation_id, step) DO UPDATE SET
				stage = excluded.stage, state = excluded.state, replays = excluded.replays, updated_at = excluded.updated_at
				WHERE booking_steps.tenant_id = excluded.tenant_id`,
				tenantID, s.BookingID, s.Op, s.InstallationID, s.Step, s.Stage, s.State, s.Replays, now, now); err != nil {
				return mapErr(op, err, fkMissing)
			}
		}
		return nil
	})
}

// BookingSteps returns every step of a tenant's booking, by op, stage,
// installation and step.
func (q *queries) BookingSteps(ctx context.Context, tenantID, bookingID string) ([]BookingStep, error) {
	op := fmt.Sprintf("steps booking[%s] tenant[%s]", bookingID, tenantID)
	rows, err := q.r.QueryContext(ctx, `SELECT `+stepColumns+` FROM booking_steps WHERE tenant_id = ? AND booking_id = ?
		ORDER BY op, stage, installation_id, step LIMIT ?`, tenantID, bookingID, maxOpsPerBooking*maxSettingsPerEventType)
	if err != nil {
		return nil, mapErr(op, err, fkMissing)
	}
	ss, err := collect(rows, scanStep)
	return ss, mapErr(op, err, fkMissing)
}

// BookingStep returns one step of a tenant's booking.
func (q *queries) BookingStep(ctx context.Context, tenantID, bookingID string, opNum int, installationID, step string) (BookingStep, error) {
	s, err := scanStep(q.r.QueryRowContext(ctx, `SELECT `+stepColumns+` FROM booking_steps
		WHERE booking_id = ? AND op = ? AND installation_id = ? AND step = ? AND tenant_id = ?`,
		bookingID, opNum, installationID, step, tenantID))
	return s, mapErr(fmt.Sprintf("step[%s] op[%d] booking[%s] installation[%s] tenant[%s]", step, opNum, bookingID,
		installationID, tenantID), err, fkMissing)
}

// SetBookingStepState moves one step to state; replay also counts a replay.
// ErrNotFound if the step does not exist.
func (q *queries) SetBookingStepState(ctx context.Context, tenantID, bookingID string, opNum int, installationID, step, state string,
	replay bool) (BookingStep, error) {
	op := fmt.Sprintf("set step[%s] op[%d] booking[%s] installation[%s] tenant[%s]", step, opNum, bookingID, installationID, tenantID)
	if !stepStates[state] {
		return BookingStep{}, invalid(op, fmt.Sprintf("unknown state %q", state))
	}
	s, err := scanStep(q.w.QueryRowContext(ctx, `UPDATE booking_steps SET state = ?, replays = replays + ?, updated_at = ?
		WHERE booking_id = ? AND op = ? AND installation_id = ? AND step = ? AND tenant_id = ? RETURNING `+stepColumns,
		state, b2i(replay), ms(q.now()), bookingID, opNum, installationID, step, tenantID))
	return s, mapErr(op, err, fkMissing)
}

// BookingByICalUID returns the tenant's most recent booking with an
// iCalUID (a reschedule in Cal.com makes a new booking with the old
// iCalUID).
func (q *queries) BookingByICalUID(ctx context.Context, tenantID, icalUID string) (Booking, error) {
	op := fmt.Sprintf("booking ical uid[%s] tenant[%s]", icalUID, tenantID)
	if icalUID == "" {
		return Booking{}, notFound(op)
	}
	b, err := scanBooking(q.r.QueryRowContext(ctx, `SELECT `+bookingColumns+` FROM bookings
		WHERE tenant_id = ? AND ical_uid = ? ORDER BY id DESC LIMIT 1`, tenantID, icalUID))
	return b, mapErr(op, err, fkMissing)
}

func scanStep(s scanner) (BookingStep, error) {
	var st BookingStep
	var created, updated int64
	if err := s.Scan(&st.TenantID, &st.BookingID, &st.Op, &st.InstallationID, &st.Step, &st.Stage, &st.State, &st.Replays,
		&created, &updated); err != nil {
		return BookingStep{}, err
	}
	st.CreatedAt, st.UpdatedAt = fromMS(created), fromMS(updated)
	return st, nil
}

// NumberBooking gives a tenant's booking a number, unique across the
// database and never reused, and returns it; a booking numbered before
// keeps its number. ErrNotFound if the booking is not the tenant's.
func (q *queries) NumberBooking(ctx context.Context, tenantID, bookingID string) (int64, error) {
	var n int64
	err := q.w.QueryRowContext(ctx, `INSERT INTO booking_numbers (tenant_id, booking_id) VALUES (?, ?)
		ON CONFLICT (booking_id) DO UPDATE SET booking_id = excluded.booking_id
		WHERE booking_numbers.tenant_id = excluded.tenant_id
		RETURNING number`, tenantID, bookingID).Scan(&n)
	return n, mapErr(fmt.Sprintf("number booking[%s] tenant[%s]", bookingID, tenantID), err, fkMissing)
}
