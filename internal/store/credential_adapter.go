package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/slotbox/slotbox/hostfuncs/vault"
)

// CredentialStore is the vault's storage (vault.CredentialStore) on the
// installations table: the sealed credential, its key id and the
// valid/invalid status live on the installation row, and Sealed.App is the
// app's slug. Installations are created by CreateInstallation; Put only
// fills an existing one. The vault is bound to installations by the host, so
// these methods take installation ids alone. Get it from
// Store.CredentialStore.
type CredentialStore struct {
	q *queries
}

var _ vault.CredentialStore = (*CredentialStore)(nil)

// CredentialStore returns the vault.CredentialStore adapter over s.
func (s *Store) CredentialStore() *CredentialStore { return &CredentialStore{q: &s.queries} }

// maxCredentialList caps one List page.
const maxCredentialList = 1000

const sealedColumns = `i.id, a.slug, i.credential, i.status, i.status_reason, i.status_changed_at`

// Get implements vault.CredentialStore. An installation without a stored
// credential is vault.ErrNotFound too.
func (c *CredentialStore) Get(ctx context.Context, installation string) (vault.Sealed, error) {
	rec, err := scanSealed(c.q.r.QueryRowContext(ctx, `SELECT `+sealedColumns+`
		FROM installations i JOIN apps a ON a.id = i.app_id WHERE i.id = ? AND i.credential IS NOT NULL`, installation))
	if errors.Is(err, sql.ErrNoRows) {
		return vault.Sealed{}, fmt.Errorf("store: credential installation[%s]: %w: %w", installation, vault.ErrNotFound, ErrNotFound)
	}
	if err != nil {
		return vault.Sealed{}, fmt.Errorf("store: %w", mapErr(fmt.Sprintf("credential installation[%s]", installation), err, fkMissing))
	}
	return rec, nil
}

// Put implements vault.CredentialStore: it replaces the ciphertext and
// status of the installation rec.Installation of app rec.App (a slug). It
// wraps vault.ErrNotFound when no such installation exists.
func (c *CredentialStore) Put(ctx context.Context, rec vault.Sealed) error {
	op := fmt.Sprintf("put credential installation[%s] app[%s]", rec.Installation, rec.App)
	if len(rec.Ciphertext) == 0 || len(rec.Ciphertext) > MaxCredentialSize {
		return fmt.Errorf("store: %w", invalid(op, fmt.Sprintf("ciphertext must be 1 to %d bytes", MaxCredentialSize)))
	}
	keyID, _ := vault.KeyIDOf(rec.Ciphertext) // "" for a ciphertext of another format: the vault reports that on Get
	status, reason, changed := c.statusArgs(rec.Status)
	res, err := c.q.w.ExecContext(ctx, `UPDATE installations SET credential = ?, key_id = ?,
		status = ?, status_reason = ?,
		status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END,
		updated_at = ?
		WHERE id = ? AND app_id = (SELECT id FROM apps WHERE slug = ?)`,
		rec.Ciphertext, keyID, status, reason, status, changed, ms(c.q.now()), rec.Installation, rec.App)
	return c.affected(op, res, err)
}

// SetStatus implements vault.CredentialStore.
func (c *CredentialStore) SetStatus(ctx context.Context, installation string, st vault.Status) error {
	op := fmt.Sprintf("set credential status installation[%s]", installation)
	status, reason, changed := c.statusArgs(st)
	res, err := c.q.w.ExecContext(ctx, `UPDATE installations SET status = ?, status_reason = ?,
		status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END, updated_at = ?
		WHERE id = ?`, status, reason, status, changed, ms(c.q.now()), installation)
	return c.affected(op, res, err)
}

// List implements vault.CredentialStore: installations that hold a
// credential, by id, at most 1000 per call.
func (c *CredentialStore) List(ctx context.Context, after string, limit int) ([]vault.Sealed, error) {
	if limit <= 0 || limit > maxCredentialList {
		limit = maxCredentialList
	}
	rows, err := c.q.r.QueryContext(ctx, `SELECT `+sealedColumns+`
		FROM installations i JOIN apps a ON a.id = i.app_id
		WHERE i.id > ? AND i.credential IS NOT NULL ORDER BY i.id LIMIT ?`, after, limit)
	op := fmt.Sprintf("list credentials after installation[%s]", after)
	if err != nil {
		return nil, fmt.Errorf("store: %w", mapErr(op, err, fkMissing))
	}
	out, err := collect(rows, scanSealed)
	if err != nil {
		return nil, fmt.Errorf("store: %w", mapErr(op, err, fkMissing))
	}
	return out, nil
}

// Swap implements vault.CredentialStore in one transaction: each row is
// replaced only while it still holds its Old ciphertext.
func (c *CredentialStore) Swap(ctx context.Context, swaps []vault.Swap) (int, error) {
	total := 0
	err := c.q.inTx(ctx, func(q *queries) error {
		now := ms(q.now())
		for _, sw := range swaps {
			op := fmt.Sprintf("swap credential installation[%s]", sw.Installation)
			if len(sw.New) == 0 || len(sw.New) > MaxCredentialSize {
				return invalid(op, fmt.Sprintf("ciphertext must be 1 to %d bytes", MaxCredentialSize))
			}
			keyID, _ := vault.KeyIDOf(sw.New)
			res, err := q.w.ExecContext(ctx, `UPDATE installations SET credential = ?, key_id = ?, updated_at = ?
				WHERE id = ? AND credential = ?`, sw.New, keyID, now, sw.Installation, sw.Old)
			if err != nil {
				return mapErr(op, err, fkMissing)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return mapErr(op, err, fkMissing)
			}
			total += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	return total, nil
}

// statusArgs maps a vault status to the installation's status columns; the
// time is when it became invalid (now if the vault gave none), or now for a
// change back to valid.
func (c *CredentialStore) statusArgs(st vault.Status) (status, reason string, changed int64) {
	changed = ms(c.q.now())
	if !st.Invalid {
		return StatusValid, "", changed
	}
	if !st.Since.IsZero() {
		changed = ms(st.Since)
	}
	return StatusInvalid, truncate(st.Reason, 1024), changed
}

func (c *CredentialStore) affected(op string, res sql.Result, err error) error {
	err = affectedOne(op, res, err, fkMissing)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: %w: %w", vault.ErrNotFound, err)
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

func scanSealed(s scanner) (vault.Sealed, error) {
	var rec vault.Sealed
	var status string
	var changed sql.NullInt64
	if err := s.Scan(&rec.Installation, &rec.App, &rec.Ciphertext, &status, &rec.Status.Reason, &changed); err != nil {
		return vault.Sealed{}, err
	}
	rec.Status.Invalid = status == StatusInvalid
	if rec.Status.Invalid {
		rec.Status.Since = fromNullMS(changed)
	} else {
		rec.Status.Reason = ""
	}
	return rec, nil
}
