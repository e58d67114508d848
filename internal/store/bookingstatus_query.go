package store

import (
	"context"
	"fmt"
)

var appStatuses = map[string]bool{AppStatusPending: true, AppStatusSuccess: true, AppStatusError: true, AppStatusDead: true}

const appStatusColumns = `id, tenant_id, booking_id, installation_id, step, status, error_code, error_message, attempts, updated_at`

// PutBookingAppStatus records the outcome of one step of one installation
// for a booking, replacing the previous outcome of that step. ErrNotFound if
// the booking or the installation is not the tenant's.
func (q *queries) PutBookingAppStatus(ctx context.Context, tenantID string, st BookingAppStatus) (BookingAppStatus, error) {
	op := fmt.Sprintf("put app status booking[%s] installation[%s] step[%s] tenant[%s]", st.BookingID, st.InstallationID, st.Step, tenantID)
	switch {
	case st.Step == "" || len(st.Step) > 200:
		return BookingAppStatus{}, invalid(op, "step must be 1 to 200 bytes")
	case !appStatuses[st.Status]:
		return BookingAppStatus{}, invalid(op, fmt.Sprintf("unknown status %q", st.Status))
	case st.Attempts < 0:
		return BookingAppStatus{}, invalid(op, "negative attempts")
	case len(st.ErrorCode) > 200:
		return BookingAppStatus{}, invalid(op, "error code longer than 200 bytes")
	}
	msg := truncate(st.ErrorMessage, 4096)
	out, err := scanAppStatus(q.w.QueryRowContext(ctx, `INSERT INTO booking_app_status
		(tenant_id, booking_id, installation_id, step, status, error_code, error_message, attempts, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (booking_id, installation_id, step) DO UPDATE SET
		status = excluded.status, error_code = excluded.error_code, error_message = excluded.error_message,
		attempts = excluded.attempts, updated_at = excluded.updated_at
		WHERE booking_app_status.tenant_id = excluded.tenant_id
		RETURNING `+appStatusColumns,
		tenantID, st.BookingID, st.InstallationID, st.Step, st.Status, st.ErrorCode, msg, st.Attempts, ms(q.now())))
	return out, mapErr(op, err, fkMissing)
}

// BookingAppStatuses returns every step outcome of a booking in creation
// order.
func (q *queries) BookingAppStatuses(ctx context.Context, tenantID, bookingID string) ([]BookingAppStatus, error) {
	op := fmt.Sprintf("app statuses booking[%s] tenant[%s]", bookingID, tenantID)
	rows, err := q.r.QueryContext(ctx, `SELECT `+appStatusColumns+` FROM booking_app_status
		WHERE tenant_id = ? AND booking_id = ? ORDER BY id LIMIT ?`, tenantID, bookingID, maxReferencesPerBooking)
	if err != nil {
		return nil, mapErr(op, err, fkMissing)
	}
	ss, err := collect(rows, scanAppStatus)
	return ss, mapErr(op, err, fkMissing)
}

// ListBookingAppStatuses returns a page of a tenant's step outcomes with the
// given status (for example every dead one), newest first.
func (q *queries) ListBookingAppStatuses(ctx context.Context, tenantID, status string, p Page) ([]BookingAppStatus, string, error) {
	op := fmt.Sprintf("list app statuses[%s] tenant[%s]", status, tenantID)
	after, err := p.afterInt(op)
	if err != nil {
		return nil, "", err
	}
	n := p.limit()
	rows, err := q.r.QueryContext(ctx, `SELECT `+appStatusColumns+` FROM booking_app_status
		WHERE tenant_id = ? AND status = ? AND id < ? ORDER BY id DESC LIMIT ?`, tenantID, status, after, n+1)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	ss, err := collect(rows, scanAppStatus)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	ss, next := nextCursor(ss, n, func(s BookingAppStatus) string { return fmt.Sprint(s.ID) })
	return ss, next, nil
}

func scanAppStatus(s scanner) (BookingAppStatus, error) {
	var st BookingAppStatus
	var updated int64
	if err := s.Scan(&st.ID, &st.TenantID, &st.BookingID, &st.InstallationID, &st.Step, &st.Status, &st.ErrorCode,
		&st.ErrorMessage, &st.Attempts, &updated); err != nil {
		return BookingAppStatus{}, err
	}
	st.UpdatedAt = fromMS(updated)
	return st, nil
}
