// Package booking runs the apps a booking needs, durably, and reports what
// each did. It follows Cal.com's EventManager: a calendar event on the
// destination calendar, a video meeting when the location is a
// conferencing app's, CRM contacts and an event, a payment when the event
// type has a price, analytics and automation triggers, and Cal.com's
// webhooks; reschedules update through the stored references keeping the
// iCalUID, cancellations delete. It fixes EventManager's known faults: no
// app error is swallowed (every step has a status with its error and
// attempts), availability never fails open, and every app call and webhook
// delivery is a retried job.
//
// Every change to a booking is an operation whose steps (one app method of
// one installation) are planned in the same transaction as the booking
// row, with the jobs of the first stage. Steps run stage by stage (video
// and payment, then calendar and CRM, then triggers) and, per
// installation, in the order of operations, so an update never overtakes
// the create it updates. A step that settles (succeeds, fails for good or
// runs out of attempts) enqueues what it unblocked in its own transaction,
// so a crash at any point leaves a state a restart resumes from.
package booking

import (
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/jobs"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/internal/webhook"
)

// Deps are what a Service runs on. All are required but Logger.
type Deps struct {
	Store    *store.Store
	Apps     *appstore.Service
	Jobs     *jobs.Runner
	Webhooks *webhook.Service
	// Sealer seals the Cal.com webhook secrets.
	Sealer *vault.Sealer
	Logger *slog.Logger
}

// Config tunes a Service. It is immutable: each With method returns a
// changed copy. Start from DefaultConfig.
type Config struct {
	availTTL        time.Duration
	availTimeout    time.Duration
	availMaxRange   time.Duration
	availMaxEntries int
	maxWait         time.Duration
	stepTimeout     time.Duration
	now             func() time.Time
}

// DefaultConfig caches busy times 30 s per installation, gives each
// calendar 10 s to answer, accepts availability ranges up to 93 days, lets
// a caller wait up to 30 s for a booking's steps and gives one app call of
// a step 30 s (a CRM step makes up to three calls; a job has 2 minutes).
func DefaultConfig() Config {
	return Config{
		availTTL:        30 * time.Second,
		availTimeout:    10 * time.Second,
		availMaxRange:   93 * 24 * time.Hour,
		availMaxEntries: 4096,
		maxWait:         30 * time.Second,
		stepTimeout:     30 * time.Second,
		now:             time.Now,
	}
}

// WithAvailabilityCache sets how long busy times are kept per installation
// (0 turns the cache off) and how many entries at most.
func (c Config) WithAvailabilityCache(ttl time.Duration, maxEntries int) Config {
	c.availTTL, c.availMaxEntries = ttl, maxEntries
	return c
}

// WithAvailabilityTimeout sets how long each calendar has to answer.
func (c Config) WithAvailabilityTimeout(d time.Duration) Config { c.availTimeout = d; return c }

// WithMaxWait bounds how long a request may wait for a booking's steps.
func (c Config) WithMaxWait(d time.Duration) Config { c.maxWait = d; return c }

// WithStepTimeout bounds one app call of a step.
func (c Config) WithStepTimeout(d time.Duration) Config { c.stepTimeout = d; return c }

// WithClock sets the clock (tests).
func (c Config) WithClock(now func() time.Time) Config { c.now = now; return c }

// MaxWait is the longest wait a request may ask for.
func (c Config) MaxWait() time.Duration { return c.maxWait }

func (c Config) validate() error {
	switch {
	case c.availTTL < 0 || c.availMaxEntries < 1:
		return errors.New("booking: availability cache ttl must not be negative, entries positive")
	case c.availTimeout <= 0 || c.availMaxRange <= 0 || c.maxWait <= 0 || c.stepTimeout <= 0:
		return errors.New("booking: timeouts and the range must be positive")
	case c.now == nil:
		return errors.New("booking: config has no clock")
	}
	return nil
}

// Service is the booking orchestration. It is safe for concurrent use.
type Service struct {
	st        *store.Store
	apps      *appstore.Service
	jobs      *jobs.Runner
	hooks     *webhook.Service
	sealer    *vault.Sealer
	log       *slog.Logger
	cfg       Config
	manifests *manifestCache
	waiters   *notifier
	avail     *availCache
}

// New returns a Service and registers its workers on deps.Jobs, which the
// caller starts afterwards.
func New(deps Deps, cfg Config) (*Service, error) {
	if deps.Store == nil || deps.Apps == nil || deps.Jobs == nil || deps.Webhooks == nil || deps.Sealer == nil {
		return nil, errors.New("booking: new needs a store, the app store, a job runner, the webhooks and a sealer")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		st: deps.Store, apps: deps.Apps, jobs: deps.Jobs, hooks: deps.Webhooks, sealer: deps.Sealer, log: logger, cfg: cfg,
		manifests: newManifestCache(256),
		waiters:   newNotifier(),
		avail:     newAvailCache(cfg.availTTL, cfg.availMaxEntries, cfg.now),
	}
	river.AddWorker(deps.Jobs.Workers(), &stepWorker{s: s})
	river.AddWorker(deps.Jobs.Workers(), &meetingWorker{s: s})
	return s, nil
}
