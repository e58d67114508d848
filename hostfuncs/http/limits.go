package http

import (
	"sync"
	"time"

	"github.com/slotbox/slotbox/abi"
	"golang.org/x/time/rate"
)

// pruneAbove is the registry size past which idle installations are dropped.
const pruneAbove = 4096

// limits holds each installation's token bucket and in-flight semaphore.
type limits struct {
	mu            sync.Mutex
	m             map[string]*installLimits
	rate          rate.Limit
	burst         int
	maxConcurrent int
}

// installLimits are one installation's limits.
type installLimits struct {
	bucket *rate.Limiter
	sem    chan struct{}
}

// newLimits returns an empty registry for cfg.
func newLimits(cfg Config) *limits {
	return &limits{m: map[string]*installLimits{}, rate: cfg.rateLimit, burst: cfg.rateBurst, maxConcurrent: cfg.maxConcurrent}
}

// acquire takes a concurrency slot and a token for installation at now, or
// fails at once with a retryable RATE_LIMITED; it never waits. The caller
// calls release when the request is done.
func (l *limits) acquire(installation string, now time.Time) (release func(), _ *abi.Error) {
	il := l.get(installation, now)
	select {
	case il.sem <- struct{}{}:
	default:
		return nil, retryable(abi.Errorf(abi.CodeRateLimited,
			"installation[%s] has %d requests in flight, the most allowed; retry when one finishes", installation, l.maxConcurrent))
	}
	release = func() { <-il.sem }
	if il.bucket.AllowN(now, 1) {
		return release, nil
	}
	release()
	e := abi.Errorf(abi.CodeRateLimited, "installation[%s] exceeded its request rate", installation)
	if lim := il.bucket.Limit(); lim > 0 {
		need := 1 - il.bucket.TokensAt(now)
		wait := time.Duration(need / float64(lim) * float64(time.Second))
		e.Message += "; retry after " + max(wait, time.Millisecond).Round(time.Millisecond).String()
	}
	return nil, retryable(e)
}

// get returns installation's limits, creating them.
func (l *limits) get(installation string, now time.Time) *installLimits {
	l.mu.Lock()
	defer l.mu.Unlock()
	if il, ok := l.m[installation]; ok {
		return il
	}
	if len(l.m) >= pruneAbove {
		l.prune(now)
	}
	il := &installLimits{bucket: rate.NewLimiter(l.rate, l.burst), sem: make(chan struct{}, l.maxConcurrent)}
	l.m[installation] = il
	return il
}

// prune drops installations with nothing in flight and a full bucket: a new
// entry would behave the same.
func (l *limits) prune(now time.Time) {
	for k, il := range l.m {
		if len(il.sem) == 0 && (l.rate == rate.Inf || il.bucket.TokensAt(now) >= float64(l.burst)) {
			delete(l.m, k)
		}
	}
}
