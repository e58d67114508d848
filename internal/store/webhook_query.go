package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// Webhook caps.
const (
	MaxWebhookURLLen  = 2048
	MaxWebhookSecret  = 4 << 10
	maxTriggers       = 64
	maxTriggerLen     = 100
	maxWebhooksPerHit = 1000
)

const webhookColumns = `id, tenant_id, subscriber_url, secret, key_id, event_triggers, active, created_at, updated_at`

func validateTriggers(op string, ts []string) (string, error) {
	if len(ts) == 0 || len(ts) > maxTriggers {
		return "", invalid(op, fmt.Sprintf("want 1 to %d event triggers", maxTriggers))
	}
	for _, t := range ts {
		if t == "" || len(t) > maxTriggerLen {
			return "", invalid(op, fmt.Sprintf("event trigger must be 1 to %d bytes", maxTriggerLen))
		}
	}
	b, err := json.Marshal(ts)
	return string(b), err
}

// CreateWebhook adds a tenant's webhook. The caller has already checked the
// URL against the outbound network policy.
func (q *queries) CreateWebhook(ctx context.Context, tenantID string, n NewWebhook) (Webhook, error) {
	op := fmt.Sprintf("create webhook tenant[%s]", tenantID)
	if n.SubscriberURL == "" || len(n.SubscriberURL) > MaxWebhookURLLen {
		return Webhook{}, invalid(op, fmt.Sprintf("subscriber url must be 1 to %d bytes", MaxWebhookURLLen))
	}
	if len(n.Secret) > MaxWebhookSecret {
		return Webhook{}, invalid(op, fmt.Sprintf("secret larger than %d bytes", MaxWebhookSecret))
	}
	triggers, err := validateTriggers(op, n.Triggers)
	if err != nil {
		return Webhook{}, err
	}
	now := q.now()
	w, err := scanWebhook(q.w.QueryRowContext(ctx, `INSERT INTO webhooks
		(id, tenant_id, subscriber_url, secret, key_id, event_triggers, active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+webhookColumns,
		newID("whk", now), tenantID, n.SubscriberURL, n.Secret, n.KeyID, triggers, b2i(n.Active), ms(now), ms(now)))
	return w, mapErr(op, err, fkMissing)
}

// Webhook returns a tenant's webhook.
func (q *queries) Webhook(ctx context.Context, tenantID, id string) (Webhook, error) {
	w, err := scanWebhook(q.r.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE tenant_id = ? AND id = ?`, tenantID, id))
	return w, mapErr(fmt.Sprintf("webhook[%s] tenant[%s]", id, tenantID), err, fkMissing)
}

// ListWebhooks returns a page of a tenant's webhooks in creation order.
func (q *queries) ListWebhooks(ctx context.Context, tenantID string, p Page) ([]Webhook, string, error) {
	op := fmt.Sprintf("list webhooks tenant[%s]", tenantID)
	n := p.limit()
	rows, err := q.r.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?`,
		tenantID, p.After, n+1)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	ws, err := collect(rows, scanWebhook)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	ws, next := nextCursor(ws, n, func(w Webhook) string { return w.ID })
	return ws, next, nil
}

// WebhooksForTrigger returns a tenant's active webhooks subscribed to
// trigger, secrets included, for delivery.
func (q *queries) WebhooksForTrigger(ctx context.Context, tenantID, trigger string) ([]Webhook, error) {
	op := fmt.Sprintf("webhooks for trigger[%s] tenant[%s]", trigger, tenantID)
	rows, err := q.r.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks
		WHERE tenant_id = ? AND active = 1 AND EXISTS (SELECT 1 FROM json_each(event_triggers) WHERE value = ?)
		ORDER BY id LIMIT ?`, tenantID, trigger, maxWebhooksPerHit)
	if err != nil {
		return nil, mapErr(op, err, fkMissing)
	}
	ws, err := collect(rows, scanWebhook)
	return ws, mapErr(op, err, fkMissing)
}

// UpdateWebhook changes a tenant's webhook and returns it.
func (q *queries) UpdateWebhook(ctx context.Context, tenantID, id string, u WebhookUpdate) (Webhook, error) {
	op := fmt.Sprintf("update webhook[%s] tenant[%s]", id, tenantID)
	if u.SubscriberURL != nil && (*u.SubscriberURL == "" || len(*u.SubscriberURL) > MaxWebhookURLLen) {
		return Webhook{}, invalid(op, fmt.Sprintf("subscriber url must be 1 to %d bytes", MaxWebhookURLLen))
	}
	var triggers, active, secret any
	if u.Triggers != nil {
		t, err := validateTriggers(op, *u.Triggers)
		if err != nil {
			return Webhook{}, err
		}
		triggers = t
	}
	if u.Active != nil {
		active = b2i(*u.Active)
	}
	if u.Secret != nil {
		if len(*u.Secret) > MaxWebhookSecret {
			return Webhook{}, invalid(op, fmt.Sprintf("secret larger than %d bytes", MaxWebhookSecret))
		}
		secret = *u.Secret
	}
	w, err := scanWebhook(q.w.QueryRowContext(ctx, `UPDATE webhooks SET
		subscriber_url = COALESCE(?, subscriber_url), event_triggers = COALESCE(?, event_triggers),
		active = COALESCE(?, active), secret = CASE WHEN ? = 1 THEN ? ELSE secret END,
		key_id = COALESCE(?, key_id), updated_at = ?
		WHERE tenant_id = ? AND id = ? RETURNING `+webhookColumns,
		u.SubscriberURL, triggers, active, b2i(u.Secret != nil), secret, u.KeyID, ms(q.now()), tenantID, id))
	return w, mapErr(op, err, fkMissing)
}

// DeleteWebhook deletes a tenant's webhook and its delivery log.
func (q *queries) DeleteWebhook(ctx context.Context, tenantID, id string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM webhooks WHERE tenant_id = ? AND id = ?`, tenantID, id)
	return affectedOne(fmt.Sprintf("delete webhook[%s] tenant[%s]", id, tenantID), res, err, fkInUse)
}

func scanWebhook(s scanner) (Webhook, error) {
	var w Webhook
	var triggers string
	var active, created, updated int64
	var secret []byte
	if err := s.Scan(&w.ID, &w.TenantID, &w.SubscriberURL, &secret, &w.KeyID, &triggers, &active, &created, &updated); err != nil {
		return Webhook{}, err
	}
	if err := json.Unmarshal([]byte(triggers), &w.Triggers); err != nil {
		return Webhook{}, fmt.Errorf("webhook[%s] event triggers: %w", w.ID, err)
	}
	w.Secret, w.HasSecret = secret, secret != nil
	w.Active = active == 1
	w.CreatedAt, w.UpdatedAt = fromMS(created), fromMS(updated)
	return w, nil
}
