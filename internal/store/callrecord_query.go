package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Caps on what one call record keeps.
const (
	// MaxCallLogSize caps the stored log JSON. A larger log is replaced by
	// {"truncated":true,"size":N}: cutting JSON would leave it unreadable,
	// and the runtime already caps the log it captures.
	MaxCallLogSize = 64 << 10
	// MaxCallMessageSize caps the stored error message.
	MaxCallMessageSize = 4 << 10
)

const callRecordColumns = `id, tenant_id, installation_id, app_version_id, method, outcome, message, duration_us, fuel_used, log, created_at`

// InsertCallRecord stores a call record and returns its id. CreatedAt zero
// means now. ErrNotFound if the installation is not the tenant's.
func (q *queries) InsertCallRecord(ctx context.Context, r CallRecord) (int64, error) {
	op := fmt.Sprintf("insert call record installation[%s] tenant[%s]", r.InstallationID, r.TenantID)
	switch {
	case r.Method == "" || len(r.Method) > 200:
		return 0, invalid(op, "method must be 1 to 200 bytes")
	case r.Outcome == "" || len(r.Outcome) > 200:
		return 0, invalid(op, "outcome must be 1 to 200 bytes")
	case r.DurationUS < 0:
		return 0, invalid(op, "negative duration")
	}
	log := r.Log
	if len(log) > MaxCallLogSize || (len(log) > 0 && !json.Valid(log)) {
		log = json.RawMessage(`{"truncated":true,"size":` + strconv.Itoa(len(log)) + `}`)
	}
	at := r.CreatedAt
	if at.IsZero() {
		at = q.now()
	}
	res, err := q.w.ExecContext(ctx, `INSERT INTO call_records
		(tenant_id, installation_id, app_version_id, method, outcome, message, duration_us, fuel_used, log, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.TenantID, r.InstallationID, r.AppVersionID, r.Method, r.Outcome, truncate(r.Message, MaxCallMessageSize),
		r.DurationUS, r.FuelUsed, nullJSON(log), ms(at))
	if err != nil {
		return 0, mapErr(op, err, fkMissing)
	}
	id, err := res.LastInsertId()
	return id, mapErr(op, err, fkMissing)
}

// CallRecord returns one of a tenant's call records.
func (q *queries) CallRecord(ctx context.Context, tenantID string, id int64) (CallRecord, error) {
	r, err := scanCallRecord(q.r.QueryRowContext(ctx, `SELECT `+callRecordColumns+` FROM call_records WHERE tenant_id = ? AND id = ?`,
		tenantID, id))
	return r, mapErr(fmt.Sprintf("call record[%d] tenant[%s]", id, tenantID), err, fkMissing)
}

// ListCallRecords returns a page of a tenant's call records, newest first.
func (q *queries) ListCallRecords(ctx context.Context, tenantID string, f CallRecordFilter, p Page) ([]CallRecord, string, error) {
	op := fmt.Sprintf("list call records tenant[%s]", tenantID)
	after, err := p.afterInt(op)
	if err != nil {
		return nil, "", err
	}
	n := p.limit()
	var rows *sql.Rows
	if f.InstallationID == "" {
		rows, err = q.r.QueryContext(ctx, `SELECT `+callRecordColumns+` FROM call_records
			WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, tenantID, after, n+1)
	} else {
		rows, err = q.r.QueryContext(ctx, `SELECT `+callRecordColumns+` FROM call_records
			WHERE tenant_id = ? AND installation_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, tenantID, f.InstallationID, after, n+1)
	}
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	rs, err := collect(rows, scanCallRecord)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	rs, next := nextCursor(rs, n, func(r CallRecord) string { return strconv.FormatInt(r.ID, 10) })
	return rs, next, nil
}

// PruneCallRecords deletes call records created before olderThan, in short
// batches, and returns how many.
func (q *queries) PruneCallRecords(ctx context.Context, olderThan time.Time) (int64, error) {
	return q.pruneBatches(ctx, "prune call records",
		`DELETE FROM call_records WHERE id IN (SELECT id FROM call_records WHERE created_at < ? LIMIT ?)`, ms(olderThan))
}

func scanCallRecord(s scanner) (CallRecord, error) {
	var r CallRecord
	var log sql.NullString
	var created int64
	if err := s.Scan(&r.ID, &r.TenantID, &r.InstallationID, &r.AppVersionID, &r.Method, &r.Outcome, &r.Message, &r.DurationUS,
		&r.FuelUsed, &log, &created); err != nil {
		return CallRecord{}, err
	}
	r.Log = rawJSON(log)
	r.CreatedAt = fromMS(created)
	return r, nil
}
