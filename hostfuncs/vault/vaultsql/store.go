// Package vaultsql is the reference SQLite implementation of
// vault.CredentialStore: one table, vault_credentials, that it creates. It
// works with any database/sql SQLite driver; the project uses
// modernc.org/sqlite in WAL mode.
package vaultsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/slotbox/slotbox/hostfuncs/vault"
)

// Schema is the table the store keeps credentials in.
const Schema = `CREATE TABLE IF NOT EXISTS vault_credentials (
	installation_id TEXT PRIMARY KEY,
	app             TEXT NOT NULL,
	ciphertext      BLOB NOT NULL,
	invalid         INTEGER NOT NULL DEFAULT 0,
	invalid_reason  TEXT NOT NULL DEFAULT '',
	invalid_since   INTEGER NOT NULL DEFAULT 0,
	updated_at      INTEGER NOT NULL
) STRICT`

// Store keeps sealed credentials in a SQLite database. The read on every
// host call (Get) is a statement prepared once; Close releases it.
type Store struct {
	db  *sql.DB
	get *sql.Stmt
}

var _ vault.CredentialStore = (*Store)(nil)

// New creates the table when missing and returns the store.
func New(ctx context.Context, db *sql.DB) (*Store, error) {
	if _, err := db.ExecContext(ctx, Schema); err != nil {
		return nil, fmt.Errorf("vaultsql: create table: %w", err)
	}
	get, err := db.PrepareContext(ctx, `SELECT `+columns+` FROM vault_credentials WHERE installation_id = ?`)
	if err != nil {
		return nil, fmt.Errorf("vaultsql: prepare: %w", err)
	}
	return &Store{db: db, get: get}, nil
}

// Close releases the prepared statement; it does not close the database.
func (s *Store) Close() error { return s.get.Close() }

const columns = `installation_id, app, ciphertext, invalid, invalid_reason, invalid_since`

// Get implements vault.CredentialStore.
func (s *Store) Get(ctx context.Context, installation string) (vault.Sealed, error) {
	row := s.get.QueryRowContext(ctx, installation)
	rec, err := scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return vault.Sealed{}, fmt.Errorf("vaultsql: installation[%s]: %w", installation, vault.ErrNotFound)
	}
	if err != nil {
		return vault.Sealed{}, fmt.Errorf("vaultsql: get installation[%s]: %w", installation, err)
	}
	return rec, nil
}

// Put implements vault.CredentialStore.
func (s *Store) Put(ctx context.Context, rec vault.Sealed) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO vault_credentials
		(installation_id, app, ciphertext, invalid, invalid_reason, invalid_since, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (installation_id) DO UPDATE SET app = excluded.app, ciphertext = excluded.ciphertext,
			invalid = excluded.invalid, invalid_reason = excluded.invalid_reason,
			invalid_since = excluded.invalid_since, updated_at = excluded.updated_at`,
		rec.Installation, rec.App, rec.Ciphertext, rec.Status.Invalid, rec.Status.Reason,
		millis(rec.Status.Since), time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("vaultsql: put installation[%s]: %w", rec.Installation, err)
	}
	return nil
}

// SetStatus implements vault.CredentialStore.
func (s *Store) SetStatus(ctx context.Context, installation string, st vault.Status) error {
	res, err := s.db.ExecContext(ctx, `UPDATE vault_credentials
		SET invalid = ?, invalid_reason = ?, invalid_since = ?, updated_at = ? WHERE installation_id = ?`,
		st.Invalid, st.Reason, millis(st.Since), time.Now().UnixMilli(), installation)
	if err != nil {
		return fmt.Errorf("vaultsql: set status of installation[%s]: %w", installation, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("vaultsql: installation[%s]: %w", installation, vault.ErrNotFound)
	}
	return nil
}

// List implements vault.CredentialStore.
func (s *Store) List(ctx context.Context, after string, limit int) ([]vault.Sealed, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+columns+`
		FROM vault_credentials WHERE installation_id > ? ORDER BY installation_id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("vaultsql: list after installation[%s]: %w", after, err)
	}
	defer rows.Close()
	var out []vault.Sealed
	for rows.Next() {
		rec, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("vaultsql: list: %w", err)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vaultsql: list: %w", err)
	}
	return out, nil
}

// Swap implements vault.CredentialStore in one transaction.
func (s *Store) Swap(ctx context.Context, swaps []vault.Swap) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("vaultsql: swap: begin: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `UPDATE vault_credentials SET ciphertext = ?, updated_at = ?
		WHERE installation_id = ? AND ciphertext = ?`)
	if err != nil {
		return 0, fmt.Errorf("vaultsql: swap: prepare: %w", err)
	}
	defer stmt.Close()
	now := time.Now().UnixMilli()
	total := 0
	for _, sw := range swaps {
		res, err := stmt.ExecContext(ctx, sw.New, now, sw.Installation, sw.Old)
		if err != nil {
			return 0, fmt.Errorf("vaultsql: swap installation[%s]: %w", sw.Installation, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("vaultsql: swap installation[%s]: %w", sw.Installation, err)
		}
		total += int(n)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("vaultsql: swap: commit: %w", err)
	}
	return total, nil
}

type scanner interface{ Scan(...any) error }

func scan(r scanner) (vault.Sealed, error) {
	var rec vault.Sealed
	var since int64
	if err := r.Scan(&rec.Installation, &rec.App, &rec.Ciphertext, &rec.Status.Invalid, &rec.Status.Reason, &since); err != nil {
		return vault.Sealed{}, err
	}
	if since != 0 {
		rec.Status.Since = time.UnixMilli(since).UTC()
	}
	return rec, nil
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
