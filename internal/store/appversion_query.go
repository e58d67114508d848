package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// Size caps of an app version; the upload API checks tighter limits first.
const (
	MaxWasmSize     = 64 << 20
	MaxManifestSize = 1 << 20
)

const appVersionColumns = `id, app_id, version, sha256, manifest, size, created_at`

func validateVersion(op string, manifest json.RawMessage, wasm []byte) error {
	if len(wasm) == 0 || len(wasm) > MaxWasmSize {
		return invalid(op, fmt.Sprintf("wasm must be 1 to %d bytes", MaxWasmSize))
	}
	if len(manifest) > MaxManifestSize || !json.Valid(manifest) {
		return invalid(op, fmt.Sprintf("manifest must be valid JSON of at most %d bytes", MaxManifestSize))
	}
	return nil
}

// AddAppVersion stores wasm as the next version of an app and makes it
// current. ErrConflict if the app already has this exact wasm (by SHA-256).
func (q *queries) AddAppVersion(ctx context.Context, appID string, manifest json.RawMessage, wasm []byte) (AppVersion, error) {
	op := fmt.Sprintf("add version app[%s]", appID)
	if err := validateVersion(op, manifest, wasm); err != nil {
		return AppVersion{}, err
	}
	var v AppVersion
	err := q.inTx(ctx, func(q *queries) error {
		var err error
		v, err = q.insertVersion(ctx, op, appID, manifest, wasm)
		return err
	})
	return v, err
}

// insertVersion inserts the next version and makes it current; it must run
// in a transaction.
func (q *queries) insertVersion(ctx context.Context, op, appID string, manifest json.RawMessage, wasm []byte) (AppVersion, error) {
	sum := sha256.Sum256(wasm)
	now := q.now()
	v := AppVersion{ID: newID("ver", now), AppID: appID, SHA256: hex.EncodeToString(sum[:]), Manifest: manifest,
		Size: int64(len(wasm)), CreatedAt: fromMS(ms(now))}
	err := q.w.QueryRowContext(ctx, `INSERT INTO app_versions (id, app_id, version, sha256, manifest, wasm, size, created_at)
		SELECT ?, ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, ? FROM app_versions WHERE app_id = ?
		RETURNING version`, v.ID, appID, v.SHA256, string(manifest), wasm, v.Size, ms(now), appID).Scan(&v.Version)
	if err != nil {
		return AppVersion{}, mapErr(op, err, fkMissing)
	}
	if err := q.setCurrent(ctx, op, appID, v.ID); err != nil {
		return AppVersion{}, err
	}
	return v, nil
}

// PublishAppVersion creates or updates the app named by p.Slug and adds
// p.Wasm as its current version, in one transaction. Publishing wasm the app
// already has is not an error: that version becomes current again and
// Created is false, so registering first-party apps at every start is safe.
func (q *queries) PublishAppVersion(ctx context.Context, p PublishApp) (Published, error) {
	op := fmt.Sprintf("publish app slug[%s]", p.Slug)
	if err := validateApp(op, p.Slug, p.Name, p.Category); err != nil {
		return Published{}, err
	}
	if err := validateVersion(op, p.Manifest, p.Wasm); err != nil {
		return Published{}, err
	}
	var out Published
	err := q.inTx(ctx, func(q *queries) error {
		app, err := q.AppBySlug(ctx, p.Slug)
		switch {
		case errors.Is(err, ErrNotFound):
			app, err = q.CreateApp(ctx, NewApp{Slug: p.Slug, Name: p.Name, Category: p.Category, Enabled: p.Enabled, FirstParty: p.FirstParty})
		case err == nil:
			app, err = q.UpdateApp(ctx, app.ID, AppUpdate{Name: &p.Name, Category: &p.Category})
		}
		if err != nil {
			return err
		}
		sum := sha256.Sum256(p.Wasm)
		existing, err := scanAppVersion(q.r.QueryRowContext(ctx, `SELECT `+appVersionColumns+` FROM app_versions WHERE app_id = ? AND sha256 = ?`,
			app.ID, hex.EncodeToString(sum[:])))
		switch {
		case err == nil:
			out.Version = existing
			if err := q.setCurrent(ctx, op, app.ID, existing.ID); err != nil {
				return err
			}
		case errors.Is(err, sql.ErrNoRows):
			if out.Version, err = q.insertVersion(ctx, op, app.ID, p.Manifest, p.Wasm); err != nil {
				return err
			}
			out.Created = true
		default:
			return mapErr(op, err, fkMissing)
		}
		out.App, err = q.App(ctx, app.ID)
		return err
	})
	return out, err
}

