package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"strings"
	"testing"
)

func TestAPIKeyStoredHashed(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ten := must(s.CreateTenant(ctx, "Acme"))(t)
	k, key := mustKey(t, s, ten.ID)
	if !strings.HasPrefix(key, k.Prefix+"_") || len(key) != apiKeyLen {
		t.Fatalf("key %q does not start with prefix %q or has the wrong length", key, k.Prefix)
	}
	var prefix string
	var hash []byte
	ok(t, s.reader.QueryRowContext(ctx, `SELECT prefix, hash FROM api_keys WHERE id = ?`, k.ID).Scan(&prefix, &hash))
	sum := sha256.Sum256([]byte(key))
	if !bytes.Equal(hash, sum[:]) {
		t.Error("stored hash is not SHA-256 of the key")
	}
	// The secret part must not be stored anywhere in the row.
	var n int
	secret := key[len(apiKeyScheme)+apiKeyPrefixLen+1:]
	ok(t, s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_keys WHERE instr(name || prefix || hex(hash), ?) > 0`, secret).Scan(&n))
	if n != 0 {
		t.Error("key secret found in the api_keys row")
	}
	keys := must(s.ListAPIKeys(ctx, ten.ID))(t)
	if len(keys) != 1 || keys[0] != k {
		t.Errorf("ListAPIKeys = %+v, want [%+v]", keys, k)
	}
}

func TestTenantByAPIKey(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ten := must(s.CreateTenant(ctx, "Acme"))(t)
	_, key := mustKey(t, s, ten.ID)
	flip := func(i int) string {
		b := []byte(key)
		if b[i] == 'a' {
			b[i] = 'b'
		} else {
			b[i] = 'a'
		}
		return string(b)
	}
	tests := []struct {
		name string
		key  string
		ok   bool
	}{
		{"valid", key, true},
		{"empty", "", false},
		{"secret changed", flip(len(key) - 1), false},
		{"prefix changed", flip(len(apiKeyScheme)), false},
		{"truncated", key[:len(key)-1], false},
		{"extended", key + "a", false},
		{"no scheme", "xxx_" + key[4:], false},
		{"separator moved", key[:len(apiKeyScheme)+apiKeyPrefixLen] + "x" + key[len(apiKeyScheme)+apiKeyPrefixLen+1:], false},
		{"garbage", strings.Repeat("\xff", apiKeyLen), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.TenantByAPIKey(ctx, tt.key)
			if !tt.ok {
				isErr(t, err, ErrNotFound)
				return
			}
			ok(t, err)
			if got != ten {
				t.Errorf("tenant = %+v, want %+v", got, ten)
			}
		})
	}
}

func TestAPIKeyRevokeAndTenantDelete(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	a := must(s.CreateTenant(ctx, "A"))(t)
	b := must(s.CreateTenant(ctx, "B"))(t)
	ka, keyA := mustKey(t, s, a.ID)
	_, keyA2 := mustKey(t, s, a.ID)
	_, keyB := mustKey(t, s, b.ID)

	isErr(t, s.DeleteAPIKey(ctx, b.ID, ka.ID), ErrNotFound) // another tenant's key
	must(s.TenantByAPIKey(ctx, keyA))(t)
	ok(t, s.DeleteAPIKey(ctx, a.ID, ka.ID))
	_, err := s.TenantByAPIKey(ctx, keyA)
	isErr(t, err, ErrNotFound)
	must(s.TenantByAPIKey(ctx, keyA2))(t)

	ok(t, s.DeleteTenant(ctx, a.ID))
	_, err = s.TenantByAPIKey(ctx, keyA2)
	isErr(t, err, ErrNotFound)
	if got := must(s.TenantByAPIKey(ctx, keyB))(t); got.ID != b.ID {
		t.Errorf("tenant B key resolves to %s", got.ID)
	}
}

func TestCreateAPIKeyUnknownTenant(t *testing.T) {
	s := openTest(t)
	_, _, err := s.CreateAPIKey(context.Background(), "ten_missing", "x")
	isErr(t, err, ErrNotFound)
}

// FuzzTenantByAPIKey: any string other than the real key is ErrNotFound,
// never a panic or another error.
func FuzzTenantByAPIKey(f *testing.F) {
	s := openTest(f)
	ctx := context.Background()
	ten := must(s.CreateTenant(ctx, "Acme"))(f)
	_, key := mustKey(f, s, ten.ID)
	for _, seed := range []string{key, "", "sbk_", key[:apiKeyLen-1], key + "x", strings.ToUpper(key), "sbk_" + strings.Repeat("_", apiKeyLen-4)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, k string) {
		got, err := s.TenantByAPIKey(ctx, k)
		if k == key {
			if err != nil || got.ID != ten.ID {
				t.Fatalf("real key: %+v, %v", got, err)
			}
			return
		}
		isErr(t, err, ErrNotFound)
	})
}
