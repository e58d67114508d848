package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
)

// slugPattern is what an app slug may look like (Cal.com's dirName style).
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

const appColumns = `id, slug, name, category, enabled, first_party, current_version_id, created_at, updated_at`

func validateApp(op, slug, name, category string) error {
	if !slugPattern.MatchString(slug) {
		return invalid(op, "slug must be 1 to 64 of a-z 0-9 _ - starting with a letter or digit")
	}
	if name == "" || len(name) > maxNameLen {
		return invalid(op, fmt.Sprintf("name must be 1 to %d bytes", maxNameLen))
	}
	if category == "" || len(category) > 64 {
		return invalid(op, "category must be 1 to 64 bytes")
	}
	return nil
}

// CreateApp adds an app without versions; ErrConflict if the slug is taken.
func (q *queries) CreateApp(ctx context.Context, a NewApp) (App, error) {
	op := fmt.Sprintf("create app slug[%s]", a.Slug)
	if err := validateApp(op, a.Slug, a.Name, a.Category); err != nil {
		return App{}, err
	}
	now := q.now()
	id := newID("app", now)
	_, err := q.w.ExecContext(ctx, `INSERT INTO apps (id, slug, name, category, enabled, first_party, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, a.Slug, a.Name, a.Category, b2i(a.Enabled), b2i(a.FirstParty), ms(now), ms(now))
	if err != nil {
		return App{}, mapErr(op, err, fkMissing)
	}
	return App{ID: id, Slug: a.Slug, Name: a.Name, Category: a.Category, Enabled: a.Enabled, FirstParty: a.FirstParty,
		CreatedAt: fromMS(ms(now)), UpdatedAt: fromMS(ms(now))}, nil
}

// App returns an app by id.
func (q *queries) App(ctx context.Context, id string) (App, error) {
	a, err := scanApp(q.r.QueryRowContext(ctx, `SELECT `+appColumns+` FROM apps WHERE id = ?`, id))
	return a, mapErr(fmt.Sprintf("app[%s]", id), err, fkMissing)
}

// AppBySlug returns an app by slug.
func (q *queries) AppBySlug(ctx context.Context, slug string) (App, error) {
	a, err := scanApp(q.r.QueryRowContext(ctx, `SELECT `+appColumns+` FROM apps WHERE slug = ?`, slug))
	return a, mapErr(fmt.Sprintf("app slug[%s]", slug), err, fkMissing)
}

// ListApps returns a page of apps in creation order; enabledOnly hides
// disabled ones.
func (q *queries) ListApps(ctx context.Context, enabledOnly bool, p Page) ([]App, string, error) {
	n := p.limit()
	rows, err := q.r.QueryContext(ctx, `SELECT `+appColumns+` FROM apps WHERE id > ? AND (enabled = 1 OR ? = 0) ORDER BY id LIMIT ?`,
		p.After, b2i(enabledOnly), n+1)
	if err != nil {
		return nil, "", mapErr("list apps", err, fkMissing)
	}
	as, err := collect(rows, scanApp)
	if err != nil {
		return nil, "", mapErr("list apps", err, fkMissing)
	}
	as, next := nextCursor(as, n, func(a App) string { return a.ID })
	return as, next, nil
}

// UpdateApp changes an app's name, category or enabled flag and returns it.
func (q *queries) UpdateApp(ctx context.Context, id string, u AppUpdate) (App, error) {
	op := fmt.Sprintf("update app[%s]", id)
	if u.Name != nil && (*u.Name == "" || len(*u.Name) > maxNameLen) {
		return App{}, invalid(op, fmt.Sprintf("name must be 1 to %d bytes", maxNameLen))
	}
	if u.Category != nil && (*u.Category == "" || len(*u.Category) > 64) {
		return App{}, invalid(op, "category must be 1 to 64 bytes")
	}
	var enabled *int64
	if u.Enabled != nil {
		v := b2i(*u.Enabled)
		enabled = &v
	}
	a, err := scanApp(q.w.QueryRowContext(ctx, `UPDATE apps SET
		name = COALESCE(?, name), category = COALESCE(?, category), enabled = COALESCE(?, enabled), updated_at = ?
		WHERE id = ? RETURNING `+appColumns, u.Name, u.Category, enabled, ms(q.now()), id))
	return a, mapErr(op, err, fkMissing)
}

// SetAppEnabled enables or disables an app.
func (q *queries) SetAppEnabled(ctx context.Context, id string, enabled bool) error {
	_, err := q.UpdateApp(ctx, id, AppUpdate{Enabled: &enabled})
	return err
}

// DeleteApp deletes an app and its versions; ErrConflict while any
// installation uses it.
func (q *queries) DeleteApp(ctx context.Context, id string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM apps WHERE id = ?`, id)
	return affectedOne(fmt.Sprintf("delete app[%s]", id), res, err, fkInUse)
}

func scanApp(s scanner) (App, error) {
	var a App
	var enabled, firstParty, created, updated int64
	var cur sql.NullString
	if err := s.Scan(&a.ID, &a.Slug, &a.Name, &a.Category, &enabled, &firstParty, &cur, &created, &updated); err != nil {
		return App{}, err
	}
	a.Enabled, a.FirstParty = enabled == 1, firstParty == 1
	a.CurrentVersionID = cur.String
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return a, nil
}
