package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// MaxAuditDetailSize caps an audit entry's detail JSON.
const MaxAuditDetailSize = 16 << 10

const auditColumns = `id, at, tenant_id, actor, action, installation_id, detail`

// AppendAudit adds an audit entry and returns its id; At zero means now.
func (q *queries) AppendAudit(ctx context.Context, e AuditEntry) (int64, error) {
	op := fmt.Sprintf("append audit action[%s] tenant[%s]", e.Action, e.TenantID)
	switch {
	case e.Actor == "" || len(e.Actor) > 200:
		return 0, invalid(op, "actor must be 1 to 200 bytes")
	case e.Action == "" || len(e.Action) > 200:
		return 0, invalid(op, "action must be 1 to 200 bytes")
	case len(e.Detail) > MaxAuditDetailSize || (len(e.Detail) > 0 && !json.Valid(e.Detail)):
		return 0, invalid(op, fmt.Sprintf("detail must be valid JSON of at most %d bytes", MaxAuditDetailSize))
	}
	at := e.At
	if at.IsZero() {
		at = q.now()
	}
	res, err := q.w.ExecContext(ctx, `INSERT INTO audit_log (at, tenant_id, actor, action, installation_id, detail)
		VALUES (?, ?, ?, ?, ?, ?)`, ms(at), nullStr(e.TenantID), e.Actor, e.Action, e.InstallationID, nullJSON(e.Detail))
	if err != nil {
		return 0, mapErr(op, err, fkMissing)
	}
	id, err := res.LastInsertId()
	return id, mapErr(op, err, fkMissing)
}

// ListAudit returns a page of a tenant's audit entries, newest first.
func (q *queries) ListAudit(ctx context.Context, tenantID string, p Page) ([]AuditEntry, string, error) {
	return q.listAudit(ctx, fmt.Sprintf("list audit tenant[%s]", tenantID), tenantID, false, p)
}

// AdminListAudit returns a page of every audit entry, newest first.
func (q *queries) AdminListAudit(ctx context.Context, p Page) ([]AuditEntry, string, error) {
	return q.listAudit(ctx, "admin list audit", "", true, p)
}

func (q *queries) listAudit(ctx context.Context, op, tenantID string, all bool, p Page) ([]AuditEntry, string, error) {
	after, err := p.afterInt(op)
	if err != nil {
		return nil, "", err
	}
	n := p.limit()
	var rows *sql.Rows
	if all {
		rows, err = q.r.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`, after, n+1)
	} else {
		rows, err = q.r.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE tenant_id = ? AND id < ?
			ORDER BY id DESC LIMIT ?`, tenantID, after, n+1)
	}
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	es, err := collect(rows, scanAudit)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	es, next := nextCursor(es, n, func(e AuditEntry) string { return strconv.FormatInt(e.ID, 10) })
	return es, next, nil
}

// PruneAudit deletes audit entries older than olderThan and returns how many.
func (q *queries) PruneAudit(ctx context.Context, olderThan time.Time) (int64, error) {
	return q.pruneBatches(ctx, "prune audit",
		`DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? LIMIT ?)`, ms(olderThan))
}

func scanAudit(s scanner) (AuditEntry, error) {
	var e AuditEntry
	var at int64
	var tenant, detail sql.NullString
	if err := s.Scan(&e.ID, &at, &tenant, &e.Actor, &e.Action, &e.InstallationID, &detail); err != nil {
		return AuditEntry{}, err
	}
	e.At = fromMS(at)
	e.TenantID = tenant.String
	e.Detail = rawJSON(detail)
	return e, nil
}
