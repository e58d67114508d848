package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// maxReferencesPerBooking bounds the unpaged reference and status lists.
const maxReferencesPerBooking = 1000

const referenceColumns = `id, tenant_id, booking_id, installation_id, type, uid, meeting_id, meeting_password, meeting_url,
	external_calendar_id, credential_id, deleted, created_at, updated_at`

// checkInstallation reports ErrNotFound unless the installation is the
// tenant's; for tables whose installation key cannot be a composite one.
func (q *queries) checkInstallation(ctx context.Context, op, tenantID, installationID string) error {
	var one int
	err := q.w.QueryRowContext(ctx, `SELECT 1 FROM installations WHERE tenant_id = ? AND id = ?`, tenantID, installationID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: installation[%s]: %w", op, installationID, ErrNotFound)
	}
	return mapErr(op, err, fkMissing)
}

// PutBookingReference stores what an installation's app returned for a
// booking. There is one live reference per booking, installation and type: a
// second put (a retried hook, an update) replaces its fields. ErrNotFound if
// the booking or the installation is not the tenant's.
func (q *queries) PutBookingReference(ctx context.Context, tenantID string, r BookingReference) (BookingReference, error) {
	op := fmt.Sprintf("put reference booking[%s] installation[%s] tenant[%s]", r.BookingID, r.InstallationID, tenantID)
	if r.Type == "" || r.InstallationID == "" {
		return BookingReference{}, invalid(op, "type and installation are required")
	}
	for _, f := range []string{r.Type, r.UID, r.MeetingID, r.MeetingPassword, r.MeetingURL, r.ExternalCalendarID, r.CredentialID} {
		if len(f) > 2048 {
			return BookingReference{}, invalid(op, "field longer than 2048 bytes")
		}
	}
	var out BookingReference
	err := q.inTx(ctx, func(q *queries) error {
		if err := q.checkInstallation(ctx, op, tenantID, r.InstallationID); err != nil {
			return err
		}
		now := ms(q.now())
		var err error
		out, err = scanReference(q.w.QueryRowContext(ctx, `INSERT INTO booking_references
			(tenant_id, booking_id, installation_id, type, uid, meeting_id, meeting_password, meeting_url,
			 external_calendar_id, credential_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (booking_id, installation_id, type) WHERE deleted = 0 DO UPDATE SET
			uid = excluded.uid, meeting_id = excluded.meeting_id, meeting_password = excluded.meeting_password,
			meeting_url = excluded.meeting_url, external_calendar_id = excluded.external_calendar_id,
			credential_id = excluded.credential_id, updated_at = excluded.updated_at
			WHERE booking_references.tenant_id = excluded.tenant_id
			RETURNING `+referenceColumns,
			tenantID, r.BookingID, r.InstallationID, r.Type, r.UID, r.MeetingID, r.MeetingPassword, r.MeetingURL,
			r.ExternalCalendarID, r.CredentialID, now, now))
		return mapErr(op, err, fkMissing)
	})
	return out, err
}

// BookingReferences returns a booking's references in creation order,
// deleted ones only if includeDeleted.
func (q *queries) BookingReferences(ctx context.Context, tenantID, bookingID string, includeDeleted bool) ([]BookingReference, error) {
	op := fmt.Sprintf("references booking[%s] tenant[%s]", bookingID, tenantID)
	rows, err := q.r.QueryContext(ctx, `SELECT `+referenceColumns+` FROM booking_references
		WHERE tenant_id = ? AND booking_id = ? AND (deleted = 0 OR ? = 1) ORDER BY id LIMIT ?`,
		tenantID, bookingID, b2i(includeDeleted), maxReferencesPerBooking)
	if err != nil {
		return nil, mapErr(op, err, fkMissing)
	}
	rs, err := collect(rows, scanReference)
	return rs, mapErr(op, err, fkMissing)
}

// MarkBookingReferenceDeleted marks a reference deleted (its external object
// was removed); the row stays for history.
func (q *queries) MarkBookingReferenceDeleted(ctx context.Context, tenantID string, id int64) error {
	res, err := q.w.ExecContext(ctx, `UPDATE booking_references SET deleted = 1, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		ms(q.now()), tenantID, id)
	return affectedOne(fmt.Sprintf("delete reference[%d] tenant[%s]", id, tenantID), res, err, fkMissing)
}

func scanReference(s scanner) (BookingReference, error) {
	var r BookingReference
	var inst sql.NullString
	var deleted, created, updated int64
	if err := s.Scan(&r.ID, &r.TenantID, &r.BookingID, &inst, &r.Type, &r.UID, &r.MeetingID, &r.MeetingPassword, &r.MeetingURL,
		&r.ExternalCalendarID, &r.CredentialID, &deleted, &created, &updated); err != nil {
		return BookingReference{}, err
	}
	r.InstallationID = inst.String
	r.Deleted = deleted == 1
	r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
	return r, nil
}
