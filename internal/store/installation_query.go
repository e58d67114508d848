package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// MaxCredentialSize caps a sealed credential.
const MaxCredentialSize = 4 << 20

// installationReturning lists the installation columns unqualified, for
// RETURNING clauses; installationColumns qualifies them with the alias i.
const installationReturning = `id, tenant_id, app_id, app_version_id, name, status, status_reason, status_changed_at, key_id,
	created_at, updated_at`

var installationColumns = qualify("i", installationReturning)

// CreateInstallation installs an app for a tenant. ErrNotFound if the tenant,
// app or pinned version does not exist (or the version is of another app).
func (q *queries) CreateInstallation(ctx context.Context, tenantID string, n NewInstallation) (Installation, error) {
	op := fmt.Sprintf("create installation tenant[%s] app[%s]", tenantID, n.AppID)
	if n.Name == "" || len(n.Name) > maxNameLen {
		return Installation{}, invalid(op, fmt.Sprintf("name must be 1 to %d bytes", maxNameLen))
	}
	if len(n.Credential) > MaxCredentialSize {
		return Installation{}, invalid(op, fmt.Sprintf("credential larger than %d bytes", MaxCredentialSize))
	}
	now := q.now()
	in := Installation{ID: newID("ins", now), TenantID: tenantID, AppID: n.AppID, AppVersionID: n.AppVersionID, Name: n.Name,
		Status: StatusValid, KeyID: n.KeyID, CreatedAt: fromMS(ms(now)), UpdatedAt: fromMS(ms(now))}
	_, err := q.w.ExecContext(ctx, `INSERT INTO installations
		(id, tenant_id, app_id, app_version_id, name, status, credential, key_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'valid', ?, ?, ?, ?)`,
		in.ID, tenantID, n.AppID, nullStr(n.AppVersionID), n.Name, n.Credential, n.KeyID, ms(now), ms(now))
	if err != nil {
		return Installation{}, mapErr(op, err, fkMissing)
	}
	return in, nil
}

// Installation returns a tenant's installation.
func (q *queries) Installation(ctx context.Context, tenantID, id string) (Installation, error) {
	in, err := scanInstallation(q.r.QueryRowContext(ctx, `SELECT `+installationColumns+`
		FROM installations i WHERE i.tenant_id = ? AND i.id = ?`, tenantID, id))
	return in, mapErr(fmt.Sprintf("installation[%s] tenant[%s]", id, tenantID), err, fkMissing)
}

// AdminInstallation returns any tenant's installation by id alone. It is for
// routes that carry no tenant, such as a provider's webhook to an
// installation's (unguessable) URL.
func (q *queries) AdminInstallation(ctx context.Context, id string) (Installation, error) {
	in, err := scanInstallation(q.r.QueryRowContext(ctx, `SELECT `+installationColumns+` FROM installations i WHERE i.id = ?`, id))
	return in, mapErr(fmt.Sprintf("installation[%s]", id), err, fkMissing)
}

// ListInstallations returns a page of a tenant's installations in creation
// order.
func (q *queries) ListInstallations(ctx context.Context, tenantID string, f InstallationFilter, p Page) ([]Installation, string, error) {
	return q.listInstallations(ctx, fmt.Sprintf("list installations tenant[%s]", tenantID), tenantID, f, p)
}

// AdminListInstallations returns a page of every tenant's installations.
func (q *queries) AdminListInstallations(ctx context.Context, f InstallationFilter, p Page) ([]Installation, string, error) {
	return q.listInstallations(ctx, "admin list installations", "", f, p)
}

// installationFilters are the optional filters of the installation lists.
const installationFilters = `AND (? = '' OR i.app_id = ?) AND (? = '' OR a.category = ?) AND (? = '' OR i.status = ?)`

