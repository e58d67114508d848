// Package kv gives each installation a small private key-value store, served
// to guests through the kv_get, kv_set and kv_delete host functions. Keys
// and values are strings; a value may expire after a TTL. An installation
// sees only its own keys: the namespace is fixed by the Grant, never by the
// guest.
package kv

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store keeps entries by installation. internal/store implements it on
// SQLite; kvsql is the reference implementation.
type Store interface {
	// Get returns the value of key in installation's namespace; found is
	// false when there is none or it expired at or before now.
	Get(ctx context.Context, installation, key string, now time.Time) (value string, found bool, err error)
	// Set creates or replaces e in one transaction that first drops
	// e.Installation's expired entries, then refuses, with an error wrapping
	// ErrTooManyKeys, to create a key that would make the installation hold
	// more than maxKeys.
	Set(ctx context.Context, e Entry, maxKeys int, now time.Time) error
	// Delete removes key from installation's namespace; a missing key is
	// not an error.
	Delete(ctx context.Context, installation, key string) error
	// Purge drops every entry expired at or before now and returns how many.
	Purge(ctx context.Context, now time.Time) (int64, error)
}

// Entry is one stored value.
type Entry struct {
	Installation string
	Key          string
	Value        string
	// ExpiresAt is when the value stops being readable; zero means never.
	ExpiresAt time.Time
}

// ErrTooManyKeys is wrapped by Store.Set when the key count limit is hit.
var ErrTooManyKeys = errors.New("kv: too many keys")

// Default limits (Spin's documented key-value limits, with a smaller value
// cap: values here are tokens, cursors and small state, not files).
const (
	DefaultMaxKeyBytes   = 256
	DefaultMaxValueBytes = 64 << 10
	DefaultMaxKeys       = 1024
	DefaultMaxTTL        = 366 * 24 * time.Hour
)

// Config holds the limits of a KV. It is immutable: each With method returns
// a changed copy. Start from DefaultConfig.
type Config struct {
	maxKeyBytes   int
	maxValueBytes int
	maxKeys       int
	maxTTL        time.Duration
	now           func() time.Time
}

// DefaultConfig returns keys up to 256 bytes, values up to 64 KiB, 1024 keys
// per installation, TTLs up to 366 days, and the real clock.
func DefaultConfig() Config {
	return Config{
		maxKeyBytes:   DefaultMaxKeyBytes,
		maxValueBytes: DefaultMaxValueBytes,
		maxKeys:       DefaultMaxKeys,
		maxTTL:        DefaultMaxTTL,
		now:           time.Now,
	}
}

// WithMaxKeyBytes returns c allowing keys of up to n bytes.
func (c Config) WithMaxKeyBytes(n int) Config { c.maxKeyBytes = n; return c }

// WithMaxValueBytes returns c allowing values of up to n bytes.
func (c Config) WithMaxValueBytes(n int) Config { c.maxValueBytes = n; return c }

// WithMaxKeys returns c allowing up to n keys per installation.
func (c Config) WithMaxKeys(n int) Config { c.maxKeys = n; return c }

// WithMaxTTL returns c allowing ttl_seconds up to d.
func (c Config) WithMaxTTL(d time.Duration) Config { c.maxTTL = d; return c }

// WithClock returns c reading the time from now.
func (c Config) WithClock(now func() time.Time) Config { c.now = now; return c }

func (c Config) validate() error {
	if c.maxKeyBytes <= 0 || c.maxValueBytes <= 0 || c.maxKeys <= 0 || c.maxTTL < time.Second {
		return fmt.Errorf("kv: limits must be positive (key %d B, value %d B, %d keys, ttl %s)", c.maxKeyBytes, c.maxValueBytes, c.maxKeys, c.maxTTL)
	}
	if c.now == nil {
		return errors.New("kv: config has no clock")
	}
	return nil
}

// KV serves the kv host functions over a Store. It is safe for concurrent
// use.
type KV struct {
	store Store
	cfg   Config
}

// New returns a KV over store.
func New(store Store, cfg Config) (*KV, error) {
	if store == nil {
		return nil, errors.New("kv: new needs a store")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &KV{store: store, cfg: cfg}, nil
}

// Purge drops every expired entry of every installation and returns how
// many. The server runs it periodically; expired entries are also dropped
// per installation on kv_set and never read.
func (k *KV) Purge(ctx context.Context) (int64, error) {
	n, err := k.store.Purge(ctx, k.cfg.now())
	if err != nil {
		return n, fmt.Errorf("kv: purge: %w", err)
	}
	return n, nil
}
