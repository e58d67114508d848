package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slotbox/slotbox/hostfuncs/kv"
)

// KVStore is the kv host functions' storage (kv.Store) on the store's kv
// table. Get it from Store.KVStore.
type KVStore struct {
	q *queries
}

var _ kv.Store = (*KVStore)(nil)

// KVStore returns the kv.Store adapter over s.
func (s *Store) KVStore() *KVStore { return &KVStore{q: &s.queries} }

// Get implements kv.Store.
func (k *KVStore) Get(ctx context.Context, installation, key string, now time.Time) (string, bool, error) {
	v, found, err := k.q.kvGet(ctx, installation, key, now)
	if err != nil {
		return "", false, fmt.Errorf("store: %w", err)
	}
	return string(v), found, nil
}

// Set implements kv.Store: one transaction drops the installation's expired
// entries, checks maxKeys and writes. Hitting maxKeys wraps
// kv.ErrTooManyKeys (and ErrLimitExceeded).
func (k *KVStore) Set(ctx context.Context, e kv.Entry, maxKeys int, now time.Time) error {
	err := k.q.kvSet(ctx, e.Installation, e.Key, []byte(e.Value), e.ExpiresAt, maxKeys, now)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrLimitExceeded):
		return fmt.Errorf("store: %w: %w", kv.ErrTooManyKeys, err)
	}
	return fmt.Errorf("store: %w", err)
}

// Delete implements kv.Store.
func (k *KVStore) Delete(ctx context.Context, installation, key string) error {
	if err := k.q.KVDelete(ctx, installation, key); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Purge implements kv.Store.
func (k *KVStore) Purge(ctx context.Context, now time.Time) (int64, error) {
	n, err := k.q.kvPurge(ctx, now)
	if err != nil {
		return n, fmt.Errorf("store: %w", err)
	}
	return n, nil
}
