package store

import (
	"context"
	"fmt"
)

const maxNameLen = 200

// CreateTenant adds a tenant.
func (q *queries) CreateTenant(ctx context.Context, name string) (Tenant, error) {
	if name == "" || len(name) > maxNameLen {
		return Tenant{}, invalid("create tenant", fmt.Sprintf("name must be 1 to %d bytes", maxNameLen))
	}
	now := q.now()
	t := Tenant{ID: newID("ten", now), Name: name, CreatedAt: fromMS(ms(now))}
	_, err := q.w.ExecContext(ctx, `INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)`, t.ID, t.Name, ms(now))
	if err != nil {
		return Tenant{}, mapErr(fmt.Sprintf("create tenant[%s]", t.ID), err, fkMissing)
	}
	return t, nil
}

// Tenant returns a tenant by id.
func (q *queries) Tenant(ctx context.Context, id string) (Tenant, error) {
	t, err := scanTenant(q.r.QueryRowContext(ctx, `SELECT id, name, created_at FROM tenants WHERE id = ?`, id))
	return t, mapErr(fmt.Sprintf("tenant[%s]", id), err, fkMissing)
}

// ListTenants returns a page of tenants in creation order.
func (q *queries) ListTenants(ctx context.Context, p Page) ([]Tenant, string, error) {
	n := p.limit()
	rows, err := q.r.QueryContext(ctx, `SELECT id, name, created_at FROM tenants WHERE id > ? ORDER BY id LIMIT ?`, p.After, n+1)
	if err != nil {
		return nil, "", mapErr("list tenants", err, fkMissing)
	}
	ts, err := collect(rows, scanTenant)
	if err != nil {
		return nil, "", mapErr("list tenants", err, fkMissing)
	}
	ts, next := nextCursor(ts, n, func(t Tenant) string { return t.ID })
	return ts, next, nil
}

// RenameTenant changes a tenant's name.
func (q *queries) RenameTenant(ctx context.Context, id, name string) error {
	if name == "" || len(name) > maxNameLen {
		return invalid(fmt.Sprintf("rename tenant[%s]", id), fmt.Sprintf("name must be 1 to %d bytes", maxNameLen))
	}
	res, err := q.w.ExecContext(ctx, `UPDATE tenants SET name = ? WHERE id = ?`, name, id)
	return affectedOne(fmt.Sprintf("rename tenant[%s]", id), res, err, fkMissing)
}

// DeleteTenant deletes a tenant and, by cascade, everything it owns: API
// keys, installations with their settings, kv and credentials, bookings,
// payments, call records, webhooks and its audit entries.
func (q *queries) DeleteTenant(ctx context.Context, id string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM tenants WHERE id = ?`, id)
	return affectedOne(fmt.Sprintf("delete tenant[%s]", id), res, err, fkInUse)
}

func scanTenant(s scanner) (Tenant, error) {
	var t Tenant
	var created int64
	if err := s.Scan(&t.ID, &t.Name, &created); err != nil {
		return Tenant{}, err
	}
	t.CreatedAt = fromMS(created)
	return t, nil
}
