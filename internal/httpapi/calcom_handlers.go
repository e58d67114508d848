package httpapi

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/internal/booking"
)

// calcomHookBody is the body of PUT /api/calcom-hook.
type calcomHookBody struct {
	// Secret is the one set in Cal.com's webhook form; "" generates one.
	Secret string `json:"secret"`
}

// calcomHookView tells a tenant where to point Cal.com and, when
// generated, the secret to enter there (shown once).
type calcomHookView struct {
	URL    string `json:"url"`
	Secret string `json:"secret,omitempty"`
}

func (a *bookingAPI) putCalcomHook(c *echo.Context) error {
	var body calcomHookBody
	if err := decode(c, &body, true); err != nil {
		return err
	}
	tenant := tenantOf(c).ID
	secret, err := a.Bookings.SetCalcomSecret(c.Request().Context(), tenant, body.Secret)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, calcomHookView{URL: booking.CalcomHookURL(tenant), Secret: secret})
}

func (a *bookingAPI) deleteCalcomHook(c *echo.Context) error {
	if err := a.Bookings.DeleteCalcomHook(c.Request().Context(), tenantOf(c).ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// calcomHook answers POST /hooks/calcom/{tenantId}: a delivery of the
// tenant's own Cal.com webhook, signed with X-Cal-Signature-256.
func (a *bookingAPI) calcomHook(c *echo.Context) error {
	r := c.Request()
	body, err := io.ReadAll(io.LimitReader(r.Body, booking.MaxCalcomBody+1))
	if err != nil {
		return newError(http.StatusBadRequest, CodeBadRequest, "could not read the request body")
	}
	if len(body) > booking.MaxCalcomBody {
		return newError(http.StatusRequestEntityTooLarge, CodeTooLarge, "request body too large")
	}
	res, err := a.Bookings.CalcomWebhook(r.Context(), c.Param("tenantId"), r.Header.Get("X-Cal-Signature-256"), body)
	if err != nil {
		return bookingError(err)
	}
	return c.JSON(http.StatusOK, res)
}
