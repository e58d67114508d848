// Package appstore is the service layer between the HTTP API (and the
// booking orchestration) and the parts below it: it publishes app versions
// through the runtime's validation into the store, keeps the compiled
// modules, binds each installation's host functions, runs calls and records
// them, installs apps with keys or OAuth, and validates event-type settings.
//
// Every tenant-facing method takes the tenant id and reports another
// tenant's row exactly like a missing one (store.ErrNotFound). No method
// puts a credential value into a record, a log line or an error.
package appstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/kv"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

// CallObserver is told about every app call, for metrics.
type CallObserver interface {
	ObserveCall(app, method, outcome string, d time.Duration)
}

// Deps are the parts a Service runs on. All are required but Observer.
type Deps struct {
	Store  *store.Store
	Engine *runtime.Engine
	Vault  *vault.Vault
	HTTP   *hhttp.Client
	KV     *kv.KV
	Logger *slog.Logger
	// Observer receives each call's app, method, outcome and duration.
	Observer CallObserver
	// StateKey signs OAuth state (HMAC-SHA256); at least 32 bytes, derived
	// from the master key (see DeriveStateKey).
	StateKey []byte
}

// Service is the app store. It is safe for concurrent use.
type Service struct {
	store    *store.Store
	engine   *runtime.Engine
	vault    *vault.Vault
	binder   *Binder
	log      *slog.Logger
	observer CallObserver
	cfg      Config
	cache    *appCache
	oauth    *oauthStates

	keyLocks sync.Map // installation id -> *sync.Mutex, serialising key changes
}

// New returns a Service over deps.
func New(deps Deps, cfg Config) (*Service, error) {
	switch {
	case deps.Store == nil || deps.Engine == nil || deps.Vault == nil || deps.HTTP == nil || deps.KV == nil:
		return nil, errors.New("appstore: new needs a store, an engine, a vault, an http client and a kv")
	case len(deps.StateKey) < 32:
		return nil, errors.New("appstore: the oauth state key must be at least 32 bytes")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		store:    deps.Store,
		engine:   deps.Engine,
		vault:    deps.Vault,
		binder:   NewBinder(deps.HTTP, deps.Vault, deps.KV, deps.Store.VaultAuditor()),
		log:      logger,
		observer: deps.Observer,
		cfg:      cfg,
		oauth:    newOAuthStates(deps.StateKey, cfg.now),
	}
	s.cache = newAppCache(deps.Engine, deps.Store, cfg.maxCachedApps)
	return s, nil
}

// Binder returns the Service's binder, for callers that run calls
// themselves.
func (s *Service) Binder() *Binder { return s.binder }

// Close closes every compiled app the Service holds. Calls in flight
// finish first; the engine and the store are the caller's to close.
func (s *Service) Close(ctx context.Context) error {
	s.cache.closeAll(ctx)
	return nil
}

// keyLock returns the mutex serialising key changes of one installation.
func (s *Service) keyLock(installation string) *sync.Mutex {
	m, _ := s.keyLocks.LoadOrStore(installation, &sync.Mutex{})
	return m.(*sync.Mutex)
}

// Config tunes a Service. It is immutable: each With method returns a
// changed copy. Start from DefaultConfig.
type Config struct {
	maxCachedApps int
	bundle        BundleLimits
	stateTTL      time.Duration
	baseURL       string
	oauthClients  map[string]OAuthClient
	recordTimeout time.Duration
	now           func() time.Time
}

// OAuthClient is the client id and secret the operator registered with an
// app's OAuth provider.
type OAuthClient struct {
	ClientID     string
	ClientSecret string
}

// DefaultConfig keeps up to 256 compiled app versions, accepts bundles
// within DefaultBundleLimits, lets an OAuth state live 10 minutes and uses
// http://localhost:8080 as the base of redirect URLs.
func DefaultConfig() Config {
	return Config{
		maxCachedApps: 256,
		bundle:        DefaultBundleLimits(16 << 20),
		stateTTL:      10 * time.Minute,
		baseURL:       "http://localhost:8080",
		recordTimeout: 5 * time.Second,
		now:           time.Now,
	}
}

// WithMaxCachedApps keeps at most n compiled app versions; the least
// recently used beyond that are closed and compiled again on demand.
func (c Config) WithMaxCachedApps(n int) Config { c.maxCachedApps = n; return c }

// WithBundleLimits sets the caps of uploaded bundles.
func (c Config) WithBundleLimits(l BundleLimits) Config { c.bundle = l; return c }

// WithOAuthStateTTL sets how long an OAuth authorization may take.
func (c Config) WithOAuthStateTTL(d time.Duration) Config { c.stateTTL = d; return c }

// WithBaseURL sets the server's public URL, the base of OAuth redirect URLs.
func (c Config) WithBaseURL(u string) Config { c.baseURL = u; return c }

// WithOAuthClients sets the operator's OAuth clients by app slug; the map
// is copied.
func (c Config) WithOAuthClients(m map[string]OAuthClient) Config {
	c.oauthClients = make(map[string]OAuthClient, len(m))
	for k, v := range m {
		c.oauthClients[k] = v
	}
	return c
}

// WithClock sets the clock of OAuth state expiry (tests).
func (c Config) WithClock(now func() time.Time) Config { c.now = now; return c }

// BundleLimits returns the bundle caps.
func (c Config) BundleLimits() BundleLimits { return c.bundle }

func (c Config) validate() error {
	switch {
	case c.maxCachedApps < 1:
		return fmt.Errorf("appstore: max cached apps %d must be positive", c.maxCachedApps)
	case c.stateTTL <= 0:
		return errors.New("appstore: oauth state ttl must be positive")
	case c.now == nil:
		return errors.New("appstore: config has no clock")
	case c.recordTimeout <= 0:
		return errors.New("appstore: record timeout must be positive")
	}
	return c.bundle.validate()
}

// BundleLimits returns the caps uploaded bundles are read with.
func (s *Service) BundleLimits() BundleLimits { return s.cfg.bundle }
