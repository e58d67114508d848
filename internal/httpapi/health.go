package httpapi

import (
	"context"
	"net"
	"net/http"
	"net/netip"

	"github.com/labstack/echo/v5"
)

// status is the body of /healthz and /readyz.
type status struct {
	Status string `json:"status"`
}

func (s *Server) registerHealth(e *echo.Echo) {
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metricsHandler)
}

// healthz answers 200 while the process serves: liveness, nothing more.
func (s *Server) healthz(c *echo.Context) error {
	return c.JSON(http.StatusOK, status{Status: "ok"})
}

// readyz answers 200 when the database answers a ping within the
// readiness timeout, 503 otherwise.
func (s *Server) readyz(c *echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.readyTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready: database ping failed", "err", err)
		return newError(http.StatusServiceUnavailable, CodeNotReady, "the database does not answer")
	}
	return c.JSON(http.StatusOK, status{Status: "ok"})
}

// metricsHandler serves the Prometheus registry to the allowed networks;
// 404 when metrics are off.
func (s *Server) metricsHandler(c *echo.Context) error {
	if s.metrics == nil {
		return newError(http.StatusNotFound, CodeNotFound, "metrics are off")
	}
	if !s.metricsAllowed(c.Request().RemoteAddr) {
		return newError(http.StatusForbidden, CodeForbidden, "metrics are not served to this address")
	}
	s.metrics.Handler().ServeHTTP(c.Response(), c.Request())
	return nil
}

// metricsAllowed checks the peer's address (never a forwarding header,
// which the peer writes itself) against the allowed networks.
func (s *Server) metricsAllowed(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap().WithZone("")
	for _, p := range s.cfg.metricsAllow {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
