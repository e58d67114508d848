package store

import (
	"context"
	"fmt"
)

// PutCalcomHook sets the sealed secret of a tenant's Cal.com webhook
// receiver, creating the receiver if needed. ErrNotFound if the tenant does
// not exist.
func (q *queries) PutCalcomHook(ctx context.Context, tenantID string, secret []byte, keyID string) (CalcomHook, error) {
	op := fmt.Sprintf("put calcom hook tenant[%s]", tenantID)
	if len(secret) == 0 || len(secret) > MaxWebhookSecret {
		return CalcomHook{}, invalid(op, fmt.Sprintf("secret must be 1 to %d bytes", MaxWebhookSecret))
	}
	now := ms(q.now())
	h, err := scanCalcomHook(q.w.QueryRowContext(ctx, `INSERT INTO calcom_hooks (tenant_id, secret, key_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET secret = excluded.secret, key_id = excluded.key_id, updated_at = excluded.updated_at
		RETURNING tenant_id, secret, key_id, created_at, updated_at`, tenantID, secret, keyID, now, now))
	return h, mapErr(op, err, fkMissing)
}

// CalcomHook returns a tenant's Cal.com webhook receiver.
func (q *queries) CalcomHook(ctx context.Context, tenantID string) (CalcomHook, error) {
	h, err := scanCalcomHook(q.r.QueryRowContext(ctx, `SELECT tenant_id, secret, key_id, created_at, updated_at
		FROM calcom_hooks WHERE tenant_id = ?`, tenantID))
	return h, mapErr(fmt.Sprintf("calcom hook tenant[%s]", tenantID), err, fkMissing)
}

// DeleteCalcomHook removes a tenant's Cal.com webhook receiver.
func (q *queries) DeleteCalcomHook(ctx context.Context, tenantID string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM calcom_hooks WHERE tenant_id = ?`, tenantID)
	return affectedOne(fmt.Sprintf("delete calcom hook tenant[%s]", tenantID), res, err, fkInUse)
}

func scanCalcomHook(s scanner) (CalcomHook, error) {
	var h CalcomHook
	var created, updated int64
	if err := s.Scan(&h.TenantID, &h.Secret, &h.KeyID, &created, &updated); err != nil {
		return CalcomHook{}, err
	}
	h.CreatedAt, h.UpdatedAt = fromMS(created), fromMS(updated)
	return h, nil
}
