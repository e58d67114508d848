package vault

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
)

// KeySize is the size in bytes of a master key.
const KeySize = 32

// keyIDSize is the size in bytes of a key id inside a ciphertext.
const keyIDSize = 8

// Key is a 256-bit master key and its id. The id is derived from the key, so
// the same key always has the same id and needs no name in configuration.
// Key never prints its secret: fmt, slog and encoding/json see only the id.
type Key struct {
	id     [keyIDSize]byte
	secret [KeySize]byte
	ok     bool
}

// NewKey returns the Key made of secret, which must be KeySize bytes.
func NewKey(secret []byte) (Key, error) {
	if len(secret) != KeySize {
		return Key{}, fmt.Errorf("vault: key must be %d bytes, got %d", KeySize, len(secret))
	}
	var k Key
	copy(k.secret[:], secret)
	sum := sha256.Sum256(append([]byte("slotbox/vault/key-id/v1\x00"), secret...))
	copy(k.id[:], sum[:keyIDSize])
	k.ok = true
	return k, nil
}

// GenerateKey returns a new random Key.
func GenerateKey() (Key, error) {
	var b [KeySize]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Key{}, fmt.Errorf("vault: generate key: %w", err)
	}
	return NewKey(b[:])
}

// ParseKey reads a key written as base64 (standard or URL alphabet, padded
// or not) or as 64 hex digits. Surrounding white space is ignored. The error
// never repeats the text.
func ParseKey(text string) (Key, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return Key{}, fmt.Errorf("vault: key is empty")
	}
	if len(s) == 2*KeySize {
		if b, err := hex.DecodeString(s); err == nil {
			return NewKey(b)
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(b) != KeySize {
			return Key{}, fmt.Errorf("vault: key must be %d bytes; its base64 decodes to %d bytes", KeySize, len(b))
		}
		return NewKey(b)
	}
	return Key{}, fmt.Errorf("vault: key must be %d bytes written as base64 or as %d hex digits; got %d characters that are neither", KeySize, 2*KeySize, len(s))
}

// ID returns the key id as 16 hex digits.
func (k Key) ID() string { return hex.EncodeToString(k.id[:]) }

// IsZero reports whether k is the zero Key (not made by NewKey).
func (k Key) IsZero() bool { return !k.ok }

// Encode returns the key in standard base64, the form ParseKey and
// LoadMasterKey read. It is the only method that reveals the secret.
func (k Key) Encode() string { return base64.StdEncoding.EncodeToString(k.secret[:]) }

// String returns "vault.Key[<id>]"; it never contains the secret.
func (k Key) String() string { return "vault.Key[" + k.ID() + "]" }

// GoString is String, so %#v does not print the secret either.
func (k Key) GoString() string { return k.String() }

// LogValue logs only the key id.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// MarshalJSON writes only the key id.
func (k Key) MarshalJSON() ([]byte, error) { return []byte(`"` + k.String() + `"`), nil }
