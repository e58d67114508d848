package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// MaxAppDataSize caps the appData JSON of one event-type setting.
const MaxAppDataSize = 64 << 10

// maxSettingsPerEventType bounds the unpaged lists of an event type's settings.
const maxSettingsPerEventType = 1000

const settingReturning = `tenant_id, event_type_id, installation_id, enabled, app_data, updated_at`

var settingColumns = qualify("s", settingReturning)

// PutEventTypeSetting creates or replaces the setting of one installation for
// one event type. ErrNotFound if the installation is not the tenant's.
func (q *queries) PutEventTypeSetting(ctx context.Context, tenantID string, s EventTypeSetting) (EventTypeSetting, error) {
	op := fmt.Sprintf("put setting event type[%s] installation[%s] tenant[%s]", s.EventTypeID, s.InstallationID, tenantID)
	if s.EventTypeID == "" || len(s.EventTypeID) > 200 {
		return EventTypeSetting{}, invalid(op, "event type id must be 1 to 200 bytes")
	}
	if len(s.AppData) > MaxAppDataSize || (len(s.AppData) > 0 && !json.Valid(s.AppData)) {
		return EventTypeSetting{}, invalid(op, fmt.Sprintf("appData must be valid JSON of at most %d bytes", MaxAppDataSize))
	}
	out, err := scanSetting(q.w.QueryRowContext(ctx, `INSERT INTO event_type_settings
		(tenant_id, event_type_id, installation_id, enabled, app_data, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, event_type_id, installation_id) DO UPDATE SET
		enabled = excluded.enabled, app_data = excluded.app_data, updated_at = excluded.updated_at
		RETURNING `+settingReturning,
		tenantID, s.EventTypeID, s.InstallationID, b2i(s.Enabled), jsonText(s.AppData, "{}"), ms(q.now())))
	return out, mapErr(op, err, fkMissing)
}

// EventTypeSetting returns one installation's setting for an event type.
func (q *queries) EventTypeSetting(ctx context.Context, tenantID, eventTypeID, installationID string) (EventTypeSetting, error) {
	s, err := scanSetting(q.r.QueryRowContext(ctx, `SELECT `+settingColumns+` FROM event_type_settings s
		WHERE s.tenant_id = ? AND s.event_type_id = ? AND s.installation_id = ?`, tenantID, eventTypeID, installationID))
	return s, mapErr(fmt.Sprintf("setting event type[%s] installation[%s] tenant[%s]", eventTypeID, installationID, tenantID), err, fkMissing)
}

// ListEventTypeSettings returns every setting of an event type, enabled or
// not, in installation order.
func (q *queries) ListEventTypeSettings(ctx context.Context, tenantID, eventTypeID string) ([]EventTypeSetting, error) {
	op := fmt.Sprintf("list settings event type[%s] tenant[%s]", eventTypeID, tenantID)
	rows, err := q.r.QueryContext(ctx, `SELECT `+settingColumns+` FROM event_type_settings s
		WHERE s.tenant_id = ? AND s.event_type_id = ? ORDER BY s.installation_id LIMIT ?`, tenantID, eventTypeID, maxSettingsPerEventType)
	if err != nil {
		return nil, mapErr(op, err, fkMissing)
	}
	ss, err := collect(rows, scanSetting)
	return ss, mapErr(op, err, fkMissing)
}

// EventTypeApps returns the enabled settings of an event type with their
// installations and apps, in installation order: the apps a booking of that
// type drives. Disabled apps and invalid installations are included, for
// the caller to report rather than skip silently.
func (q *queries) EventTypeApps(ctx context.Context, tenantID, eventTypeID string) ([]EventTypeApp, error) {
	op := fmt.Sprintf("event type apps[%s] tenant[%s]", eventTypeID, tenantID)
	rows, err := q.r.QueryContext(ctx, `SELECT `+settingColumns+`, `+installationColumns+`, a.slug, a.category, a.enabled
		FROM event_type_settings s
		JOIN installations i ON i.tenant_id = s.tenant_id AND i.id = s.installation_id
		JOIN apps a ON a.id = i.app_id
		WHERE s.tenant_id = ? AND s.event_type_id = ? AND s.enabled = 1
		ORDER BY s.installation_id LIMIT ?`, tenantID, eventTypeID, maxSettingsPerEventType)
	if err != nil {
		return nil, mapErr(op, err, fkMissing)
	}
	out, err := collect(rows, func(sc scanner) (EventTypeApp, error) {
		var e EventTypeApp
		var set settingRow
		var in installationRow
		var enabled int64
		dest := append(set.dest(&e.Setting), in.dest(&e.Installation)...)
		if err := sc.Scan(append(dest, &e.AppSlug, &e.AppCategory, &enabled)...); err != nil {
			return EventTypeApp{}, err
		}
		set.finish(&e.Setting)
		in.finish(&e.Installation)
		e.AppEnabled = enabled == 1
		return e, nil
	})
	return out, mapErr(op, err, fkMissing)
}

// DeleteEventTypeSetting removes one installation's setting for an event type.
func (q *queries) DeleteEventTypeSetting(ctx context.Context, tenantID, eventTypeID, installationID string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM event_type_settings WHERE tenant_id = ? AND event_type_id = ? AND installation_id = ?`,
		tenantID, eventTypeID, installationID)
	return affectedOne(fmt.Sprintf("delete setting event type[%s] installation[%s] tenant[%s]", eventTypeID, installationID, tenantID),
		res, err, fkInUse)
}

// settingRow holds the raw columns of a setting while scanning.
type settingRow struct {
	enabled, updated int64
	appData          string
}

func (r *settingRow) dest(s *EventTypeSetting) []any {
	return []any{&s.TenantID, &s.EventTypeID, &s.InstallationID, &r.enabled, &r.appData, &r.updated}
}

func (r *settingRow) finish(s *EventTypeSetting) {
	s.Enabled = r.enabled == 1
	s.AppData = json.RawMessage(r.appData)
	s.UpdatedAt = fromMS(r.updated)
}

func scanSetting(sc scanner) (EventTypeSetting, error) {
	var s EventTypeSetting
	var r settingRow
	if err := sc.Scan(r.dest(&s)...); err != nil {
		return EventTypeSetting{}, err
	}
	r.finish(&s)
	return s, nil
}
