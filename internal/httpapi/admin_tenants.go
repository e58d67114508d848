package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

func (s *Server) registerAdminTenants(g *echo.Group) {
	g.POST("/tenants", s.createTenant)
	g.GET("/tenants", s.listTenants)
	g.GET("/tenants/:id", s.showTenant)
	g.DELETE("/tenants/:id", s.deleteTenant)
	g.POST("/tenants/:id/keys", s.createAPIKey)
	g.GET("/tenants/:id/keys", s.listAPIKeys)
	g.DELETE("/tenants/:id/keys/:keyId", s.deleteAPIKey)
}

// named is a body with just a name.
type named struct {
	Name string `json:"name"`
}

func (s *Server) createTenant(c *echo.Context) error {
	var body named
	if err := decode(c, &body, false); err != nil {
		return err
	}
	if body.Name == "" {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: CodeValidation, Message: "a tenant needs a name",
			Problems: abi.Problems{{Path: "/name", Message: "required"}}}
	}
	t, err := s.store.CreateTenant(c.Request().Context(), body.Name)
	if err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "tenant created", "tenant", t.ID)
	return c.JSON(http.StatusCreated, t)
}

func (s *Server) listTenants(c *echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ts, next, err := s.store.ListTenants(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(ts, next))
}

func (s *Server) showTenant(c *echo.Context) error {
	t, err := s.store.Tenant(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (s *Server) deleteTenant(c *echo.Context) error {
	if err := s.store.DeleteTenant(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "tenant deleted", "tenant", c.Param("id"))
	return c.NoContent(http.StatusNoContent)
}

// newAPIKey answers the creation of an API key: the key itself appears
// here once and is stored only as a hash.
type newAPIKey struct {
	Key    store.APIKey `json:"key"`
	Secret string       `json:"secret"`
}

func (s *Server) createAPIKey(c *echo.Context) error {
	var body named
	if err := decode(c, &body, true); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.store.Tenant(ctx, c.Param("id")); err != nil {
		return err
	}
	k, secret, err := s.store.CreateAPIKey(ctx, c.Param("id"), body.Name)
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "api key created", "tenant", k.TenantID, "key", k.ID, "prefix", k.Prefix)
	return c.JSON(http.StatusCreated, newAPIKey{Key: k, Secret: secret})
}

func (s *Server) listAPIKeys(c *echo.Context) error {
	ctx := c.Request().Context()
	if _, err := s.store.Tenant(ctx, c.Param("id")); err != nil {
		return err
	}
	keys, err := s.store.ListAPIKeys(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(keys, ""))
}

func (s *Server) deleteAPIKey(c *echo.Context) error {
	if err := s.store.DeleteAPIKey(c.Request().Context(), c.Param("id"), c.Param("keyId")); err != nil {
		return err
	}
	s.log.InfoContext(c.Request().Context(), "api key deleted", "tenant", c.Param("id"), "key", c.Param("keyId"))
	return c.NoContent(http.StatusNoContent)
}
