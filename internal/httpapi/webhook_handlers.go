package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/internal/webhook"
)

// webhookBody is the body of POST and PATCH /api/webhooks.
type webhookBody struct {
	SubscriberURL *string   `json:"subscriberUrl"`
	EventTriggers *[]string `json:"eventTriggers"`
	Active        *bool     `json:"active"`
	Secret        *string   `json:"secret"`
}

// createdWebhook is a new webhook with its generated secret, shown once.
type createdWebhook struct {
	store.Webhook
	Secret string `json:"secret,omitempty"`
}

func (a *bookingAPI) listWebhooks(c *echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ws, next, err := a.s.store.ListWebhooks(c.Request().Context(), tenantOf(c).ID, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(ws, next))
}

func (a *bookingAPI) createWebhook(c *echo.Context) error {
	var body webhookBody
	if err := decode(c, &body, false); err != nil {
		return err
	}
	n := webhook.NewWebhook{Active: body.Active}
	if body.SubscriberURL != nil {
		n.SubscriberURL = *body.SubscriberURL
	}
	if body.EventTriggers != nil {
		n.Triggers = *body.EventTriggers
	}
	if body.Secret != nil {
		n.Secret = *body.Secret
	}
	w, secret, err := a.Webhooks.Create(c.Request().Context(), tenantOf(c).ID, n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, createdWebhook{Webhook: w, Secret: secret})
}

func (a *bookingAPI) showWebhook(c *echo.Context) error {
	w, err := a.s.store.Webhook(c.Request().Context(), tenantOf(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, w)
}

func (a *bookingAPI) updateWebhook(c *echo.Context) error {
	var body webhookBody
	if err := decode(c, &body, false); err != nil {
		return err
	}
	w, err := a.Webhooks.Update(c.Request().Context(), tenantOf(c).ID, c.Param("id"), webhook.Update{
		SubscriberURL: body.SubscriberURL, Triggers: body.EventTriggers, Active: body.Active, Secret: body.Secret})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, w)
}

func (a *bookingAPI) deleteWebhook(c *echo.Context) error {
	if err := a.s.store.DeleteWebhook(c.Request().Context(), tenantOf(c).ID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listDeliveries answers a webhook's delivery log, newest first.
func (a *bookingAPI) listDeliveries(c *echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, tenant := c.Request().Context(), tenantOf(c).ID
	if _, err := a.s.store.Webhook(ctx, tenant, c.Param("id")); err != nil {
		return err
	}
	ds, next, err := a.s.store.ListWebhookDeliveries(ctx, tenant, c.Param("id"), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(ds, next))
}

func (a *bookingAPI) replayDelivery(c *echo.Context) error {
	d, err := a.Webhooks.Replay(c.Request().Context(), tenantOf(c).ID, c.Param("id"), c.Param("deliveryId"))
	if err != nil {
		return bookingError(err)
	}
	return c.JSON(http.StatusOK, d)
}