// SetCurrentAppVersion makes one of an app's versions current (a rollback).
func (q *queries) SetCurrentAppVersion(ctx context.Context, appID, versionID string) error {
	return q.setCurrent(ctx, fmt.Sprintf("set current version[%s] app[%s]", versionID, appID), appID, versionID)
}

func (q *queries) setCurrent(ctx context.Context, op, appID, versionID string) error {
	res, err := q.w.ExecContext(ctx, `UPDATE apps SET current_version_id = ?, updated_at = ? WHERE id = ?
		AND EXISTS (SELECT 1 FROM app_versions WHERE app_id = ? AND id = ?)`, versionID, ms(q.now()), appID, appID, versionID)
	return affectedOne(op, res, err, fkMissing)
}

// AppVersion returns a version's metadata and manifest, without the wasm.
func (q *queries) AppVersion(ctx context.Context, id string) (AppVersion, error) {
	v, err := scanAppVersion(q.r.QueryRowContext(ctx, `SELECT `+appVersionColumns+` FROM app_versions WHERE id = ?`, id))
	return v, mapErr(fmt.Sprintf("app version[%s]", id), err, fkMissing)
}

// AppVersionWasm returns a version's wasm bytes.
func (q *queries) AppVersionWasm(ctx context.Context, id string) ([]byte, error) {
	var wasm []byte
	err := q.r.QueryRowContext(ctx, `SELECT wasm FROM app_versions WHERE id = ?`, id).Scan(&wasm)
	return wasm, mapErr(fmt.Sprintf("app version[%s] wasm", id), err, fkMissing)
}

// ListAppVersions returns an app's versions, newest first (without wasm).
func (q *queries) ListAppVersions(ctx context.Context, appID string, p Page) ([]AppVersion, string, error) {
	op := fmt.Sprintf("list versions app[%s]", appID)
	after, err := p.afterInt(op)
	if err != nil {
		return nil, "", err
	}
	n := p.limit()
	rows, err := q.r.QueryContext(ctx, `SELECT `+appVersionColumns+` FROM app_versions WHERE app_id = ? AND version < ?
		ORDER BY version DESC LIMIT ?`, appID, after, n+1)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	vs, err := collect(rows, scanAppVersion)
	if err != nil {
		return nil, "", mapErr(op, err, fkMissing)
	}
	vs, next := nextCursor(vs, n, func(v AppVersion) string { return fmt.Sprint(v.Version) })
	return vs, next, nil
}

// DeleteAppVersion deletes a version; ErrConflict while an installation is
// pinned to it. Deleting the current version leaves the app without one.
func (q *queries) DeleteAppVersion(ctx context.Context, id string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM app_versions WHERE id = ?`, id)
	return affectedOne(fmt.Sprintf("delete app version[%s]", id), res, err, fkInUse)
}

func scanAppVersion(s scanner) (AppVersion, error) {
	var v AppVersion
	var manifest string
	var created int64
	if err := s.Scan(&v.ID, &v.AppID, &v.Version, &v.SHA256, &manifest, &v.Size, &created); err != nil {
		return AppVersion{}, err
	}
	v.Manifest = json.RawMessage(manifest)
	v.CreatedAt = fromMS(created)
	return v, nil
}
