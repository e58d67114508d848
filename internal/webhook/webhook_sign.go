package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Header names of a delivery.
const (
	HeaderCalSignature = "X-Cal-Signature-256"
	HeaderID           = "webhook-id"
	HeaderTimestamp    = "webhook-timestamp"
	HeaderSignature    = "webhook-signature"
)

// secretPrefix marks a Standard Webhooks secret: the base64 after it is the
// key.
const secretPrefix = "whsec_"

// Secret bounds, in bytes of the text the tenant gives.
const (
	minSecretLen = 16
	maxSecretLen = 1024
)

// GenerateSecret returns a new Standard Webhooks secret: "whsec_" and the
// base64 of 32 random bytes.
func GenerateSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return secretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// standardKey is the HMAC key of the Standard Webhooks signature: the
// decoded base64 of a "whsec_" secret, otherwise the secret's bytes.
func standardKey(secret string) []byte {
	if rest, ok := strings.CutPrefix(secret, secretPrefix); ok {
		if k, err := base64.StdEncoding.DecodeString(rest); err == nil && len(k) > 0 {
			return k
		}
	}
	return []byte(secret)
}

// CalSignature is Cal.com's X-Cal-Signature-256: the hex HMAC-SHA256 of the
// body, keyed with the secret as given.
func CalSignature(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// StandardSignature is the Standard Webhooks webhook-signature value
// "v1,<base64 HMAC-SHA256 of id.timestamp.body>".
func StandardSignature(secret, id string, ts time.Time, body []byte) string {
	m := hmac.New(sha256.New, standardKey(secret))
	m.Write([]byte(id + "." + strconv.FormatInt(ts.Unix(), 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifyCalSignature reports whether sig (hex) is the X-Cal-Signature-256
// of body under secret, in constant time.
func VerifyCalSignature(secret string, body []byte, sig string) bool {
	got, err := hex.DecodeString(strings.TrimSpace(sig))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	want, _ := hex.DecodeString(CalSignature(secret, body))
	return hmac.Equal(got, want)
}
