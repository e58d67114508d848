package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// API keys look like "sbk_<prefix>_<secret>": the prefix (12 base32
// characters, 60 random bits) is stored in clear to find the row, the whole
// key only as its SHA-256 hash. The secret has 256 random bits, so a fast
// hash is enough: there is nothing to brute-force.
const (
	apiKeyScheme    = "sbk_"
	apiKeyPrefixLen = 12
	apiKeySecretLen = 52
	apiKeyLen       = len(apiKeyScheme) + apiKeyPrefixLen + 1 + apiKeySecretLen
)

// CreateAPIKey creates an API key for a tenant and returns its description
// and the key itself, which is not stored and cannot be shown again.
func (q *queries) CreateAPIKey(ctx context.Context, tenantID, name string) (APIKey, string, error) {
	op := fmt.Sprintf("create api key tenant[%s]", tenantID)
	if len(name) > maxNameLen {
		return APIKey{}, "", invalid(op, fmt.Sprintf("name longer than %d bytes", maxNameLen))
	}
	var raw [8 + 32]byte // 8 bytes give the 12 prefix characters, 32 the secret
	_, _ = rand.Read(raw[:])
	prefix := idEncoding.EncodeToString(raw[:8])[:apiKeyPrefixLen]
	secret := idEncoding.EncodeToString(raw[8:])[:apiKeySecretLen]
	key := apiKeyScheme + prefix + "_" + secret
	sum := sha256.Sum256([]byte(key))
	now := q.now()
	k := APIKey{ID: newID("key", now), TenantID: tenantID, Name: name, Prefix: apiKeyScheme + prefix, CreatedAt: fromMS(ms(now))}
	_, err := q.w.ExecContext(ctx, `INSERT INTO api_keys (id, tenant_id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		k.ID, tenantID, name, prefix, sum[:], ms(now))
	if err != nil {
		return APIKey{}, "", mapErr(op, err, fkMissing)
	}
	return k, key, nil
}

// ListAPIKeys returns a tenant's API keys (never the keys themselves).
func (q *queries) ListAPIKeys(ctx context.Context, tenantID string) ([]APIKey, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT id, tenant_id, name, prefix, created_at FROM api_keys WHERE tenant_id = ? ORDER BY id LIMIT ?`,
		tenantID, MaxPageLimit)
	if err != nil {
		return nil, mapErr(fmt.Sprintf("list api keys tenant[%s]", tenantID), err, fkMissing)
	}
	keys, err := collect(rows, func(s scanner) (APIKey, error) {
		var k APIKey
		var created int64
		err := s.Scan(&k.ID, &k.TenantID, &k.Name, &k.Prefix, &created)
		k.Prefix = apiKeyScheme + k.Prefix
		k.CreatedAt = fromMS(created)
		return k, err
	})
	return keys, mapErr(fmt.Sprintf("list api keys tenant[%s]", tenantID), err, fkMissing)
}

// DeleteAPIKey revokes a tenant's API key.
func (q *queries) DeleteAPIKey(ctx context.Context, tenantID, keyID string) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM api_keys WHERE tenant_id = ? AND id = ?`, tenantID, keyID)
	return affectedOne(fmt.Sprintf("delete api key[%s] tenant[%s]", keyID, tenantID), res, err, fkInUse)
}

// dummyHash is compared against when no row matches, so a lookup costs the
// same whether the prefix exists or not.
var dummyHash = sha256.Sum256([]byte("slotbox: no such api key"))

// TenantByAPIKey returns the tenant an API key belongs to, or ErrNotFound
// for a malformed, unknown or revoked key. The hash comparison is constant
// time.
func (q *queries) TenantByAPIKey(ctx context.Context, key string) (Tenant, error) {
	const op = "tenant by api key"
	prefix, ok := apiKeyPrefix(key)
	if !ok {
		return Tenant{}, notFound(op)
	}
	sum := sha256.Sum256([]byte(key))
	var t Tenant
	var created int64
	var hash []byte
	err := q.r.QueryRowContext(ctx, `SELECT t.id, t.name, t.created_at, k.hash
		FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.prefix = ?`, prefix).Scan(&t.ID, &t.Name, &created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		subtle.ConstantTimeCompare(sum[:], dummyHash[:])
		return Tenant{}, notFound(op)
	}
	if err != nil {
		return Tenant{}, mapErr(op, err, fkMissing)
	}
	if subtle.ConstantTimeCompare(sum[:], hash) != 1 {
		return Tenant{}, notFound(op)
	}
	t.CreatedAt = fromMS(created)
	return t, nil
}

// apiKeyPrefix checks a key's shape and returns its lookup prefix.
func apiKeyPrefix(key string) (string, bool) {
	if len(key) != apiKeyLen || !strings.HasPrefix(key, apiKeyScheme) {
		return "", false
	}
	rest := key[len(apiKeyScheme):]
	if rest[apiKeyPrefixLen] != '_' {
		return "", false
	}
	return rest[:apiKeyPrefixLen], true
}
