package http

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// Config is the operator's policy for outbound HTTP: caps, limits, the
// networks exempt from the address policy, and hooks for tests. It is
// immutable: every With method returns a changed copy. The zero value is not
// usable; start from NewConfig. Values are validated by New and SafeTransport.
type Config struct {
	allowHTTP        bool
	allowNet         []netAllowance
	allowNetErr      error
	resolver         Resolver
	tlsConfig        *tls.Config
	maxRequestBytes  int64
	maxResponseBytes int64
	maxHeaders       int
	maxHeaderBytes   int
	defaultTimeout   time.Duration
	maxTimeout       time.Duration
	maxRedirects     int
	rateLimit        rate.Limit
	rateBurst        int
	maxConcurrent    int
	cacheMaxEntries  int
	cacheMaxBytes    int64
	cacheMaxTTL      time.Duration
	clock            func() time.Time
	logger           *slog.Logger
	userAgent        string
}

// Defaults of NewConfig.
const (
	DefaultMaxRequestBytes  = 1 << 20
	DefaultMaxResponseBytes = 5 << 20
	DefaultMaxHeaders       = 64
	DefaultMaxHeaderBytes   = 32 << 10
	DefaultTimeout          = 10 * time.Second
	DefaultMaxTimeout       = 30 * time.Second
	DefaultMaxRedirects     = 5
	DefaultRateLimit        = rate.Limit(10)
	DefaultRateBurst        = 20
	DefaultMaxConcurrent    = 8
	DefaultCacheMaxEntries  = 1024
	DefaultCacheMaxBytes    = 16 << 20
	DefaultCacheMaxTTL      = 5 * time.Minute
	DefaultUserAgent        = "slotbox/1"
)

// NewConfig returns the default policy: https only, no network exempt from
// the address policy, the Default caps and limits, the system resolver.
func NewConfig() Config {
	return Config{
		maxRequestBytes:  DefaultMaxRequestBytes,
		maxResponseBytes: DefaultMaxResponseBytes,
		maxHeaders:       DefaultMaxHeaders,
		maxHeaderBytes:   DefaultMaxHeaderBytes,
		defaultTimeout:   DefaultTimeout,
		maxTimeout:       DefaultMaxTimeout,
		maxRedirects:     DefaultMaxRedirects,
		rateLimit:        DefaultRateLimit,
		rateBurst:        DefaultRateBurst,
		maxConcurrent:    DefaultMaxConcurrent,
		cacheMaxEntries:  DefaultCacheMaxEntries,
		cacheMaxBytes:    DefaultCacheMaxBytes,
		cacheMaxTTL:      DefaultCacheMaxTTL,
		userAgent:        DefaultUserAgent,
	}
}

// WithAllowHTTP lets allow-list entries written "http://..." match plain
// http URLs. Off by default: only https is ever sent.
func (c Config) WithAllowHTTP(allow bool) Config {
	c.allowHTTP = allow
	return c
}

// WithAllowNet replaces the operator's exemptions from the address policy
// (the CLI's --allow-net). Each entry is an IP ("10.1.2.3", "::1"), an
// IP and port ("127.0.0.1:8443", "[::1]:8443"), a CIDR ("10.0.0.0/8") or a
// host name with or without port ("localhost:8443"); a name exempts the
// addresses it resolves to when that name is dialled. Exemptions never widen
// an app's allow-list. A bad entry is reported by New and SafeTransport.
func (c Config) WithAllowNet(entries ...string) Config {
	c.allowNet, c.allowNetErr = nil, nil
	for _, e := range entries {
		a, err := parseNetAllowance(e)
		if err != nil {
			c.allowNetErr = errors.Join(c.allowNetErr, err)
			continue
		}
		c.allowNet = append(c.allowNet, a)
	}
	return c
}

// WithResolver replaces the resolver that turns host names into the
// addresses dialled; net.DefaultResolver when nil. Tests inject one.
func (c Config) WithResolver(r Resolver) Config {
	c.resolver = r
	return c
}

// WithTLSClientConfig sets the TLS client configuration (for example extra
// root CAs); it is cloned. The default trusts the system roots.
func (c Config) WithTLSClientConfig(tc *tls.Config) Config {
	c.tlsConfig = tc.Clone()
	return c
}

// WithMaxRequestBytes caps the decoded request body.
func (c Config) WithMaxRequestBytes(n int64) Config {
	c.maxRequestBytes = n
	return c
}

