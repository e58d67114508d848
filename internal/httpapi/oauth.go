package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/internal/appstore"
)

// registerOAuth serves the OAuth install of isOAuth apps: add (a tenant's
// request, answered with a redirect to the provider) and callback (the
// provider's redirect back, authenticated by the signed state it carries).
func (s *Server) registerOAuth(e *echo.Echo, tenant *echo.Group) {
	tenant.GET("/integrations/:slug/add", s.oauthAdd)
	e.GET("/api/integrations/:slug/callback", s.oauthCallback)
}

// oauthAdd redirects to the provider's authorization page; ?name= names
// the installation the callback creates.
func (s *Server) oauthAdd(c *echo.Context) error {
	name := c.QueryParam("name")
	if len(name) > 200 {
		return newError(http.StatusBadRequest, CodeBadRequest, "name is longer than 200 bytes")
	}
	u, err := s.apps.OAuthStart(c.Request().Context(), tenantOf(c).ID, c.Param("slug"), name)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusFound, u)
}

// oauthCallback finishes the install and answers the installation.
func (s *Server) oauthCallback(c *echo.Context) error {
	q := c.QueryParams()
	in, err := s.apps.OAuthCallback(c.Request().Context(), c.Param("slug"), appstore.OAuthCallback{
		Code: q.Get("code"), State: q.Get("state"), Error: q.Get("error"), ErrorDescription: q.Get("error_description"),
	})
	if err != nil {
		return err
	}
	v, err := s.slugResolver().view(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}
