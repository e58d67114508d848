// Package kvsql is the reference SQLite implementation of kv.Store: one
// table, kv_entries, that it creates. It works with any database/sql SQLite
// driver; the project uses modernc.org/sqlite in WAL mode.
package kvsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/slotbox/slotbox/hostfuncs/kv"
)

// Schema is the table and indexes the store keeps entries in. Keys and
// values are BLOBs, so any string round-trips byte for byte. expires_at is
// Unix milliseconds, NULL for never.
const Schema = `CREATE TABLE IF NOT EXISTS kv_entries (
	installation_id TEXT NOT NULL,
	key             BLOB NOT NULL,
	value           BLOB NOT NULL,
	expires_at      INTEGER,
	PRIMARY KEY (installation_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kv_entries_installation_expiry ON kv_entries (installation_id, expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS kv_entries_expiry ON kv_entries (expires_at) WHERE expires_at IS NOT NULL;`

// purgeBatch is how many rows one Purge statement deletes, so a purge never
// holds the write lock for long.
const purgeBatch = 1000

// Store keeps kv entries in a SQLite database. Its statements are prepared
// once; Close releases them.
type Store struct {
	db                                              *sql.DB
	get, purgeInst, exists, count, upsert, del, pur *sql.Stmt
}

var _ kv.Store = (*Store)(nil)

// New creates the table when missing and returns the store.
func New(ctx context.Context, db *sql.DB) (*Store, error) {
	if _, err := db.ExecContext(ctx, Schema); err != nil {
		return nil, fmt.Errorf("kvsql: create table: %w", err)
	}
	s := &Store{db: db}
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&s.get, `SELECT value FROM kv_entries
			WHERE installation_id = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)`},
		{&s.purgeInst, `DELETE FROM kv_entries
			WHERE installation_id = ? AND expires_at IS NOT NULL AND expires_at <= ?`},
		{&s.exists, `SELECT EXISTS (SELECT 1 FROM kv_entries WHERE installation_id = ? AND key = ?)`},
		{&s.count, `SELECT count(*) FROM kv_entries WHERE installation_id = ?`},
		{&s.upsert, `INSERT INTO kv_entries (installation_id, key, value, expires_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (installation_id, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`},
		{&s.del, `DELETE FROM kv_entries WHERE installation_id = ? AND key = ?`},
		{&s.pur, `DELETE FROM kv_entries WHERE (installation_id, key) IN (
			SELECT installation_id, key FROM kv_entries WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT ?)`},
	} {
		st, err := db.PrepareContext(ctx, p.query)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("kvsql: prepare: %w", err)
		}
		*p.dst = st
	}
	return s, nil
}

// Close releases the prepared statements; it does not close the database.
func (s *Store) Close() error {
	for _, st := range []*sql.Stmt{s.get, s.purgeInst, s.exists, s.count, s.upsert, s.del, s.pur} {
		if st != nil {
			st.Close()
		}
	}
	return nil
}

// Get implements kv.Store.
func (s *Store) Get(ctx context.Context, installation, key string, now time.Time) (string, bool, error) {
	var v []byte
	err := s.get.QueryRowContext(ctx, installation, []byte(key), now.UnixMilli()).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("kvsql: get: %w", err)
	}
	return string(v), true, nil
}

// Set implements kv.Store. Its first statement writes, so the transaction
// takes SQLite's write lock before it reads the count: two concurrent Sets
// cannot both see room for one more key.
func (s *Store) Set(ctx context.Context, e kv.Entry, maxKeys int, now time.Time) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("kvsql: set: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.StmtContext(ctx, s.purgeInst).ExecContext(ctx, e.Installation, now.UnixMilli()); err != nil {
		return fmt.Errorf("kvsql: set: purge expired: %w", err)
	}
	var exists bool
	if err := tx.StmtContext(ctx, s.exists).QueryRowContext(ctx, e.Installation, []byte(e.Key)).Scan(&exists); err != nil {
		return fmt.Errorf("kvsql: set: look up key: %w", err)
	}
	if !exists {
		var count int
		if err := tx.StmtContext(ctx, s.count).QueryRowContext(ctx, e.Installation).Scan(&count); err != nil {
			return fmt.Errorf("kvsql: set: count: %w", err)
		}
		if count >= maxKeys {
			return fmt.Errorf("kvsql: installation[%s] holds %d keys: %w", e.Installation, count, kv.ErrTooManyKeys)
		}
	}
	var exp any
	if !e.ExpiresAt.IsZero() {
		exp = e.ExpiresAt.UnixMilli()
	}
	if _, err := tx.StmtContext(ctx, s.upsert).ExecContext(ctx, e.Installation, []byte(e.Key), []byte(e.Value), exp); err != nil {
		return fmt.Errorf("kvsql: set: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("kvsql: set: commit: %w", err)
	}
	return nil
}

// Delete implements kv.Store.
func (s *Store) Delete(ctx context.Context, installation, key string) error {
	if _, err := s.del.ExecContext(ctx, installation, []byte(key)); err != nil {
		return fmt.Errorf("kvsql: delete: %w", err)
	}
	return nil
}

// Purge implements kv.Store, deleting in batches.
func (s *Store) Purge(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for {
		res, err := s.pur.ExecContext(ctx, now.UnixMilli(), purgeBatch)
		if err != nil {
			return total, fmt.Errorf("kvsql: purge: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("kvsql: purge: %w", err)
		}
		total += n
		if n < purgeBatch {
			return total, nil
		}
	}
}

// Count returns how many entries installation holds, expired or not (for
// the admin UI and tests).
func (s *Store) Count(ctx context.Context, installation string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM kv_entries WHERE installation_id = ?`, installation).Scan(&n); err != nil {
		return 0, fmt.Errorf("kvsql: count: %w", err)
	}
	return n, nil
}
