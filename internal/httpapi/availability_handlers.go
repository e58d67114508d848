package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/internal/booking"
)

// availabilityFailed is the 502 of an availability answer that calendars
// failed: it names each one.
type availabilityFailed struct {
	Code     string                    `json:"code"`
	Message  string                    `json:"message"`
	Failures []booking.CalendarFailure `json:"failures"`
}

// availability answers GET /api/availability?from=&to=[&eventTypeId=][&partial=true].
func (a *bookingAPI) availability(c *echo.Context) error {
	from, err1 := time.Parse(time.RFC3339, c.QueryParam("from"))
	to, err2 := time.Parse(time.RFC3339, c.QueryParam("to"))
	if err1 != nil || err2 != nil {
		return newError(http.StatusBadRequest, CodeBadRequest, "from and to must be RFC 3339 times")
	}
	partial, err := boolParam(c, "partial")
	if err != nil {
		return err
	}
	eventType := c.QueryParam("eventTypeId")
	if len(eventType) > 200 {
		return newError(http.StatusBadRequest, CodeBadRequest, "eventTypeId is too long")
	}
	av, err := a.Bookings.Availability(c.Request().Context(), tenantOf(c).ID,
		booking.AvailabilityQuery{From: from, To: to, EventTypeID: eventType, Partial: partial})
	var ue *booking.UnavailableError
	if errors.As(err, &ue) {
		return c.JSON(http.StatusBadGateway, availabilityFailed{Code: CodeCalendarUnavailable,
			Message: "calendars failed; ask with partial=true for the others' busy times", Failures: ue.Failures})
	}
	if err != nil {
		return bookingError(err)
	}
	return c.JSON(http.StatusOK, av)
}