// The tenant and admin lists are two query texts rather than one with an
// optional tenant condition: SQLite plans before it sees the arguments, and
// only a plain tenant_id = ? uses the tenant index.
var (
	listInstallationsTenantSQL = `SELECT ` + installationColumns + ` FROM installations i JOIN apps a ON a.id = i.app_id
		WHERE i.tenant_id = ? AND i.id > ? ` + installationFilters + ` ORDER BY i.id LIMIT ?`
	listInstallationsAdminSQL = `SELECT ` + installationColumns + ` FROM installations i JOIN apps a ON a.id = i.app_id
		WHERE i.id > ? ` + installationFilters + ` ORDER BY i.id LIMIT ?`
)

func (q *queries) listInstallations(ctx context.Context, op, tenantID string, f InstallationFilter, p Page) ([]Installation, string, error) {
	n := p.limit()
	args := []any{p.After, f.AppID, f.AppID, f.Category, f.Category, f.Status, f.Status, n + 1}
	query := listInstallationsAdminSQL
	if tenantID != "" {
		query, args = listInstallationsTenantSQL, append([]any{tenantID}, args...)
	}
	rows, err := q.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	ins, err := collect(rows, scanInstallation)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	ins, next := nextCursor(ins, n, func(i Installation) string { return i.ID })
	return ins, next, nil
}

// UpdateInstallation renames an installation or changes its pinned version,
// and returns it.
func (q *queries) UpdateInstallation(ctx context.Context, tenantID, id string, u InstallationUpdate) (Installation, error) {
	op := fmt.Sprintf("update installation[%s] tenant[%s]", id, tenantID)
	if u.Name != nil && (*u.Name == "" || len(*u.Name) > maxNameLen) {
		return Installation{}, invalid(op, fmt.Sprintf("name must be 1 to %d bytes", maxNameLen))
	}
	pin, setPin := sql.NullString{}, int64(0)
	if u.AppVersionID != nil {
		pin, setPin = nullStr(*u.AppVersionID), 1
	}
	in, err := scanInstallation(q.w.QueryRowContext(ctx, `UPDATE installations SET
		name = COALESCE(?, name),
		app_version_id = CASE WHEN ? = 1 THEN ? ELSE app_version_id END,
		updated_at = ?
		WHERE tenant_id = ? AND id = ? RETURNING `+installationReturning,
		u.Name, setPin, pin, ms(q.now()), tenantID, id))
	return in, mapErr(op, err, fkMissing)
}

// SetInstallationCredential replaces an installation's sealed credential.
func (q *queries) SetInstallationCredential(ctx context.Context, tenantID, id string, c SealedCredential) error {
	op := fmt.Sprintf("set credential installation[%s] tenant[%s]", id, tenantID)
	if len(c.Ciphertext) > MaxCredentialSize {
		return invalid(op, fmt.Sprintf("credential larger than %d bytes", MaxCredentialSize))
	}
	res, err := q.w.ExecContext(ctx, `UPDATE installations SET credential = ?, key_id = ?, updated_at = ?
		WHERE tenant_id = ? AND id = ?`, c.Ciphertext, c.KeyID, ms(q.now()), tenantID, id)
	return affectedOne(op, res, err, fkMissing)
}

// InstallationCredential returns an installation's sealed credential
// (Ciphertext nil when none is set).
func (q *queries) InstallationCredential(ctx context.Context, tenantID, id string) (SealedCredential, error) {
	var c SealedCredential
	err := q.r.QueryRowContext(ctx, `SELECT credential, key_id FROM installations WHERE tenant_id = ? AND id = ?`,
		tenantID, id).Scan(&c.Ciphertext, &c.KeyID)
	return c, mapErr(fmt.Sprintf("credential installation[%s] tenant[%s]", id, tenantID), err, fkMissing)
}

