package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/internal/booking"
	"github.com/slotbox/slotbox/internal/store"
)

// createBookingBody is the body of POST /api/bookings.
type createBookingBody struct {
	EventTypeID string          `json:"eventTypeId"`
	Event       json.RawMessage `json:"event"`
}

// respond writes a booking's view, after waiting up to ?wait= for its
// steps to settle.
func (a *bookingAPI) respond(c *echo.Context, status int, v booking.View, wait time.Duration) error {
	if wait > 0 && !v.Settled {
		var err error
		if v, err = a.Bookings.Wait(c.Request().Context(), tenantOf(c).ID, v.Booking.ID, wait); err != nil {
			return bookingError(err)
		}
	}
	return c.JSON(status, v)
}

func (a *bookingAPI) createBooking(c *echo.Context) error {
	wait, err := waitParam(c)
	if err != nil {
		return err
	}
	var body createBookingBody
	if err := decode(c, &body, false); err != nil {
		return err
	}
	v, err := a.Bookings.Create(c.Request().Context(), tenantOf(c).ID, booking.CreateInput{EventTypeID: body.EventTypeID, Event: body.Event})
	if err != nil {
		return bookingError(err)
	}
	return a.respond(c, http.StatusCreated, v, wait)
}

func (a *bookingAPI) listBookings(c *echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	bs, next, err := a.s.store.ListBookings(c.Request().Context(), tenantOf(c).ID,
		store.BookingFilter{Status: c.QueryParam("status"), EventTypeID: c.QueryParam("eventTypeId")}, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(bs, next))
}

func (a *bookingAPI) showBooking(c *echo.Context) error {
	wait, err := waitParam(c)
	if err != nil {
		return err
	}
	v, err := a.Bookings.View(c.Request().Context(), tenantOf(c).ID, c.Param("id"))
	if err != nil {
		return bookingError(err)
	}
	return a.respond(c, http.StatusOK, v, wait)
}

// rescheduleBody is the body of POST /api/bookings/{id}/reschedule.
type rescheduleBody struct {
	StartTime time.Time       `json:"startTime"`
	EndTime   time.Time       `json:"endTime"`
	Event     json.RawMessage `json:"event"`
}

func (a *bookingAPI) rescheduleBooking(c *echo.Context) error {
	wait, err := waitParam(c)
	if err != nil {
		return err
	}
	var body rescheduleBody
	if err := decode(c, &body, false); err != nil {
		return err
	}
	v, err := a.Bookings.Reschedule(c.Request().Context(), tenantOf(c).ID, c.Param("id"),
		booking.RescheduleInput{StartTime: body.StartTime, EndTime: body.EndTime, Event: body.Event})
	if err != nil {
		return bookingError(err)
	}
	return a.respond(c, http.StatusOK, v, wait)
}

// cancelBody is the body of POST /api/bookings/{id}/cancel.
type cancelBody struct {
	CancellationReason string `json:"cancellationReason"`
}

func (a *bookingAPI) cancelBooking(c *echo.Context) error {
	wait, err := waitParam(c)
	if err != nil {
		return err
	}
	var body cancelBody
	if err := decode(c, &body, true); err != nil {
		return err
	}
	v, err := a.Bookings.Cancel(c.Request().Context(), tenantOf(c).ID, c.Param("id"), body.CancellationReason)
	if err != nil {
		return bookingError(err)
	}
	return a.respond(c, http.StatusOK, v, wait)
}

// replayBody is the body of POST /api/bookings/{id}/replay.
type replayBody struct {
	InstallationID string `json:"installationId"`
	Step           string `json:"step"`
}

func (a *bookingAPI) replayBooking(c *echo.Context) error {
	wait, err := waitParam(c)
	if err != nil {
		return err
	}
	var body replayBody
	if err := decode(c, &body, true); err != nil {
		return err
	}
	v, err := a.Bookings.Replay(c.Request().Context(), tenantOf(c).ID, c.Param("id"), body.InstallationID, body.Step)
	if err != nil {
		return bookingError(err)
	}
	return a.respond(c, http.StatusOK, v, wait)
}

func (a *bookingAPI) captureBooking(c *echo.Context) error {
	wait, err := waitParam(c)
	if err != nil {
		return err
	}
	v, err := a.Bookings.Capture(c.Request().Context(), tenantOf(c).ID, c.Param("id"))
	if err != nil {
		return bookingError(err)
	}
	return a.respond(c, http.StatusOK, v, wait)
}

func (a *bookingAPI) deadLetters(c *echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ds, next, err := a.Bookings.DeadLetters(c.Request().Context(), tenantOf(c).ID, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(ds, next))
}
