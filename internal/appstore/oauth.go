package appstore

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/store"
)

// stateKeyInfo labels the HKDF derivation of the OAuth state key, so it is
// independent of every other key derived from the master key.
const stateKeyInfo = "slotbox/appstore/oauth-state/v1"

// DeriveStateKey derives the OAuth state signing key from the master key
// (HKDF-SHA256 with its own label).
func DeriveStateKey(master vault.Key) ([]byte, error) {
	secret, err := base64.StdEncoding.DecodeString(master.Encode())
	if err != nil {
		return nil, fmt.Errorf("appstore: derive state key: %w", err)
	}
	defer clear(secret)
	return hkdf.Key(sha256.New, secret, nil, stateKeyInfo, 32)
}

// maxPendingAuths bounds the authorizations in progress held in memory.
const maxPendingAuths = 10000

// oauthStates issues and checks the state parameter of OAuth
// authorizations: base64url(JSON) "." base64url(HMAC-SHA256), naming the
// tenant, the app, a nonce and an expiry. The PKCE verifier of each stays
// in memory under its nonce, which also makes a state single-use.
type oauthStates struct {
	key []byte
	now func() time.Time

	mu      sync.Mutex
	pending map[string]pendingAuth
}

type pendingAuth struct {
	verifier string
	expires  time.Time
}

// statePayload is what a state carries.
type statePayload struct {
	Tenant string `json:"t"`
	App    string `json:"a"`
	Name   string `json:"n,omitempty"`
	Nonce  string `json:"x"`
	Expiry int64  `json:"e"`
}

func newOAuthStates(key []byte, now func() time.Time) *oauthStates {
	return &oauthStates{key: append([]byte(nil), key...), now: now, pending: map[string]pendingAuth{}}
}

// issue returns a signed state and the PKCE verifier kept for it.
func (o *oauthStates) issue(tenant, app, name string, ttl time.Duration) (string, string, error) {
	now := o.now()
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	p := statePayload{Tenant: tenant, App: app, Name: name, Nonce: base64.RawURLEncoding.EncodeToString(nonce[:]), Expiry: now.Add(ttl).Unix()}
	verifier := oauth2.GenerateVerifier()
	o.mu.Lock()
	for n, pa := range o.pending {
		if !now.Before(pa.expires) {
			delete(o.pending, n)
		}
	}
	if len(o.pending) >= maxPendingAuths {
		o.mu.Unlock()
		return "", "", errors.New("too many oauth authorizations in progress; try again in a few minutes")
	}
	o.pending[p.Nonce] = pendingAuth{verifier: verifier, expires: now.Add(ttl)}
	o.mu.Unlock()
	body, err := json.Marshal(p)
	if err != nil {
		return "", "", err
	}
	enc := base64.RawURLEncoding.EncodeToString(body)
	return enc + "." + base64.RawURLEncoding.EncodeToString(o.sign(enc)), verifier, nil
}

func (o *oauthStates) sign(enc string) []byte {
	m := hmac.New(sha256.New, o.key)
	m.Write([]byte(enc))
	return m.Sum(nil)
}

// consume checks a state returned for app and takes its verifier; a state
// is good once.
func (o *oauthStates) consume(state, app string) (statePayload, string, error) {
	enc, sig, ok := strings.Cut(state, ".")
	if !ok || len(state) > 4096 {
		return statePayload{}, "", fmt.Errorf("malformed: %w", ErrOAuthState)
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, o.sign(enc)) {
		return statePayload{}, "", fmt.Errorf("bad signature: %w", ErrOAuthState)
	}
	body, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return statePayload{}, "", fmt.Errorf("malformed payload: %w", ErrOAuthState)
	}
	var p statePayload
	if err := json.Unmarshal(body, &p); err != nil {
		return statePayload{}, "", fmt.Errorf("malformed payload: %w", ErrOAuthState)
	}
	now := o.now()
	if p.App != app {
		return statePayload{}, "", fmt.Errorf("issued for app[%s], not app[%s]: %w", p.App, app, ErrOAuthState)
	}
	if !now.Before(time.Unix(p.Expiry, 0)) {
		return statePayload{}, "", fmt.Errorf("expired: %w", ErrOAuthState)
	}
	o.mu.Lock()
	pa, ok := o.pending[p.Nonce]
	delete(o.pending, p.Nonce)
	o.mu.Unlock()
	if !ok {
		return statePayload{}, "", fmt.Errorf("already used, or issued before a restart: %w", ErrOAuthState)
	}
	return p, pa.verifier, nil
}

