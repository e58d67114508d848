package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	slotbox "github.com/slotbox/slotbox"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/kv"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/config"
	"github.com/slotbox/slotbox/internal/httpapi"
	"github.com/slotbox/slotbox/internal/metrics"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

// Names inside the data folder.
const (
	dbFile   = "slotbox.db"
	cacheDir = "cache"
)

// server is every part of a running server, wired.
type server struct {
	cfg    *config.Config
	log    *slog.Logger
	store  *store.Store
	engine *runtime.Engine
	client *hhttp.Client
	kv     *kv.KV
	apps   *appstore.Service
	api    *httpapi.Server

	closers []func() error // in the order to run them
}

// open wires the server: data folder, store, master key, runtime, host
// functions, app store and API.
func open(ctx context.Context, cfg *config.Config, logger *slog.Logger, h hooks) (_ *server, err error) {
	s := &server{cfg: cfg, log: logger}
	defer func() {
		if err != nil {
			_ = s.close()
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir [%s]: %w", cfg.DataDir, err)
	}
	if s.store, err = store.Open(ctx, filepath.Join(cfg.DataDir, dbFile)); err != nil {
		return nil, err
	}
	s.defer_(s.store.Close)

	key, err := vault.LoadMasterKey(cfg.Lookup, cfg.DataDir, logger)
	if err != nil {
		return nil, err
	}
	previous, err := vault.LoadPreviousKeys(cfg.Lookup)
	if err != nil {
		return nil, err
	}
	sealer, err := vault.NewSealer(key, previous...)
	if err != nil {
		return nil, err
	}
	adminToken, err := config.LoadAdminToken(cfg, logger)
	if err != nil {
		return nil, err
	}

	rc := runtime.NewConfig().WithCacheDir(filepath.Join(cfg.DataDir, cacheDir)).
		WithMemoryLimit(cfg.MemoryLimit).WithTimeout(cfg.CallTimeout).WithFuel(cfg.Fuel).
		WithMaxModuleSize(cfg.MaxModuleSize).WithIdleMemoryBudget(cfg.IdleMemory).WithIdleTimeout(cfg.IdleTimeout)
	if s.engine, err = runtime.NewEngine(ctx, rc); err != nil {
		return nil, err
	}
	s.defer_(func() error { return s.engine.Close(context.Background()) })

	hc := hhttp.NewConfig().WithAllowNet(cfg.AllowNet...).WithAllowHTTP(cfg.AllowHTTP).WithLogger(logger.With("component", "http"))
	if h.httpCfg != nil {
		hc = h.httpCfg(hc)
	}
	if s.client, err = hhttp.New(hc); err != nil {
		return nil, err
	}
	s.defer_(func() error { s.client.Close(); return nil })
	// The OAuth token endpoints are reached under the same address policy
	// as apps' requests.
	transport, err := hhttp.SafeTransport(hc)
	if err != nil {
		return nil, err
	}
	oauthClient := &http.Client{Transport: transport, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	v, err := vault.New(s.store.CredentialStore(), sealer, vault.DefaultConfig().WithLogger(logger.With("component", "vault")).
		WithOAuthHTTPClient(oauthClient).
		WithOAuthApps(func(ctx context.Context, slug string) (*vault.OAuthApp, error) { return s.apps.OAuthApp(ctx, slug) }))
	if err != nil {
		return nil, err
	}
	if s.kv, err = kv.New(s.store.KVStore(), kv.DefaultConfig()); err != nil {
		return nil, err
	}

	var m *metrics.Metrics
	if cfg.Metrics {
		m = metrics.New()
		if err := errors.Join(m.WatchEngine(s.engine.Stats), m.WatchStore(s.store.Stats)); err != nil {
			return nil, err
		}
	}
	stateKey, err := appstore.DeriveStateKey(key)
	if err != nil {
		return nil, err
	}
	clients := make(map[string]appstore.OAuthClient, len(cfg.OAuthClients))
	for slug, c := range cfg.OAuthClients {
		clients[slug] = appstore.OAuthClient{ClientID: c.ClientID, ClientSecret: c.ClientSecret}
	}
	bundle := appstore.DefaultBundleLimits(int64(cfg.MaxModuleSize))
	bundle.MaxCompressed = cfg.MaxUploadSize
	deps := appstore.Deps{Store: s.store, Engine: s.engine, Vault: v, HTTP: s.client, KV: s.kv,
		Logger: logger.With("component", "appstore"), StateKey: stateKey}
	if m != nil {
		deps.Observer = m
	}
	s.apps, err = appstore.New(deps, appstore.DefaultConfig().WithBaseURL(cfg.BaseURL).WithOAuthClients(clients).WithBundleLimits(bundle))
	if err != nil {
		return nil, err
	}
	s.defer_(func() error { return s.apps.Close(context.Background()) })

	bookings, err := openBookings(ctx, s, sealer, hc, logger)
	if err != nil {
		return nil, err
	}
	s.api, err = httpapi.New(httpapi.Deps{Apps: s.apps, Store: s.store, Metrics: m, Logger: logger, AdminToken: adminToken, Booking: bookings},
		httpapi.DefaultConfig().WithMetricsAllow(cfg.MetricsAllow).WithMaxUpload(cfg.MaxUploadSize))
	if err != nil {
		return nil, err
	}
	return s, nil
}

// registerFirstParty publishes the apps embedded in the binary. It runs
// beside the serving (the first start compiles every app, which takes
// seconds); a broken app is logged and skipped. It returns how many
// versions it published.
func (s *server) registerFirstParty(ctx context.Context) (int, error) {
	apps, err := slotbox.FirstPartyApps()
	if err != nil {
		s.log.Error("read the embedded first-party apps", "err", err)
		return 0, err
	}
	ups := make([]appstore.Upload, len(apps))
	for i, a := range apps {
		ups[i] = appstore.Upload{Manifest: a.Config, Wasm: a.Wasm}
	}
	start := time.Now()
	n, err := s.apps.RegisterFirstParty(ctx, ups)
	if err != nil {
		s.log.Error("some first-party apps were not registered", "err", err)
	}
	s.log.Info("first-party apps ready", "embedded", len(apps), "published_now", n, "took", time.Since(start))
	return n, err
}

// defer_ adds a closer, run by close in reverse order of adding.
func (s *server) defer_(f func() error) { s.closers = append(s.closers, f) }

// close closes what open opened, last opened first.
func (s *server) close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	s.closers = nil
	return errors.Join(errs...)
}

// sweep runs the housekeeping every interval until ctx is done: idle
// instances past their timeout close, call records past the retention and
// expired kv entries go.
func (s *server) sweep(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.sweepOnce(ctx)
		}
	}
}

func (s *server) sweepOnce(ctx context.Context) {
	s.engine.Sweep(ctx)
	if s.cfg.CallRetention > 0 {
		n, err := s.store.PruneCallRecords(ctx, time.Now().Add(-s.cfg.CallRetention))
		if err != nil {
			s.log.Error("prune call records", "err", err)
		} else if n > 0 {
			s.log.Info("pruned call records", "count", n, "retention", s.cfg.CallRetention)
		}
	}
	if n, err := s.kv.Purge(ctx); err != nil {
		s.log.Error("purge expired kv entries", "err", err)
	} else if n > 0 {
		s.log.Debug("purged expired kv entries", "count", n)
	}
}
