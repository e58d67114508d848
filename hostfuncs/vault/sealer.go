package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// Ciphertext format, version 1:
//
//	version (1 byte, 0x01) | key id (8 bytes) | nonce (12 bytes) | AES-256-GCM ciphertext and tag
//
// The associated data authenticates the version, the key id and the AAD
// fields, so a ciphertext opens only for the app and installation it was
// sealed for, and its key id cannot be swapped.
const (
	formatV1      byte = 1
	nonceSize          = 12
	headerSize         = 1 + keyIDSize
	prefixSize         = headerSize + nonceSize
	tagSize            = 16
	aeadKeyInfo        = "slotbox/vault/aes-256-gcm/v1"
	aadLabel           = "slotbox/vault/credential/v1\x00"
	maxAADField        = 1 << 10
	maxSealedSize      = 1 << 24
)

// Overhead is how many bytes Seal adds to a plaintext.
const Overhead = prefixSize + tagSize

// AAD names what a ciphertext belongs to. Both fields are required; a
// ciphertext sealed for one AAD does not open for another.
type AAD struct {
	// App is the app's slug.
	App string
	// Installation is the installation id.
	Installation string
}

func (a AAD) validate() error {
	if a.App == "" || a.Installation == "" {
		return fmt.Errorf("vault: aad needs an app and an installation, got app[%s] installation[%s]", a.App, a.Installation)
	}
	if len(a.App) > maxAADField || len(a.Installation) > maxAADField {
		return fmt.Errorf("vault: aad field longer than %d bytes", maxAADField)
	}
	return nil
}

// bytes returns the associated data of a ciphertext with header h.
func (a AAD) bytes(h []byte) []byte {
	b := make([]byte, 0, len(aadLabel)+len(h)+8+len(a.App)+len(a.Installation))
	b = append(b, aadLabel...)
	b = append(b, h...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(a.App)))
	b = append(b, a.App...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(a.Installation)))
	b = append(b, a.Installation...)
	return b
}

// Sealer encrypts with its primary key and decrypts with any of its keys, so
// rows sealed under an older key keep opening while a rotation runs. A Sealer
// is safe for concurrent use.
type Sealer struct {
	primary [keyIDSize]byte
	aeads   map[[keyIDSize]byte]cipher.AEAD
	ids     []string
}

// NewSealer returns a Sealer that seals with primary and opens what primary
// or any of older sealed.
func NewSealer(primary Key, older ...Key) (*Sealer, error) {
	s := &Sealer{primary: primary.id, aeads: make(map[[keyIDSize]byte]cipher.AEAD, 1+len(older))}
	for i, k := range append([]Key{primary}, older...) {
		if k.IsZero() {
			return nil, fmt.Errorf("vault: sealer key %d is the zero key", i)
		}
		if _, dup := s.aeads[k.id]; dup {
			continue
		}
		aead, err := newAEAD(k)
		if err != nil {
			return nil, err
		}
		s.aeads[k.id] = aead
		s.ids = append(s.ids, k.ID())
	}
	return s, nil
}

func newAEAD(k Key) (cipher.AEAD, error) {
	dk, err := hkdf.Key(sha256.New, k.secret[:], nil, aeadKeyInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("vault: derive key[%s]: %w", k.ID(), err)
	}
	block, err := aes.NewCipher(dk)
	if err != nil {
		return nil, fmt.Errorf("vault: key[%s]: %w", k.ID(), err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("vault: key[%s]: %w", k.ID(), err)
	}
	return aead, nil
}

// PrimaryKeyID returns the id of the key Seal uses.
func (s *Sealer) PrimaryKeyID() string { return hex.EncodeToString(s.primary[:]) }

// KeyIDs returns the ids of every key the sealer holds, primary first.
func (s *Sealer) KeyIDs() []string { return append([]string(nil), s.ids...) }

// Seal encrypts plaintext for aad with the primary key and a fresh random
// nonce.
func (s *Sealer) Seal(aad AAD, plaintext []byte) ([]byte, error) {
	if err := aad.validate(); err != nil {
		return nil, err
	}
	if len(plaintext) > maxSealedSize-Overhead {
		return nil, fmt.Errorf("vault: plaintext of %d bytes exceeds %d", len(plaintext), maxSealedSize-Overhead)
	}
	out := make([]byte, prefixSize, prefixSize+len(plaintext)+tagSize)
	out[0] = formatV1
	copy(out[1:headerSize], s.primary[:])
	if _, err := rand.Read(out[headerSize:prefixSize]); err != nil {
		return nil, fmt.Errorf("vault: nonce: %w", err)
	}
	aead := s.aeads[s.primary]
	return aead.Seal(out, out[headerSize:prefixSize], plaintext, aad.bytes(out[:headerSize])), nil
}

// Open decrypts a ciphertext Seal made for aad. It fails with ErrFormat,
// ErrUnknownKey or ErrDecrypt; the error names the installation and key id
// and never any plaintext.
func (s *Sealer) Open(aad AAD, ciphertext []byte) ([]byte, error) {
	if err := aad.validate(); err != nil {
		return nil, err
	}
	id, err := KeyIDOf(ciphertext)
	if err != nil {
		return nil, err
	}
	var kid [keyIDSize]byte
	copy(kid[:], ciphertext[1:headerSize])
	aead, ok := s.aeads[kid]
	if !ok {
		return nil, fmt.Errorf("installation[%s] key[%s]: %w", aad.Installation, id, ErrUnknownKey)
	}
	pt, err := aead.Open(nil, ciphertext[headerSize:prefixSize], ciphertext[prefixSize:], aad.bytes(ciphertext[:headerSize]))
	if err != nil {
		return nil, fmt.Errorf("installation[%s] app[%s] key[%s]: %w", aad.Installation, aad.App, id, ErrDecrypt)
	}
	return pt, nil
}

// IsCurrent reports whether ciphertext was sealed with the primary key.
func (s *Sealer) IsCurrent(ciphertext []byte) bool {
	if _, err := KeyIDOf(ciphertext); err != nil {
		return false
	}
	return [keyIDSize]byte(ciphertext[1:headerSize]) == s.primary
}

// KeyIDOf returns the id of the key a ciphertext was sealed with, without
// opening it.
func KeyIDOf(ciphertext []byte) (string, error) {
	if len(ciphertext) < Overhead {
		return "", fmt.Errorf("%w: %d bytes, shorter than %d", ErrFormat, len(ciphertext), Overhead)
	}
	if ciphertext[0] != formatV1 {
		return "", fmt.Errorf("%w: unknown version %d", ErrFormat, ciphertext[0])
	}
	return hex.EncodeToString(ciphertext[1:headerSize]), nil
}
