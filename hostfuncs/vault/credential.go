package vault

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Limits on what a credential may hold.
const (
	maxKeys        = 128
	maxKeyName     = 256
	maxKeyValue    = 16 << 10
	maxTokenField  = 16 << 10
	maxReasonBytes = 512
)

// Credential is what an installation authenticates with: the install-time
// keys (keysSchema) and, for OAuth apps, the token. It never prints its
// secrets: fmt, slog and encoding/json see only field names, the token
// type and expiry, and the status.
type Credential struct {
	// Keys are the install-time keys, by keysSchema field name.
	Keys map[string]string
	// Token is the OAuth token of an isOAuth app, nil otherwise.
	Token *Token
	// Status is kept in clear beside the ciphertext.
	Status Status
}

// Token is an OAuth 2 token. Like Credential it never prints its secrets.
type Token struct {
	AccessToken  string
	RefreshToken string
	TokenType    string
	// Expiry is when AccessToken expires; zero means it does not.
	Expiry time.Time
	Scope  string
}

// payload is the sealed form of a Credential; version 1.
type payload struct {
	V     int               `json:"v"`
	Keys  map[string]string `json:"keys,omitempty"`
	Token *tokenPayload     `json:"token,omitempty"`
}

type tokenPayload struct {
	Access  string    `json:"access_token"`
	Refresh string    `json:"refresh_token,omitempty"`
	Type    string    `json:"token_type,omitempty"`
	Expiry  time.Time `json:"expiry,omitzero"`
	Scope   string    `json:"scope,omitempty"`
}

func (c Credential) validate() error {
	if len(c.Keys) > maxKeys {
		return fmt.Errorf("vault: credential has %d keys, more than %d", len(c.Keys), maxKeys)
	}
	for name, v := range c.Keys {
		if name == "" || len(name) > maxKeyName {
			return fmt.Errorf("vault: key name must be 1 to %d bytes", maxKeyName)
		}
		if len(v) > maxKeyValue {
			return fmt.Errorf("vault: key [%s] longer than %d bytes", name, maxKeyValue)
		}
	}
	if t := c.Token; t != nil {
		for _, f := range []string{t.AccessToken, t.RefreshToken, t.TokenType, t.Scope} {
			if len(f) > maxTokenField {
				return fmt.Errorf("vault: token field longer than %d bytes", maxTokenField)
			}
		}
	}
	return nil
}

func (c Credential) marshal() ([]byte, error) {
	p := payload{V: 1, Keys: c.Keys}
	if t := c.Token; t != nil {
		p.Token = &tokenPayload{Access: t.AccessToken, Refresh: t.RefreshToken, Type: t.TokenType, Expiry: t.Expiry.UTC(), Scope: t.Scope}
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("vault: encode credential: %w", err)
	}
	return b, nil
}

func unmarshalCredential(b []byte) (Credential, error) {
	var p payload
	if err := json.Unmarshal(b, &p); err != nil {
		// The decoder's error may quote plaintext; keep only its kind.
		return Credential{}, fmt.Errorf("vault: decode credential: malformed payload")
	}
	if p.V != 1 {
		return Credential{}, fmt.Errorf("vault: decode credential: unknown payload version %d", p.V)
	}
	c := Credential{Keys: p.Keys}
	if t := p.Token; t != nil {
		c.Token = &Token{AccessToken: t.Access, RefreshToken: t.Refresh, TokenType: t.Type, Expiry: t.Expiry, Scope: t.Scope}
	}
	return c, nil
}

// KeyNames returns the names of the keys, sorted.
func (c Credential) KeyNames() []string {
	names := make([]string, 0, len(c.Keys))
	for n := range c.Keys {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// redacted is what Credential shows of itself.
type redacted struct {
	Keys   []string       `json:"keys"`
	Token  *redactedToken `json:"token,omitempty"`
	Status Status         `json:"status"`
}

type redactedToken struct {
	TokenType       string    `json:"tokenType,omitempty"`
	Expiry          time.Time `json:"expiry,omitzero"`
	Scope           string    `json:"scope,omitempty"`
	HasRefreshToken bool      `json:"hasRefreshToken"`
}

func (c Credential) redacted() redacted {
	return redacted{Keys: c.KeyNames(), Token: c.Token.redacted(), Status: c.Status}
}

func (t *Token) redacted() *redactedToken {
	if t == nil {
		return nil
	}
	return &redactedToken{TokenType: t.TokenType, Expiry: t.Expiry, Scope: t.Scope, HasRefreshToken: t.RefreshToken != ""}
}

// MarshalJSON writes the key names, token type, expiry and status; never a
// secret. The sealed form uses its own encoding.
func (c Credential) MarshalJSON() ([]byte, error) { return json.Marshal(c.redacted()) }

// String describes the credential without its secrets.
func (c Credential) String() string {
	s := "vault.Credential{keys:[" + strings.Join(c.KeyNames(), " ") + "]"
	if c.Token != nil {
		s += " " + c.Token.String()
	}
	if c.Status.Invalid {
		s += " invalid"
	}
	return s + "}"
}

// GoString is String, so %#v hides the secrets too.
func (c Credential) GoString() string { return c.String() }

// LogValue logs the key names and token metadata only.
func (c Credential) LogValue() slog.Value {
	attrs := []slog.Attr{slog.Any("keys", c.KeyNames())}
	if c.Token != nil {
		attrs = append(attrs, slog.Any("token", c.Token))
	}
	attrs = append(attrs, slog.Bool("invalid", c.Status.Invalid))
	return slog.GroupValue(attrs...)
}

// MarshalJSON writes the token type, expiry and scope; never a secret.
func (t Token) MarshalJSON() ([]byte, error) { return json.Marshal(t.redacted()) }

// String describes the token without its secrets.
func (t Token) String() string {
	return fmt.Sprintf("vault.Token{type:%s expiry:%s refresh:%t}", t.TokenType, t.Expiry.UTC().Format(time.RFC3339), t.RefreshToken != "")
}

// GoString is String.
func (t Token) GoString() string { return t.String() }

// LogValue logs the token type and expiry only.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", t.TokenType), slog.Time("expiry", t.Expiry), slog.Bool("refresh", t.RefreshToken != ""))
}

func tokenFromOAuth2(t *oauth2.Token) *Token {
	out := &Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: t.TokenType, Expiry: t.Expiry}
	if s, ok := t.Extra("scope").(string); ok {
		out.Scope = s
	}
	return out
}
