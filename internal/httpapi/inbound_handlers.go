package httpapi

import (
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/internal/booking"
)

// Caps of the headers an inbound webhook passes to the app.
const (
	maxInboundHeaders     = 64
	maxInboundHeaderBytes = 16 << 10
)

// inboundPayment answers POST /api/installations/{id}/webhook: a payment
// provider's webhook, checked by the installation's app (no API key: the
// provider signs it). 200 when handled (duplicates included), 400 when the
// app refused it, 503 when the provider should send it again.
func (a *bookingAPI) inboundPayment(c *echo.Context) error {
	r := c.Request()
	body, err := io.ReadAll(io.LimitReader(r.Body, booking.MaxInboundBody+1))
	if err != nil {
		return newError(http.StatusBadRequest, CodeBadRequest, "could not read the request body")
	}
	if len(body) > booking.MaxInboundBody {
		return newError(http.StatusRequestEntityTooLarge, CodeTooLarge, "request body too large")
	}
	headers := make(map[string]string, len(r.Header))
	size := 0
	for name, vals := range r.Header {
		v := strings.Join(vals, ", ")
		size += len(name) + len(v)
		if len(headers) >= maxInboundHeaders || size > maxInboundHeaderBytes {
			return newError(http.StatusRequestHeaderFieldsTooLarge, CodeTooLarge, "too many or too large headers")
		}
		headers[strings.ToLower(name)] = v
	}
	res, err := a.Bookings.PaymentWebhook(r.Context(), c.Param("id"), headers, body)
	if err != nil {
		return bookingError(err)
	}
	return c.JSON(http.StatusOK, res)
}
