package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// MaxDeliveryPayload caps a stored delivery body.
const MaxDeliveryPayload = 1 << 20

const deliveryColumns = `id, tenant_id, webhook_id, trigger_event, payload, status, attempts, response_status, error, created_at, delivered_at`

// CreateWebhookDelivery records a payload to deliver to a tenant's webhook,
// status pending. ErrNotFound if the webhook is not the tenant's.
func (q *queries) CreateWebhookDelivery(ctx context.Context, tenantID, webhookID, trigger string, payload []byte) (WebhookDelivery, error) {
	op := fmt.Sprintf("create delivery webhook[%s] tenant[%s]", webhookID, tenantID)
	if trigger == "" || len(trigger) > maxTriggerLen {
		return WebhookDelivery{}, invalid(op, fmt.Sprintf("trigger must be 1 to %d bytes", maxTriggerLen))
	}
	if len(payload) > MaxDeliveryPayload {
		return WebhookDelivery{}, invalid(op, fmt.Sprintf("payload larger than %d bytes", MaxDeliveryPayload))
	}
	if payload == nil {
		payload = []byte{}
	}
	now := q.now()
	d, err := scanDelivery(q.w.QueryRowContext(ctx, `INSERT INTO webhook_deliveries
		(id, tenant_id, webhook_id, trigger_event, payload, status, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)
		RETURNING `+deliveryColumns, newID("msg", now), tenantID, webhookID, trigger, payload, ms(now)))
	return d, mapErr(op, err, fkMissing)
}

// WebhookDelivery returns one of a tenant's deliveries.
func (q *queries) WebhookDelivery(ctx context.Context, tenantID, id string) (WebhookDelivery, error) {
	d, err := scanDelivery(q.r.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE tenant_id = ? AND id = ?`,
		tenantID, id))
	return d, mapErr(fmt.Sprintf("delivery[%s] tenant[%s]", id, tenantID), err, fkMissing)
}

// ListWebhookDeliveries returns a page of a webhook's delivery log, newest
// first.
func (q *queries) ListWebhookDeliveries(ctx context.Context, tenantID, webhookID string, p Page) ([]WebhookDelivery, string, error) {
	op := fmt.Sprintf("list deliveries webhook[%s] tenant[%s]", webhookID, tenantID)
	n := p.limit()
	after := p.After
	if after == "" {
		after = "\U0010FFFF" // above every id
	}
	rows, err := q.r.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE tenant_id = ? AND webhook_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, tenantID, webhookID, after, n+1)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	ds, err := collect(rows, scanDelivery)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	ds, next := nextCursor(ds, n, func(d WebhookDelivery) string { return d.ID })
	return ds, next, nil
}

// UpdateWebhookDelivery records the outcome of a delivery attempt.
func (q *queries) UpdateWebhookDelivery(ctx context.Context, tenantID, id string, u DeliveryUpdate) (WebhookDelivery, error) {
	op := fmt.Sprintf("update delivery[%s] tenant[%s]", id, tenantID)
	if !deliveryStatuses[u.Status] {
		return WebhookDelivery{}, invalid(op, fmt.Sprintf("unknown status %q", u.Status))
	}
	if u.Attempts < 0 {
		return WebhookDelivery{}, invalid(op, "negative attempts")
	}
	d, err := scanDelivery(q.w.QueryRowContext(ctx, `UPDATE webhook_deliveries SET
		status = ?, attempts = ?, response_status = ?, error = ?, delivered_at = COALESCE(?, delivered_at)
		WHERE tenant_id = ? AND id = ? RETURNING `+deliveryColumns,
		u.Status, u.Attempts, u.ResponseStatus, truncate(u.Error, 4096), nullMS(u.DeliveredAt), tenantID, id))
	return d, mapErr(op, err, fkMissing)
}

// PruneWebhookDeliveries deletes deliveries created before olderThan and
// returns how many.
func (q *queries) PruneWebhookDeliveries(ctx context.Context, olderThan time.Time) (int64, error) {
	return q.pruneBatches(ctx, "prune webhook deliveries",
		`DELETE FROM webhook_deliveries WHERE rowid IN (SELECT rowid FROM webhook_deliveries WHERE created_at < ? LIMIT ?)`, ms(olderThan))
}

func scanDelivery(s scanner) (WebhookDelivery, error) {
	var d WebhookDelivery
	var created int64
	var delivered sql.NullInt64
	if err := s.Scan(&d.ID, &d.TenantID, &d.WebhookID, &d.Trigger, &d.Payload, &d.Status, &d.Attempts, &d.ResponseStatus,
		&d.Error, &created, &delivered); err != nil {
		return WebhookDelivery{}, err
	}
	d.CreatedAt, d.DeliveredAt = fromMS(created), fromNullMS(delivered)
	return d, nil
}
