package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v5"
)

// tags answers GET /api/event-types/{eventTypeId}/tags: the analytics tag
// scripts a booking page of the event type injects.
func (a *bookingAPI) tags(c *echo.Context) error {
	t, err := a.Bookings.Tags(c.Request().Context(), tenantOf(c).ID, c.Param("eventTypeId"))
	if err != nil {
		return bookingError(err)
	}
	return c.JSON(http.StatusOK, t)
}
