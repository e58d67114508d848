// Package webhook delivers a tenant's booking events to the subscriber URLs
// it registered, in Cal.com's payload shape {triggerEvent, createdAt,
// payload}, signed twice: Cal.com's X-Cal-Signature-256 (hex HMAC-SHA256 of
// the body) and the Standard Webhooks headers webhook-id, webhook-timestamp
// and webhook-signature ("v1,<base64 HMAC-SHA256 of id.timestamp.body>").
//
// Every delivery is a durable job (internal/jobs) inserted in the same
// transaction as the booking change it reports, retried with backoff until
// it succeeds or runs out of attempts (status dead, replayable). Subscriber
// URLs pass the same outbound policy as an app's HTTP requests: the URL
// check at registration and before each send, the dial-time address check
// of hostfuncs/http's SafeTransport, no redirects (a 3xx is a failure). A
// 410 Gone switches the webhook off, as Standard Webhooks asks. Secrets are
// sealed by the vault and never leave the server after creation.
package webhook

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/jobs"
	"github.com/slotbox/slotbox/internal/store"
)

// Deps are what a Service runs on. All are required but Logger.
type Deps struct {
	Store  *store.Store
	Jobs   *jobs.Runner
	Sealer *vault.Sealer
	// HTTP is the operator's outbound policy (allow-net exemptions, plain
	// http), the same one apps' requests follow.
	HTTP   hhttp.Config
	Logger *slog.Logger
}

// Config tunes a Service. It is immutable: each With method returns a
// changed copy. Start from DefaultConfig.
type Config struct {
	timeout     time.Duration
	maxResponse int64
	userAgent   string
	now         func() time.Time
}

// DefaultConfig gives a subscriber 15 s to answer and reads at most 64 KiB
// of its answer.
func DefaultConfig() Config {
	return Config{timeout: 15 * time.Second, maxResponse: 64 << 10, userAgent: "slotbox-webhooks/1", now: time.Now}
}

// WithTimeout sets how long a subscriber has to answer one delivery.
func (c Config) WithTimeout(d time.Duration) Config { c.timeout = d; return c }

// WithClock sets the clock of timestamps (tests).
func (c Config) WithClock(now func() time.Time) Config { c.now = now; return c }

func (c Config) validate() error {
	switch {
	case c.timeout <= 0 || c.timeout > 5*time.Minute:
		return errors.New("webhook: timeout must be positive and at most 5m")
	case c.maxResponse <= 0:
		return errors.New("webhook: response cap must be positive")
	case c.now == nil:
		return errors.New("webhook: config has no clock")
	}
	return nil
}

// Service registers webhooks and delivers to them. It is safe for
// concurrent use.
type Service struct {
	st     *store.Store
	jobs   *jobs.Runner
	sealer *vault.Sealer
	policy hhttp.Config
	client *http.Client
	log    *slog.Logger
	cfg    Config
}

// New returns a Service and registers its delivery worker on deps.Jobs.
func New(deps Deps, cfg Config) (*Service, error) {
	if deps.Store == nil || deps.Jobs == nil || deps.Sealer == nil {
		return nil, errors.New("webhook: new needs a store, a job runner and a sealer")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	transport, err := hhttp.SafeTransport(deps.HTTP)
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		st: deps.Store, jobs: deps.Jobs, sealer: deps.Sealer, policy: deps.HTTP, log: logger, cfg: cfg,
		client: &http.Client{
			Transport: transport,
			Timeout:   cfg.timeout,
			// A redirect is a failure: following it would leave the URL
			// that was checked.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	river.AddWorker(deps.Jobs.Workers(), &deliveryWorker{s: s})
	return s, nil
}

// Close releases idle connections.
func (s *Service) Close() { s.client.CloseIdleConnections() }
