package jobs

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Config tunes the Runner. It is immutable: each With method returns a
// changed copy. Start from DefaultConfig.
type Config struct {
	maxAttempts        int
	retryBase          time.Duration
	retryFactor        float64
	retryMax           time.Duration
	jitter             float64
	hookWorkers        int
	webhookWorkers     int
	jobTimeout         time.Duration
	pollInterval       time.Duration
	fetchCooldown      time.Duration
	completedRetention time.Duration
	deadRetention      time.Duration
	recoverOnStart     bool
	logger             *slog.Logger
}

// DefaultConfig retries a failed job 9 times (10 attempts) after 5 s, 20 s,
// 80 s and so on (factor 4, each delay ±25 % jitter, at most 6 h),
// runs 32 booking steps and 16 webhook deliveries at once, fetches a queue
// at most every 10 ms, gives a job 2 minutes, keeps completed jobs a day
// and dead ones 30 days, and recovers jobs a killed process left running.
func DefaultConfig() Config {
	return Config{
		maxAttempts:        10,
		retryBase:          5 * time.Second,
		retryFactor:        4,
		retryMax:           6 * time.Hour,
		jitter:             0.25,
		hookWorkers:        32,
		webhookWorkers:     16,
		jobTimeout:         2 * time.Minute,
		pollInterval:       time.Second,
		fetchCooldown:      10 * time.Millisecond,
		completedRetention: 24 * time.Hour,
		deadRetention:      30 * 24 * time.Hour,
		recoverOnStart:     true,
	}
}

// WithMaxAttempts sets how many times a job runs before it is a dead letter.
func (c Config) WithMaxAttempts(n int) Config { c.maxAttempts = n; return c }

// WithBackoff sets the retry delays: base after the first failure, times
// factor after each further one, never more than max, each moved by up to
// ±jitter (a fraction, 0 to 1) at random.
func (c Config) WithBackoff(base time.Duration, factor float64, max time.Duration, jitter float64) Config {
	c.retryBase, c.retryFactor, c.retryMax, c.jitter = base, factor, max, jitter
	return c
}

// WithWorkers sets how many booking steps and webhook deliveries run at once.
func (c Config) WithWorkers(hooks, webhooks int) Config {
	c.hookWorkers, c.webhookWorkers = hooks, webhooks
	return c
}

// WithJobTimeout bounds one run of a job.
func (c Config) WithJobTimeout(d time.Duration) Config { c.jobTimeout = d; return c }

// WithPollInterval sets how often idle queues look for jobs that became
// due (inserts by this process are picked up at once).
func (c Config) WithPollInterval(d time.Duration) Config { c.pollInterval = d; return c }

// WithFetchCooldown sets the least time between two fetches of a queue
// (default 10 ms): shorter moves a booking through its stages sooner,
// longer spends fewer writer transactions on fetching under load.
func (c Config) WithFetchCooldown(d time.Duration) Config { c.fetchCooldown = d; return c }

// WithRetention sets how long completed and dead (discarded or cancelled)
// jobs stay in River's table.
func (c Config) WithRetention(completed, dead time.Duration) Config {
	c.completedRetention, c.deadRetention = completed, dead
	return c
}

// WithRecoverOnStart turns the start-up recovery of running jobs on or off
// (on by default; see Recover).
func (c Config) WithRecoverOnStart(on bool) Config { c.recoverOnStart = on; return c }

// WithLogger sets where River and the runner log.
func (c Config) WithLogger(l *slog.Logger) Config { c.logger = l; return c }

// MaxAttempts returns how many times a job runs before it is dead.
func (c Config) MaxAttempts() int { return c.maxAttempts }

func (c Config) validate() error {
	switch {
	case c.maxAttempts < 1 || c.maxAttempts > 100:
		return fmt.Errorf("jobs: max attempts %d: want 1 to 100", c.maxAttempts)
	case c.retryBase <= 0 || c.retryMax < c.retryBase:
		return errors.New("jobs: retry base must be positive and at most the retry max")
	case c.retryFactor < 1 || math.IsInf(c.retryFactor, 0) || math.IsNaN(c.retryFactor):
		return errors.New("jobs: retry factor must be at least 1")
	case c.jitter < 0 || c.jitter > 1 || math.IsNaN(c.jitter):
		return errors.New("jobs: jitter must be 0 to 1")
	case c.hookWorkers < 1 || c.webhookWorkers < 1 || c.hookWorkers > 10000 || c.webhookWorkers > 10000:
		return errors.New("jobs: workers must be 1 to 10000")
	case c.jobTimeout <= 0 || c.pollInterval <= 0 || c.fetchCooldown < time.Millisecond:
		return errors.New("jobs: job timeout and poll interval must be positive, the fetch cooldown at least 1ms")
	case c.pollInterval < c.fetchCooldown:
		return errors.New("jobs: poll interval must be at least the fetch cooldown")
	case c.completedRetention <= 0 || c.deadRetention <= 0:
		return errors.New("jobs: retention periods must be positive")
	}
	return nil
}

// retryPolicy returns the River retry policy of c.
func (c Config) retryPolicy() river.ClientRetryPolicy {
	return backoff{base: c.retryBase, factor: c.retryFactor, max: c.retryMax, jitter: c.jitter, now: time.Now}
}

// backoff is exponential backoff with jitter.
type backoff struct {
	base   time.Duration
	factor float64
	max    time.Duration
	jitter float64
	now    func() time.Time
}

// NextRetry implements river.ClientRetryPolicy. It counts failures by the
// job's recorded errors, as River does, so snoozes do not lengthen delays.
func (b backoff) NextRetry(job *rivertype.JobRow) time.Time {
	return b.now().Add(b.delay(len(job.Errors)+1, rand.Float64()))
}

// delay is the wait after the nth failure (n >= 1), with r in [0, 1) as the
// random draw: base·factor^(n-1) moved by up to ±jitter, capped at max.
func (b backoff) delay(n int, r float64) time.Duration {
	d := float64(b.base) * math.Pow(b.factor, float64(max(n, 1)-1))
	d *= 1 + b.jitter*(2*r-1)
	if d > float64(b.max) || math.IsInf(d, 0) || math.IsNaN(d) {
		d = float64(b.max)
	}
	return max(time.Duration(d), time.Millisecond)
}