// SetInstallationStatus marks an installation valid or invalid with a reason
// for the user (never a secret).
func (q *queries) SetInstallationStatus(ctx context.Context, tenantID, id, status, reason string) error {
	op := fmt.Sprintf("set status installation[%s] tenant[%s]", id, tenantID)
	if status != StatusValid && status != StatusInvalid {
		return invalid(op, "status must be valid or invalid")
	}
	if len(reason) > 1024 {
		return invalid(op, "reason longer than 1024 bytes")
	}
	now := ms(q.now())
	res, err := q.w.ExecContext(ctx, `UPDATE installations SET status = ?, status_reason = ?,
		status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END, updated_at = ?
		WHERE tenant_id = ? AND id = ?`, status, reason, status, now, now, tenantID, id)
	return affectedOne(op, res, err, fkMissing)
}

// DeleteInstallation deletes an installation with its credential, settings,
// kv data, app statuses and call records. Booking references and payments
// keep their rows with the installation cleared.
func (q *queries) DeleteInstallation(ctx context.Context, tenantID, id string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM installations WHERE tenant_id = ? AND id = ?`, tenantID, id)
	return affectedOne(fmt.Sprintf("delete installation[%s] tenant[%s]", id, tenantID), res, err, fkInUse)
}

// InstallationForCall returns, in one query, an installation with its app
// and the version it runs (without the version's size and creation time).
// ErrNotFound also when the app has no version. It reads only columns
// stored before the module's bytes, so SQLite never walks the module's
// overflow pages (megabytes for a Go guest): this runs on every app call.
func (q *queries) InstallationForCall(ctx context.Context, tenantID, id string) (CallTarget, error) {
	op := fmt.Sprintf("installation for call[%s] tenant[%s]", id, tenantID)
	var t CallTarget
	var ir installationRow
	var cur sql.NullString
	var aEnabled, aFirst, aCreated, aUpdated int64
	var manifest string
	dest := append(ir.dest(&t.Installation),
		&t.App.ID, &t.App.Slug, &t.App.Name, &t.App.Category, &aEnabled, &aFirst, &cur, &aCreated, &aUpdated,
		&t.Version.ID, &t.Version.AppID, &t.Version.Version, &t.Version.SHA256, &manifest)
	err := q.r.QueryRowContext(ctx, `SELECT `+installationColumns+`,
		a.id, a.slug, a.name, a.category, a.enabled, a.first_party, a.current_version_id, a.created_at, a.updated_at,
		v.id, v.app_id, v.version, v.sha256, v.manifest
		FROM installations i
		JOIN apps a ON a.id = i.app_id
		JOIN app_versions v ON v.id = COALESCE(i.app_version_id, a.current_version_id)
		WHERE i.tenant_id = ? AND i.id = ?`, tenantID, id).Scan(dest...)
	if err != nil {
		return CallTarget{}, mapErr(op, err, fkMissing)
	}
	ir.finish(&t.Installation)
	t.App.Enabled, t.App.FirstParty, t.App.CurrentVersionID = aEnabled == 1, aFirst == 1, cur.String
	t.App.CreatedAt, t.App.UpdatedAt = fromMS(aCreated), fromMS(aUpdated)
	t.Version.Manifest = json.RawMessage(manifest)
	return t, nil
}

// installationRow holds the raw columns of an installation while scanning.
type installationRow struct {
	pin              sql.NullString
	statusAt         sql.NullInt64
	created, updated int64
}

func (r *installationRow) dest(in *Installation) []any {
	return []any{&in.ID, &in.TenantID, &in.AppID, &r.pin, &in.Name, &in.Status, &in.StatusReason, &r.statusAt, &in.KeyID,
		&r.created, &r.updated}
}

func (r *installationRow) finish(in *Installation) {
	in.AppVersionID = r.pin.String
	in.StatusChangedAt = fromNullMS(r.statusAt)
	in.CreatedAt, in.UpdatedAt = fromMS(r.created), fromMS(r.updated)
}

func scanInstallation(s scanner) (Installation, error) {
	var in Installation
	var r installationRow
	if err := s.Scan(r.dest(&in)...); err != nil {
		return Installation{}, err
	}
	r.finish(&in)
	return in, nil
}
