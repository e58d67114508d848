package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// KV rows belong to an installation, not directly to a tenant: the kv host
// functions are bound to one installation by the runtime, never to an id a
// client or guest supplies, so these methods take the installation id alone.

// KV caps enforced here; the kv host functions apply their own, tighter ones.
const (
	MaxKVKeyLen    = 1024
	MaxKVValueSize = 1 << 20
)

// KVGet returns the value of key, and false if it is missing or expired.
func (q *queries) KVGet(ctx context.Context, installationID, key string) ([]byte, bool, error) {
	return q.kvGet(ctx, installationID, key, q.now())
}

func (q *queries) kvGet(ctx context.Context, installationID, key string, now time.Time) ([]byte, bool, error) {
	var v []byte
	err := q.r.QueryRowContext(ctx, `SELECT value FROM kv WHERE installation_id = ? AND key = ?
		AND (expires_at IS NULL OR expires_at > ?)`, installationID, key, ms(now)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, mapErr(fmt.Sprintf("kv get installation[%s]", installationID), err, fkMissing)
	}
	if v == nil {
		v = []byte{}
	}
	return v, true, nil
}

// KVSet stores value under key; ttl 0 never expires. It first drops the
// installation's expired keys; then, when maxKeys > 0 and key is new, it
// fails with ErrLimitExceeded if the installation already holds maxKeys
// keys. ErrNotFound if the installation does not exist.
func (q *queries) KVSet(ctx context.Context, installationID, key string, value []byte, ttl time.Duration, maxKeys int) error {
	if ttl < 0 {
		return invalid(fmt.Sprintf("kv set installation[%s]", installationID), "negative ttl")
	}
	now := q.now()
	var expires time.Time
	if ttl > 0 {
		expires = now.Add(ttl)
	}
	return q.kvSet(ctx, installationID, key, value, expires, maxKeys, now)
}

func (q *queries) kvSet(ctx context.Context, installationID, key string, value []byte, expiresAt time.Time, maxKeys int, now time.Time) error {
	op := fmt.Sprintf("kv set installation[%s]", installationID)
	switch {
	case key == "" || len(key) > MaxKVKeyLen:
		return invalid(op, fmt.Sprintf("key must be 1 to %d bytes", MaxKVKeyLen))
	case len(value) > MaxKVValueSize:
		return invalid(op, fmt.Sprintf("value larger than %d bytes", MaxKVValueSize))
	case !expiresAt.IsZero() && !expiresAt.After(now):
		return invalid(op, "expiry not in the future")
	}
	if value == nil {
		value = []byte{}
	}
	return q.inTx(ctx, func(q *queries) error {
		// Writing first takes the write lock before the count is read.
		if _, err := q.w.ExecContext(ctx, `DELETE FROM kv WHERE installation_id = ? AND expires_at IS NOT NULL AND expires_at <= ?`,
			installationID, ms(now)); err != nil {
			return mapErr(op, err, fkMissing)
		}
		if maxKeys > 0 {
			var count, exists int
			err := q.w.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(key = ?), 0) FROM kv WHERE installation_id = ?`,
				key, installationID).Scan(&count, &exists)
			if err != nil {
				return mapErr(op, err, fkMissing)
			}
			if exists == 0 && count >= maxKeys {
				return fmt.Errorf("%s: %w: holds %d keys", op, ErrLimitExceeded, count)
			}
		}
		_, err := q.w.ExecContext(ctx, `INSERT INTO kv (installation_id, key, value, expires_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (installation_id, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at,
			updated_at = excluded.updated_at`, installationID, key, value, nullMS(expiresAt), ms(now))
		return mapErr(op, err, fkMissing)
	})
}

// KVDelete removes key; removing a missing key is not an error.
func (q *queries) KVDelete(ctx context.Context, installationID, key string) error {
	_, err := q.w.ExecContext(ctx, `DELETE FROM kv WHERE installation_id = ? AND key = ?`, installationID, key)
	return mapErr(fmt.Sprintf("kv delete installation[%s]", installationID), err, fkMissing)
}

// KVCount returns how many live (unexpired) keys an installation holds.
func (q *queries) KVCount(ctx context.Context, installationID string) (int, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM kv WHERE installation_id = ? AND (expires_at IS NULL OR expires_at > ?)`,
		installationID, ms(q.now())).Scan(&n)
	return n, mapErr(fmt.Sprintf("kv count installation[%s]", installationID), err, fkMissing)
}

// PruneExpiredKV deletes expired keys of every installation, in short
// batches, and returns how many.
func (q *queries) PruneExpiredKV(ctx context.Context) (int64, error) {
	return q.kvPurge(ctx, q.now())
}

func (q *queries) kvPurge(ctx context.Context, now time.Time) (int64, error) {
	return q.pruneBatches(ctx, "prune expired kv",
		`DELETE FROM kv WHERE (installation_id, key) IN
		(SELECT installation_id, key FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT ?)`, ms(now))
}
