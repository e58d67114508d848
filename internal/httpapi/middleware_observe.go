package httpapi

import (
	"log/slog"
	"time"

	"github.com/labstack/echo/v5"
)

// observe is the outermost middleware: it turns an error into its response
// right away (so the status is known here), then logs one line per request
// and records the request's metrics. The line names the route pattern and
// never the query string or headers (OAuth codes and keys travel there).
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			s.handleError(c, err)
		}
		_, status := echo.ResolveResponseStatus(c.Response(), nil)
		d := time.Since(start)
		route := c.Path()
		if route == "" || c.RouteInfo().Name == echo.NotFoundRouteName || c.RouteInfo().Name == echo.MethodNotAllowedRouteName {
			route = "unmatched"
		}
		level := slog.LevelDebug
		switch {
		case status >= 500:
			level = slog.LevelError
		case c.Request().Method != "GET" && c.Request().Method != "HEAD":
			level = slog.LevelInfo
		}
		s.log.Log(c.Request().Context(), level, "request", "method", c.Request().Method, "route", route, "status", status,
			"duration", d, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		if s.metrics != nil {
			s.metrics.ObserveHTTP(route, c.Request().Method, status, d)
		}
		return nil
	}
}