// WithMaxResponseBytes caps the response body; a longer body fails the call
// with LIMIT_EXCEEDED.
func (c Config) WithMaxResponseBytes(n int64) Config {
	c.maxResponseBytes = n
	return c
}

// WithMaxHeaders caps the header count and the total header bytes (names
// plus values), applied to the request and the response alike.
func (c Config) WithMaxHeaders(count, bytes int) Config {
	c.maxHeaders, c.maxHeaderBytes = count, bytes
	return c
}

// WithTimeouts sets the timeout used when the guest gives none and the most
// a guest may ask for.
func (c Config) WithTimeouts(def, max time.Duration) Config {
	c.defaultTimeout, c.maxTimeout = def, max
	return c
}

// WithMaxRedirects sets how many redirects one request may follow; 0 follows
// none (a 3xx fails the call).
func (c Config) WithMaxRedirects(n int) Config {
	c.maxRedirects = n
	return c
}

// WithRateLimit sets each installation's token bucket: r requests a second,
// bursts of up to burst. rate.Inf turns rate limiting off; r = 0 allows burst
// requests in all.
func (c Config) WithRateLimit(r rate.Limit, burst int) Config {
	c.rateLimit, c.rateBurst = r, burst
	return c
}

// WithMaxConcurrent caps the requests one installation has in flight; one
// more fails at once with RATE_LIMITED.
func (c Config) WithMaxConcurrent(n int) Config {
	c.maxConcurrent = n
	return c
}

// WithCache bounds the response cache (entries and bytes over all
// installations) and the longest TTL a guest may ask for. maxEntries = 0
// turns caching off.
func (c Config) WithCache(maxEntries int, maxBytes int64, maxTTL time.Duration) Config {
	c.cacheMaxEntries, c.cacheMaxBytes, c.cacheMaxTTL = maxEntries, maxBytes, maxTTL
	return c
}

// WithClock replaces time.Now for the cache and the rate limiter (tests).
// Request timeouts always use real time.
func (c Config) WithClock(now func() time.Time) Config {
	c.clock = now
	return c
}

// WithLogger sets where one line per request goes (installation, method,
// host, status or error code, bytes, duration; never headers, bodies, paths
// or credentials). Discarded when nil.
func (c Config) WithLogger(l *slog.Logger) Config {
	c.logger = l
	return c
}

// WithUserAgent sets the User-Agent sent when the guest sets none.
func (c Config) WithUserAgent(ua string) Config {
	c.userAgent = ua
	return c
}

// validate reports the first setting that cannot work.
func (c Config) validate() error {
	switch {
	case c.allowNetErr != nil:
		return fmt.Errorf("allow-net: %w", c.allowNetErr)
	case c.maxRequestBytes <= 0 || c.maxResponseBytes <= 0:
		return errors.New("body caps must be positive")
	case c.maxResponseBytes > math.MaxInt32:
		return errors.New("response cap must be below 2 GiB")
	case c.maxHeaders <= 0 || c.maxHeaderBytes <= 0:
		return errors.New("header caps must be positive")
	case c.defaultTimeout <= 0 || c.maxTimeout <= 0:
		return errors.New("timeouts must be positive")
	case c.maxRedirects < 0:
		return errors.New("max redirects must not be negative")
	case c.rateLimit < 0:
		return errors.New("rate limit must not be negative")
	case c.rateLimit != rate.Inf && c.rateBurst <= 0:
		return errors.New("rate burst must be positive")
	case c.maxConcurrent <= 0:
		return errors.New("max concurrent must be positive")
	case c.cacheMaxEntries < 0 || c.cacheMaxBytes < 0 || c.cacheMaxTTL < 0:
		return errors.New("cache bounds must not be negative")
	}
	return nil
}

// now returns the configured clock's time.
func (c Config) now() time.Time {
	if c.clock != nil {
		return c.clock()
	}
	return time.Now()
}

// log returns the configured logger or one that discards.
func (c Config) log() *slog.Logger {
	if c.logger != nil {
		return c.logger
	}
	return slog.New(slog.DiscardHandler)
}

// effectiveTimeout is the guest's timeout_ms, or the default when 0, capped
// by the operator's maximum. The caller's context deadline applies on top.
func (c Config) effectiveTimeout(ms int) time.Duration {
	d := c.defaultTimeout
	if ms > 0 {
		d = c.maxTimeout
		if int64(ms) < c.maxTimeout.Milliseconds() {
			d = time.Duration(ms) * time.Millisecond
		}
	}
	return min(d, c.maxTimeout)
}