// RedirectURL is the callback URL of an app's OAuth flow.
func (s *Service) RedirectURL(slug string) string {
	return s.cfg.baseURL + "/api/integrations/" + url.PathEscape(slug) + "/callback"
}

// OAuthApp returns the OAuth client of an isOAuth app from its current
// manifest and the operator's client; the vault uses it to refresh tokens.
func (s *Service) OAuthApp(ctx context.Context, slug string) (*vault.OAuthApp, error) {
	d, err := s.App(ctx, slug, false)
	if err != nil {
		return nil, err
	}
	if d.Manifest == nil || !d.Manifest.IsOAuth || d.Manifest.OAuth == nil {
		return nil, fmt.Errorf("app[%s]: %w", slug, ErrNotOAuth)
	}
	c, ok := s.cfg.oauthClients[slug]
	if !ok {
		return nil, fmt.Errorf("app[%s]: %w (set SLOTBOX_OAUTH_CLIENTS)", slug, ErrOAuthNotConfigured)
	}
	return vault.NewOAuthApp(slug, d.Manifest.OAuth, c.ClientID, c.ClientSecret, s.RedirectURL(slug))
}

// OAuthStart begins installing an isOAuth app for a tenant and returns the
// provider URL to send the user to. name names the installation ("" for
// the app's name).
func (s *Service) OAuthStart(ctx context.Context, tenantID, slug, name string) (string, error) {
	d, err := s.App(ctx, slug, true)
	if err != nil {
		return "", err
	}
	if d.Version == nil {
		return "", fmt.Errorf("app slug[%s] has no version: %w", slug, store.ErrNotFound)
	}
	app, err := s.OAuthApp(ctx, slug)
	if err != nil {
		return "", err
	}
	state, verifier, err := s.oauth.issue(tenantID, slug, name, s.cfg.stateTTL)
	if err != nil {
		return "", err
	}
	return app.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), nil
}

// OAuthCallback is what the provider sends the user back with.
type OAuthCallback struct {
	Code  string
	State string
	// Error and ErrorDescription are set when the user or provider refused.
	Error            string
	ErrorDescription string
}

// OAuthCallback finishes an authorization: it checks the state, creates the
// installation for the tenant the state names, trades the code for a token
// (kept sealed by the vault) and runs app.checkKeys. Any failure leaves no
// installation behind.
func (s *Service) OAuthCallback(ctx context.Context, slug string, cb OAuthCallback) (store.Installation, error) {
	p, verifier, err := s.oauth.consume(cb.State, slug)
	if err != nil {
		return store.Installation{}, err
	}
	if cb.Error != "" {
		return store.Installation{}, fmt.Errorf("provider answered %s: %w", clip(cb.Error, 64), ErrOAuthDenied)
	}
	if cb.Code == "" {
		return store.Installation{}, fmt.Errorf("callback without a code: %w", ErrOAuthState)
	}
	d, ca, err := s.installable(ctx, slug)
	if err != nil {
		return store.Installation{}, err
	}
	s.cache.release(ctx, ca)
	app, err := s.OAuthApp(ctx, slug)
	if err != nil {
		return store.Installation{}, err
	}
	name := p.Name
	if name == "" {
		name = d.App.Name
	}
	in, err := s.store.CreateInstallation(ctx, p.Tenant, store.NewInstallation{AppID: d.App.ID, Name: name})
	if err != nil {
		return store.Installation{}, err
	}
	ref := vault.InstallationRef{ID: in.ID, App: slug}
	if err := s.vault.Exchange(ctx, ref, app, cb.Code, oauth2.VerifierOption(verifier)); err != nil {
		s.undoCreate(ctx, p.Tenant, in.ID)
		return store.Installation{}, &OAuthExchangeError{Message: strings.TrimPrefix(err.Error(), "vault: ")}
	}
	t, err := s.store.InstallationForCall(ctx, p.Tenant, in.ID)
	if err == nil {
		err = s.checkKeys(ctx, t)
	}
	if err != nil {
		s.undoCreate(ctx, p.Tenant, in.ID)
		return store.Installation{}, err
	}
	s.audit(ctx, p.Tenant, in.ID, "installation.create", map[string]any{"app": slug, "oauth": true})
	return s.store.Installation(ctx, p.Tenant, in.ID)
}
