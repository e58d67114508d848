package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// MaxPaymentDataSize caps a payment's provider data JSON.
const MaxPaymentDataSize = 64 << 10

const paymentColumns = `id, tenant_id, booking_id, installation_id, external_id, amount, currency, payment_option, status, data,
	paid_at, created_at, updated_at`

func validPaymentData(d json.RawMessage) bool {
	return len(d) == 0 || (len(d) <= MaxPaymentDataSize && json.Valid(d))
}

// CreatePayment stores a payment of a booking. ErrNotFound if the booking or
// installation is not the tenant's; ErrConflict if the installation already
// has a payment with ExternalID.
func (q *queries) CreatePayment(ctx context.Context, tenantID string, n NewPayment) (Payment, error) {
	op := fmt.Sprintf("create payment booking[%s] tenant[%s]", n.BookingID, tenantID)
	switch {
	case n.InstallationID == "":
		return Payment{}, invalid(op, "installation is required")
	case n.Amount < 0:
		return Payment{}, invalid(op, "negative amount")
	case n.Currency == "" || len(n.Currency) > 16:
		return Payment{}, invalid(op, "currency must be 1 to 16 bytes")
	case !paymentStatuses[n.Status]:
		return Payment{}, invalid(op, fmt.Sprintf("unknown status %q", n.Status))
	case !validPaymentData(n.Data):
		return Payment{}, invalid(op, fmt.Sprintf("data must be valid JSON of at most %d bytes", MaxPaymentDataSize))
	case len(n.ExternalID) > 255:
		return Payment{}, invalid(op, "external id longer than 255 bytes")
	}
	var out Payment
	err := q.inTx(ctx, func(q *queries) error {
		if err := q.checkInstallation(ctx, op, tenantID, n.InstallationID); err != nil {
			return err
		}
		now := q.now()
		var err error
		out, err = scanPayment(q.w.QueryRowContext(ctx, `INSERT INTO payments (id, tenant_id, booking_id, installation_id,
			external_id, amount, currency, payment_option, status, data, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+paymentColumns,
			newID("pay", now), tenantID, n.BookingID, n.InstallationID, n.ExternalID, n.Amount, n.Currency, n.PaymentOption,
			n.Status, nullJSON(n.Data), ms(now), ms(now)))
		return mapErr(op, err, fkMissing)
	})
	return out, err
}

// Payment returns a tenant's payment by id.
func (q *queries) Payment(ctx context.Context, tenantID, id string) (Payment, error) {
	p, err := scanPayment(q.r.QueryRowContext(ctx, `SELECT `+paymentColumns+` FROM payments WHERE tenant_id = ? AND id = ?`, tenantID, id))
	return p, mapErr(fmt.Sprintf("payment[%s] tenant[%s]", id, tenantID), err, fkMissing)
}

// PaymentByExternalID returns the payment an installation's provider knows
// by externalID (for an inbound provider webhook).
func (q *queries) PaymentByExternalID(ctx context.Context, tenantID, installationID, externalID string) (Payment, error) {
	op := fmt.Sprintf("payment external[%s] installation[%s] tenant[%s]", externalID, installationID, tenantID)
	if externalID == "" {
		return Payment{}, notFound(op)
	}
	p, err := scanPayment(q.r.QueryRowContext(ctx, `SELECT `+paymentColumns+` FROM payments
		WHERE installation_id = ? AND external_id = ? AND tenant_id = ?`, installationID, externalID, tenantID))
	return p, mapErr(op, err, fkMissing)
}

// PaymentsForBooking returns a booking's payments in creation order.
func (q *queries) PaymentsForBooking(ctx context.Context, tenantID, bookingID string) ([]Payment, error) {
	op := fmt.Sprintf("payments booking[%s] tenant[%s]", bookingID, tenantID)
	rows, err := q.r.QueryContext(ctx, `SELECT `+paymentColumns+` FROM payments WHERE tenant_id = ? AND booking_id = ?
		ORDER BY id LIMIT ?`, tenantID, bookingID, maxReferencesPerBooking)
	if err != nil {
		return nil, mapErr(op, err, fkMissing)
	}
	ps, err := collect(rows, scanPayment)
	return ps, mapErr(op, err, fkMissing)
}

// UpdatePayment changes a payment and returns it.
func (q *queries) UpdatePayment(ctx context.Context, tenantID, id string, u PaymentUpdate) (Payment, error) {
	op := fmt.Sprintf("update payment[%s] tenant[%s]", id, tenantID)
	if u.Status != nil && !paymentStatuses[*u.Status] {
		return Payment{}, invalid(op, fmt.Sprintf("unknown status %q", *u.Status))
	}
	if u.ExternalID != nil && len(*u.ExternalID) > 255 {
		return Payment{}, invalid(op, "external id longer than 255 bytes")
	}
	var data, paidAt any
	if u.Data != nil {
		if !validPaymentData(*u.Data) {
			return Payment{}, invalid(op, fmt.Sprintf("data must be valid JSON of at most %d bytes", MaxPaymentDataSize))
		}
		data = nullJSON(*u.Data)
	}
	if u.PaidAt != nil {
		paidAt = ms(*u.PaidAt)
	}
	p, err := scanPayment(q.w.QueryRowContext(ctx, `UPDATE payments SET
		external_id = COALESCE(?, external_id), status = COALESCE(?, status),
		data = CASE WHEN ? = 1 THEN ? ELSE data END, paid_at = COALESCE(?, paid_at), updated_at = ?
		WHERE tenant_id = ? AND id = ? RETURNING `+paymentColumns,
		u.ExternalID, u.Status, b2i(u.Data != nil), data, paidAt, ms(q.now()), tenantID, id))
	return p, mapErr(op, err, fkMissing)
}

// RecordInboundEvent remembers that an installation received the provider
// event providerEventID and reports whether it is the first time: false
// means a redelivery to skip. Run it in the transaction that acts on the
// event, so a failure forgets both. ErrNotFound if the installation is not
// the tenant's.
func (q *queries) RecordInboundEvent(ctx context.Context, tenantID, installationID, providerEventID string) (bool, error) {
	op := fmt.Sprintf("record inbound event[%s] installation[%s] tenant[%s]", providerEventID, installationID, tenantID)
	if providerEventID == "" || len(providerEventID) > 255 {
		return false, invalid(op, "provider event id must be 1 to 255 bytes")
	}
	var first bool
	err := q.inTx(ctx, func(q *queries) error {
		if err := q.checkInstallation(ctx, op, tenantID, installationID); err != nil {
			return err
		}
		res, err := q.w.ExecContext(ctx, `INSERT INTO inbound_events (installation_id, provider_event_id, received_at)
			VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, installationID, providerEventID, ms(q.now()))
		if err != nil {
			return mapErr(op, err, fkMissing)
		}
		n, err := res.RowsAffected()
		first = n == 1
		return mapErr(op, err, fkMissing)
	})
	return first, err
}

// PruneInboundEvents forgets inbound event ids received before olderThan and
// returns how many; providers stop redelivering after days.
func (q *queries) PruneInboundEvents(ctx context.Context, olderThan time.Time) (int64, error) {
	return q.pruneBatches(ctx, "prune inbound events",
		`DELETE FROM inbound_events WHERE (installation_id, provider_event_id) IN
		(SELECT installation_id, provider_event_id FROM inbound_events WHERE received_at < ? LIMIT ?)`, ms(olderThan))
}

func scanPayment(s scanner) (Payment, error) {
	var p Payment
	var inst, data sql.NullString
	var paid sql.NullInt64
	var created, updated int64
	if err := s.Scan(&p.ID, &p.TenantID, &p.BookingID, &inst, &p.ExternalID, &p.Amount, &p.Currency, &p.PaymentOption,
		&p.Status, &data, &paid, &created, &updated); err != nil {
		return Payment{}, err
	}
	p.InstallationID = inst.String
	p.Data = rawJSON(data)
	p.PaidAt = fromNullMS(paid)
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return p, nil
}
