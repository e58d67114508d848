// Package httpapi is the server's JSON API on Echo v5: the admin routes
// (apps, tenants and their API keys), the tenant routes (installations,
// event-type settings, the debug call, call records, OAuth install), the
// operations routes (/healthz, /readyz, /metrics) and the OpenAPI document
// that describes them all (/api/openapi.json).
//
// Every error is {"code","message"} with the right status, written by one
// error handler; validation errors add "problems", each with a JSON pointer
// into the request. Another tenant's ids answer 404 exactly like missing
// ones.
package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/metrics"
	"github.com/slotbox/slotbox/internal/store"
)

// Deps are what the API serves. Metrics may be nil (metrics off).
type Deps struct {
	Apps       *appstore.Service
	Store      *store.Store
	Metrics    *metrics.Metrics
	Logger     *slog.Logger
	AdminToken string
	// Booking serves the booking routes (booking_routes.go); without it
	// they answer 404.
	Booking BookingDeps
}

// Config tunes the API. It is immutable: each With method returns a changed
// copy. Start from DefaultConfig.
type Config struct {
	metricsAllow []netip.Prefix
	maxJSONBody  int64
	maxUpload    int64
	readyTimeout time.Duration
}

// DefaultConfig allows /metrics from loopback only, JSON bodies of 1 MiB,
// uploads of 32 MiB, and gives the readiness probe 2 s.
func DefaultConfig() Config {
	return Config{
		metricsAllow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
		maxJSONBody:  1 << 20,
		maxUpload:    32 << 20,
		readyTimeout: 2 * time.Second,
	}
}

// WithMetricsAllow sets the networks that may read /metrics.
func (c Config) WithMetricsAllow(p []netip.Prefix) Config {
	c.metricsAllow = append([]netip.Prefix(nil), p...)
	return c
}

// WithMaxJSONBody caps a JSON request body.
func (c Config) WithMaxJSONBody(n int64) Config { c.maxJSONBody = n; return c }

// WithMaxUpload caps an app upload request.
func (c Config) WithMaxUpload(n int64) Config { c.maxUpload = n; return c }

// WithReadyTimeout bounds the readiness probe's database ping.
func (c Config) WithReadyTimeout(d time.Duration) Config { c.readyTimeout = d; return c }

// Server is the API. Serve its Handler with an http.Server.
type Server struct {
	echo       *echo.Echo
	apps       *appstore.Service
	store      *store.Store
	metrics    *metrics.Metrics
	log        *slog.Logger
	adminToken [32]byte // SHA-256 of the token, compared in constant time
	cfg        Config
}

// routeUpload is the upload route, which has its own body limit.
const routeUpload = "/api/admin/apps"

// New builds the API and registers every route.
func New(deps Deps, cfg Config) (*Server, error) {
	switch {
	case deps.Apps == nil || deps.Store == nil:
		return nil, errors.New("httpapi: new needs the app store and the store")
	case len(deps.AdminToken) < 16:
		return nil, errors.New("httpapi: the admin token must be at least 16 characters")
	case cfg.maxJSONBody <= 0 || cfg.maxUpload <= 0 || cfg.readyTimeout <= 0:
		return nil, errors.New("httpapi: body limits and ready timeout must be positive")
	}
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{apps: deps.Apps, store: deps.Store, metrics: deps.Metrics, log: logger, cfg: cfg, adminToken: digest(deps.AdminToken)}
	e := echo.NewWithConfig(echo.Config{Logger: logger, HTTPErrorHandler: s.handleError})
	e.Use(s.observe, middleware.Recover(), middleware.RequestID(), s.headers,
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
			LimitBytes: cfg.maxJSONBody,
			Skipper:    func(c *echo.Context) bool { return c.Request().Method == http.MethodPost && c.Path() == routeUpload },
		}))
	s.echo = e
	s.registerHealth(e)
	s.registerOpenAPI(e)
	admin := e.Group("/api/admin", s.requireAdmin)
	s.registerAdminApps(admin)
	s.registerAdminTenants(admin)
	tenant := e.Group("/api", s.requireTenant)
	s.registerApps(tenant)
	s.registerInstallations(tenant)
	s.registerCalls(tenant)
	s.registerSettings(tenant)
	s.registerOAuth(e, tenant)
	s.registerBookingRoutes(e, tenant, deps.Booking)
	return s, nil
}

// Handler returns the API as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Routes lists the registered routes.
func (s *Server) Routes() echo.Routes { return s.echo.Router().Routes() }

// headers sets the headers every response carries: JSON is never sniffed
// as something else, and nothing is cached (an API key is shown once).
func (s *Server) headers(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		return next(c)
	}
}
