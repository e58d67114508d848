package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// MaxEventSize caps a booking's CalendarEvent JSON.
const MaxEventSize = 256 << 10

// maxBookingsInRange bounds BookingsBetween.
const maxBookingsInRange = 10000

const bookingColumns = `id, tenant_id, uid, event_type_id, status, event, start_time, end_time, ical_uid, ical_sequence,
	price, currency, payment_option, paid, created_at, updated_at`

func validateEvent(op string, event json.RawMessage) error {
	if len(event) == 0 || len(event) > MaxEventSize || !json.Valid(event) {
		return invalid(op, fmt.Sprintf("event must be valid JSON of at most %d bytes", MaxEventSize))
	}
	return nil
}

// CreateBooking stores a booking; ErrConflict if the tenant already has its
// UID.
func (q *queries) CreateBooking(ctx context.Context, tenantID string, n NewBooking) (Booking, error) {
	op := fmt.Sprintf("create booking uid[%s] tenant[%s]", n.UID, tenantID)
	switch {
	case n.UID == "" || len(n.UID) > 255:
		return Booking{}, invalid(op, "uid must be 1 to 255 bytes")
	case !bookingStatuses[n.Status]:
		return Booking{}, invalid(op, fmt.Sprintf("unknown status %q", n.Status))
	case n.EndTime.Before(n.StartTime):
		return Booking{}, invalid(op, "end time before start time")
	case n.Price < 0:
		return Booking{}, invalid(op, "negative price")
	}
	if err := validateEvent(op, n.Event); err != nil {
		return Booking{}, err
	}
	now := q.now()
	b, err := scanBooking(q.w.QueryRowContext(ctx, `INSERT INTO bookings (id, tenant_id, uid, event_type_id, status, event,
		start_time, end_time, ical_uid, price, currency, payment_option, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+bookingColumns,
		newID("bkg", now), tenantID, n.UID, n.EventTypeID, n.Status, string(n.Event), ms(n.StartTime), ms(n.EndTime),
		n.ICalUID, n.Price, n.Currency, n.PaymentOption, ms(now), ms(now)))
	return b, mapErr(op, err, fkMissing)
}

// Booking returns a tenant's booking by id.
func (q *queries) Booking(ctx context.Context, tenantID, id string) (Booking, error) {
	b, err := scanBooking(q.r.QueryRowContext(ctx, `SELECT `+bookingColumns+` FROM bookings WHERE tenant_id = ? AND id = ?`, tenantID, id))
	return b, mapErr(fmt.Sprintf("booking[%s] tenant[%s]", id, tenantID), err, fkMissing)
}

// BookingByUID returns a tenant's booking by its scheduler UID.
func (q *queries) BookingByUID(ctx context.Context, tenantID, uid string) (Booking, error) {
	b, err := scanBooking(q.r.QueryRowContext(ctx, `SELECT `+bookingColumns+` FROM bookings WHERE tenant_id = ? AND uid = ?`, tenantID, uid))
	return b, mapErr(fmt.Sprintf("booking uid[%s] tenant[%s]", uid, tenantID), err, fkMissing)
}

// ListBookings returns a page of a tenant's bookings in creation order.
func (q *queries) ListBookings(ctx context.Context, tenantID string, f BookingFilter, p Page) ([]Booking, string, error) {
	op := fmt.Sprintf("list bookings tenant[%s]", tenantID)
	n := p.limit()
	rows, err := q.r.QueryContext(ctx, `SELECT `+bookingColumns+` FROM bookings
		WHERE tenant_id = ? AND id > ? AND (? = '' OR status = ?) AND (? = '' OR event_type_id = ?)
		ORDER BY id LIMIT ?`, tenantID, p.After, f.Status, f.Status, f.EventTypeID, f.EventTypeID, n+1)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	bs, err := collect(rows, scanBooking)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	bs, next := nextCursor(bs, n, func(b Booking) string { return b.ID })
	return bs, next, nil
}

// BookingsBetween returns a tenant's bookings that overlap [from, to), by
// start time, optionally only those with one of statuses; at most 10000.
func (q *queries) BookingsBetween(ctx context.Context, tenantID string, from, to time.Time, statuses ...string) ([]Booking, error) {
	op := fmt.Sprintf("bookings between tenant[%s]", tenantID)
	if !to.After(from) {
		return nil, invalid(op, "range end must be after its start")
	}
	js, _ := json.Marshal(statuses) // []string always marshals
	rows, err := q.r.QueryContext(ctx, `SELECT `+bookingColumns+` FROM bookings
		WHERE tenant_id = ? AND start_time < ? AND end_time > ?
		AND (json_array_length(?) = 0 OR status IN (SELECT value FROM json_each(?)))
		ORDER BY start_time, id LIMIT ?`, tenantID, ms(to), ms(from), string(js), string(js), maxBookingsInRange)
	if err != nil {
		return nil, mapErr(op, err, fkMissing)
	}
	bs, err := collect(rows, scanBooking)
	return bs, mapErr(op, err, fkMissing)
}

// UpdateBooking changes a booking and returns it.
func (q *queries) UpdateBooking(ctx context.Context, tenantID, id string, u BookingUpdate) (Booking, error) {
	op := fmt.Sprintf("update booking[%s] tenant[%s]", id, tenantID)
	if u.Status != nil && !bookingStatuses[*u.Status] {
		return Booking{}, invalid(op, fmt.Sprintf("unknown status %q", *u.Status))
	}
	var event, start, end, paid any
	if u.Event != nil {
		if err := validateEvent(op, *u.Event); err != nil {
			return Booking{}, err
		}
		event = string(*u.Event)
	}
	if u.StartTime != nil {
		start = ms(*u.StartTime)
	}
	if u.EndTime != nil {
		end = ms(*u.EndTime)
	}
	if u.Paid != nil {
		paid = b2i(*u.Paid)
	}
	b, err := scanBooking(q.w.QueryRowContext(ctx, `UPDATE bookings SET
		status = COALESCE(?, status), event = COALESCE(?, event), start_time = COALESCE(?, start_time),
		end_time = COALESCE(?, end_time), paid = COALESCE(?, paid), ical_sequence = ical_sequence + ?, updated_at = ?
		WHERE tenant_id = ? AND id = ? RETURNING `+bookingColumns,
		u.Status, event, start, end, paid, b2i(u.BumpICalSequence), ms(q.now()), tenantID, id))
	return b, mapErr(op, err, fkMissing)
}

// DeleteBooking deletes a booking with its references, app statuses and
// payments.
func (q *queries) DeleteBooking(ctx context.Context, tenantID, id string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM bookings WHERE tenant_id = ? AND id = ?`, tenantID, id)
	return affectedOne(fmt.Sprintf("delete booking[%s] tenant[%s]", id, tenantID), res, err, fkInUse)
}

func scanBooking(s scanner) (Booking, error) {
	var b Booking
	var event string
	var start, end, created, updated, paid int64
	if err := s.Scan(&b.ID, &b.TenantID, &b.UID, &b.EventTypeID, &b.Status, &event, &start, &end, &b.ICalUID, &b.ICalSequence,
		&b.Price, &b.Currency, &b.PaymentOption, &paid, &created, &updated); err != nil {
		return Booking{}, err
	}
	b.Event = json.RawMessage(event)
	b.StartTime, b.EndTime = fromMS(start), fromMS(end)
	b.Paid = paid == 1
	b.CreatedAt, b.UpdatedAt = fromMS(created), fromMS(updated)
	return b, nil
}
