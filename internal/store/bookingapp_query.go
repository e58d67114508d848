package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// InstallationApp is InstallationForCall without the version's size and
// creation time: it reads only columns stored before the module's bytes,
// so SQLite never walks the module's overflow pages (megabytes for a Go
// guest). The booking flow reads an installation's app and manifest on
// every step.
func (q *queries) InstallationApp(ctx context.Context, tenantID, id string) (CallTarget, error) {
	op := fmt.Sprintf("installation app[%s] tenant[%s]", id, tenantID)
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
