package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/internal/booking"
	"github.com/slotbox/slotbox/internal/webhook"
)

// BookingDeps serve the booking routes: bookings, availability, tags,
// webhooks, inbound payment webhooks and the Cal.com receiver. Without
// them (the zero value) those routes answer 404, as if absent.
type BookingDeps struct {
	Bookings *booking.Service
	Webhooks *webhook.Service
}

// Error codes of the booking routes.
const (
	CodeCalendarUnavailable = "CALENDAR_UNAVAILABLE"
	CodeBadSignature        = "BAD_SIGNATURE"
)

// bookingAPI holds the booking routes' services.
type bookingAPI struct {
	s *Server
	BookingDeps
}

// registerBookingRoutes adds the booking routes: tenant routes on g,
// public ones (provider and Cal.com webhooks, which carry their own
// signatures) on e.
func (s *Server) registerBookingRoutes(e *echo.Echo, g *echo.Group, d BookingDeps) {
	a := &bookingAPI{s: s, BookingDeps: d}
	g.POST("/bookings", a.ready(a.createBooking))
	g.GET("/bookings", a.ready(a.listBookings))
	g.GET("/bookings/:id", a.ready(a.showBooking))
	g.POST("/bookings/:id/reschedule", a.ready(a.rescheduleBooking))
	g.POST("/bookings/:id/cancel", a.ready(a.cancelBooking))
	g.POST("/bookings/:id/replay", a.ready(a.replayBooking))
	g.POST("/bookings/:id/capture", a.ready(a.captureBooking))
	g.GET("/dead-letters", a.ready(a.deadLetters))
	g.GET("/availability", a.ready(a.availability))
	g.GET("/event-types/:eventTypeId/tags", a.ready(a.tags))
	g.GET("/webhooks", a.ready(a.listWebhooks))
	g.POST("/webhooks", a.ready(a.createWebhook))
	g.GET("/webhooks/:id", a.ready(a.showWebhook))
	g.PATCH("/webhooks/:id", a.ready(a.updateWebhook))
	g.DELETE("/webhooks/:id", a.ready(a.deleteWebhook))
	g.GET("/webhooks/:id/deliveries", a.ready(a.listDeliveries))
	g.POST("/webhooks/:id/deliveries/:deliveryId/replay", a.ready(a.replayDelivery))
	g.PUT("/calcom-hook", a.ready(a.putCalcomHook))
	g.DELETE("/calcom-hook", a.ready(a.deleteCalcomHook))
	e.POST("/api/installations/:id/webhook", a.ready(a.inboundPayment))
	e.POST("/hooks/calcom/:tenantId", a.ready(a.calcomHook))
}

// ready answers 404 when the booking services are not wired: the routes
// stay registered (the OpenAPI document lists them) but serve nothing.
func (a *bookingAPI) ready(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		if a.Bookings == nil || a.Webhooks == nil {
			return newError(http.StatusNotFound, CodeNotFound, "not found")
		}
		return h(c)
	}
}

// bookingError maps the booking and webhook errors to responses; others
// go to the central handler.
func bookingError(err error) error {
	var pe *booking.ProviderError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		return newError(pe.Status, pe.Code, pe.Message)
	case errors.Is(err, booking.ErrExists):
		return newError(http.StatusConflict, CodeConflict, "a booking with this uid exists")
	case errors.Is(err, booking.ErrCancelled):
		return newError(http.StatusConflict, CodeConflict, "the booking is cancelled")
	case errors.Is(err, booking.ErrNothingToReplay):
		return newError(http.StatusConflict, CodeConflict, "no dead or failed step to replay")
	case errors.Is(err, booking.ErrNotHeld):
		return newError(http.StatusConflict, CodeConflict, "the booking has no held payment to capture")
	case errors.Is(err, webhook.ErrNotReplayable):
		return newError(http.StatusConflict, CodeConflict, "only a dead or failed delivery can be replayed")
	case errors.Is(err, booking.ErrBadRange):
		return newError(http.StatusBadRequest, CodeBadRequest, "from must be before to, and the range at most 93 days")
	case errors.Is(err, booking.ErrBadSignature):
		return newError(http.StatusUnauthorized, CodeBadSignature, "X-Cal-Signature-256 does not match the tenant's Cal.com secret")
	}
	return err
}

// maxWaitParam bounds ?wait= before the service's own cap.
const maxWaitParam = 10 * time.Minute

// waitParam reads ?wait=: a Go duration ("5s") or whole seconds ("5").
func waitParam(c *echo.Context) (time.Duration, error) {
	raw := c.QueryParam("wait")
	if raw == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil {
		n, nerr := strconv.Atoi(raw)
		if nerr != nil {
			return 0, newError(http.StatusBadRequest, CodeBadRequest, "wait must be a duration such as 5s")
		}
		d = time.Duration(n) * time.Second
	}
	if d < 0 || d > maxWaitParam {
		return 0, newError(http.StatusBadRequest, CodeBadRequest, "wait must be between 0s and 10m")
	}
	return d, nil
}

// boolParam reads a true/false query parameter.
func boolParam(c *echo.Context, name string) (bool, error) {
	switch strings.ToLower(c.QueryParam(name)) {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, newError(http.StatusBadRequest, CodeBadRequest, name+" must be true or false")
}
