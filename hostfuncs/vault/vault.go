// Package vault keeps installations' credentials sealed at rest and hands
// them out only in the forms an app was granted: attached to its outbound
// requests (Authenticator), or revealed field by field through the vault_get
// host function, each reveal audited. It also runs the OAuth 2 flow of
// isOAuth apps and refreshes their tokens on the host.
//
// Ciphertexts are AES-256-GCM under a key derived from the master key, bound
// to the app and installation they belong to, and carry the id of the key
// that sealed them, so a key rotation (Rotate) runs while the server serves.
package vault

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// InstallationRef names an installation and the app it belongs to; both are
// bound into the credential's ciphertext.
type InstallationRef struct {
	// ID is the installation id.
	ID string
	// App is the app's slug.
	App string
}

func (r InstallationRef) aad() AAD { return AAD{App: r.App, Installation: r.ID} }

// Config configures a Vault. It is immutable: each With method returns a
// changed copy. The zero Config is not valid; start from DefaultConfig.
type Config struct {
	logger         *slog.Logger
	now            func() time.Time
	skew           time.Duration
	refreshTimeout time.Duration
	client         *http.Client
	apps           OAuthApps
}

// OAuthApps returns the OAuth client of an app by slug: its provider's
// endpoints from the manifest and the client id and secret the operator set.
// It is asked on every refresh, so new app keys take effect at once.
type OAuthApps func(ctx context.Context, app string) (*OAuthApp, error)

// DefaultConfig returns the defaults: refresh 60 s ahead of expiry, a 30 s
// limit on a refresh, an OAuth HTTP client with a 30 s timeout that follows
// no redirect, the real clock, and no logging.
func DefaultConfig() Config {
	return Config{
		logger:         slog.New(slog.DiscardHandler),
		now:            time.Now,
		skew:           60 * time.Second,
		refreshTimeout: 30 * time.Second,
		client: &http.Client{
			Timeout:       30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// WithLogger returns c logging to l.
func (c Config) WithLogger(l *slog.Logger) Config { c.logger = l; return c }

// WithClock returns c reading the time from now.
func (c Config) WithClock(now func() time.Time) Config { c.now = now; return c }

// WithRefreshSkew returns c refreshing OAuth tokens d before they expire.
func (c Config) WithRefreshSkew(d time.Duration) Config { c.skew = d; return c }

// WithRefreshTimeout returns c giving up on a token refresh after d.
func (c Config) WithRefreshTimeout(d time.Duration) Config { c.refreshTimeout = d; return c }

// WithOAuthHTTPClient returns c talking to token endpoints with client (the
// server passes one built on its SSRF-safe transport).
func (c Config) WithOAuthHTTPClient(client *http.Client) Config { c.client = client; return c }

// WithOAuthApps returns c resolving apps' OAuth clients with apps.
func (c Config) WithOAuthApps(apps OAuthApps) Config { c.apps = apps; return c }

func (c Config) validate() error {
	switch {
	case c.logger == nil:
		return errors.New("vault: config has no logger")
	case c.now == nil:
		return errors.New("vault: config has no clock")
	case c.client == nil:
		return errors.New("vault: config has no oauth http client")
	case c.skew < 0 || c.refreshTimeout <= 0:
		return errors.New("vault: refresh skew must be >= 0 and refresh timeout > 0")
	}
	return nil
}

// Vault seals credentials into a CredentialStore and serves them to the
// host functions. It is safe for concurrent use.
type Vault struct {
	store   CredentialStore
	sealer  *Sealer
	cfg     Config
	flights singleflight.Group // one refresh per installation at a time
	styles  sync.Map           // token URL + client id -> oauth2.AuthStyle
}

// New returns a Vault over store, sealing with sealer.
func New(store CredentialStore, sealer *Sealer, cfg Config) (*Vault, error) {
	if store == nil || sealer == nil {
		return nil, errors.New("vault: new needs a store and a sealer")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Vault{store: store, sealer: sealer, cfg: cfg}, nil
}

func (r InstallationRef) validate() error {
	if r.ID == "" || r.App == "" {
		return fmt.Errorf("vault: installation ref needs an id and an app, got installation[%s] app[%s]", r.ID, r.App)
	}
	return nil
}

// Put seals cred for inst and stores it with cred.Status, replacing what
// was there.
func (v *Vault) Put(ctx context.Context, inst InstallationRef, cred Credential) error {
	if err := inst.validate(); err != nil {
		return err
	}
	ct, err := v.seal(inst, cred)
	if err != nil {
		return err
	}
	st := cred.Status
	if st.Invalid && st.Since.IsZero() {
		st.Since = v.cfg.now()
	}
	if err := v.store.Put(ctx, Sealed{Installation: inst.ID, App: inst.App, Ciphertext: ct, Status: st}); err != nil {
		return fmt.Errorf("vault: put installation[%s]: %w", inst.ID, err)
	}
	return nil
}

// Get opens the credential of inst. It fails with ErrNotFound, or with
// ErrDecrypt when the stored row was not sealed for inst.
func (v *Vault) Get(ctx context.Context, inst InstallationRef) (Credential, error) {
	c, _, err := v.get(ctx, inst)
	return c, err
}

// MarkInvalid records that inst's credential no longer works and why
// (reason is shown to the user; never put a secret in it).
func (v *Vault) MarkInvalid(ctx context.Context, inst InstallationRef, reason string) error {
	st := Status{Invalid: true, Reason: clip(reason, maxReasonBytes), Since: v.cfg.now()}
	if err := v.store.SetStatus(ctx, inst.ID, st); err != nil {
		return fmt.Errorf("vault: mark installation[%s] invalid: %w", inst.ID, err)
	}
	return nil
}

func (v *Vault) seal(inst InstallationRef, cred Credential) ([]byte, error) {
	if err := cred.validate(); err != nil {
		return nil, err
	}
	pt, err := cred.marshal()
	if err != nil {
		return nil, err
	}
	ct, err := v.sealer.Seal(inst.aad(), pt)
	clear(pt)
	if err != nil {
		return nil, fmt.Errorf("vault: seal installation[%s]: %w", inst.ID, err)
	}
	return ct, nil
}

// get returns the credential and the ciphertext it came from.
func (v *Vault) get(ctx context.Context, inst InstallationRef) (Credential, []byte, error) {
	if err := inst.validate(); err != nil {
		return Credential{}, nil, err
	}
	rec, err := v.store.Get(ctx, inst.ID)
	if err != nil {
		return Credential{}, nil, fmt.Errorf("vault: get installation[%s]: %w", inst.ID, err)
	}
	if rec.App != inst.App {
		return Credential{}, nil, fmt.Errorf("vault: installation[%s] belongs to app[%s], not app[%s]: %w", inst.ID, rec.App, inst.App, ErrDecrypt)
	}
	pt, err := v.sealer.Open(inst.aad(), rec.Ciphertext)
	if err != nil {
		return Credential{}, nil, fmt.Errorf("vault: %w", err)
	}
	c, err := unmarshalCredential(pt)
	clear(pt)
	if err != nil {
		return Credential{}, nil, fmt.Errorf("installation[%s]: %w", inst.ID, err)
	}
	c.Status = rec.Status
	return c, rec.Ciphertext, nil
}

// clip cuts s to at most n bytes on a rune boundary and drops control
// characters, for text that came from outside (a provider's error
// description).
func clip(s string, n int) string {
	b := make([]rune, 0, min(len(s), n))
	size := 0
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		l := len(string(r))
		if size+l > n {
			break
		}
		size += l
		b = append(b, r)
	}
	return string(b)
}
