package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v5"
)

// registerApps serves the catalogue a tenant installs from: enabled apps
// only.
func (s *Server) registerApps(g *echo.Group) {
	g.GET("/apps", s.listApps)
	g.GET("/apps/:slug", s.showApp)
}

func (s *Server) listApps(c *echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	apps, next, err := s.store.ListApps(c.Request().Context(), true, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(apps, next))
}

func (s *Server) showApp(c *echo.Context) error {
	d, err := s.apps.App(c.Request().Context(), c.Param("slug"), true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAppDetail(d))
}
