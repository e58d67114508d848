package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
)

func (s *Server) registerInstallations(g *echo.Group) {
	g.GET("/installations", s.listInstallations)
	g.POST("/installations", s.createInstallation)
	g.GET("/installations/:id", s.showInstallation)
	g.PATCH("/installations/:id", s.renameInstallation)
	g.PUT("/installations/:id/keys", s.updateKeys)
	g.DELETE("/installations/:id", s.deleteInstallation)
}

// installation is an installation as the API shows it: never its
// credential, which no route returns.
type installation struct {
	ID              string    `json:"id"`
	App             string    `json:"app"`
	AppID           string    `json:"appId"`
	AppVersionID    string    `json:"appVersionId,omitempty"`
	Name            string    `json:"name"`
	Status          string    `json:"status"`
	StatusReason    string    `json:"statusReason,omitempty"`
	StatusChangedAt time.Time `json:"statusChangedAt,omitzero"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

// slugs resolves app ids to slugs, once per id per request.
type slugs struct {
	st   *store.Store
	byID map[string]string
}

func (s *Server) slugResolver() *slugs {
	return &slugs{st: s.store, byID: map[string]string{}}
}

// view shows an installation with its app's slug.
func (r *slugs) view(ctx context.Context, in store.Installation) (installation, error) {
	slug, ok := r.byID[in.AppID]
	if !ok {
		a, err := r.st.App(ctx, in.AppID)
		if err != nil {
			return installation{}, err
		}
		slug = a.Slug
		r.byID[in.AppID] = slug
	}
	return installation{ID: in.ID, App: slug, AppID: in.AppID, AppVersionID: in.AppVersionID, Name: in.Name, Status: in.Status,
		StatusReason: in.StatusReason, StatusChangedAt: in.StatusChangedAt, CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt}, nil
}

func (s *Server) listInstallations(c *echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := store.InstallationFilter{Status: c.QueryParam("status")}
	if slug := c.QueryParam("app"); slug != "" {
		a, err := s.store.AppBySlug(ctx, slug)
		if err != nil {
			return c.JSON(http.StatusOK, newList([]installation{}, ""))
		}
		f.AppID = a.ID
	}
	ins, next, err := s.store.ListInstallations(ctx, tenantOf(c).ID, f, p)
	if err != nil {
		return err
	}
	r := s.slugResolver()
	out := make([]installation, 0, len(ins))
	for _, in := range ins {
		v, err := r.view(ctx, in)
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	return c.JSON(http.StatusOK, newList(out, next))
}

// newInstallationBody is the body of POST /api/installations.
type newInstallationBody struct {
	App  string          `json:"app"`
	Name string          `json:"name"`
	Keys json.RawMessage `json:"keys"`
}

func (s *Server) createInstallation(c *echo.Context) error {
	var body newInstallationBody
	if err := decode(c, &body, false); err != nil {
		return err
	}
	if body.App == "" {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: CodeValidation, Message: "an installation needs an app",
			Problems: abi.Problems{{Path: "/app", Message: "required"}}}
	}
	in, err := s.apps.CreateInstallation(c.Request().Context(), tenantOf(c).ID,
		appstore.NewInstallation{App: body.App, Name: body.Name, Keys: body.Keys})
	if err != nil {
		return err
	}
	v, err := s.slugResolver().view(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

func (s *Server) showInstallation(c *echo.Context) error {
	in, err := s.store.Installation(c.Request().Context(), tenantOf(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	v, err := s.slugResolver().view(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) renameInstallation(c *echo.Context) error {
	var body named
	if err := decode(c, &body, false); err != nil {
		return err
	}
	if body.Name == "" {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: CodeValidation, Message: "nothing to change",
			Problems: abi.Problems{{Path: "/name", Message: "required"}}}
	}
	in, err := s.store.UpdateInstallation(c.Request().Context(), tenantOf(c).ID, c.Param("id"), store.InstallationUpdate{Name: &body.Name})
	if err != nil {
		return err
	}
	v, err := s.slugResolver().view(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// keysBody is the body of PUT /api/installations/{id}/keys.
type keysBody struct {
	Keys json.RawMessage `json:"keys"`
}

func (s *Server) updateKeys(c *echo.Context) error {
	var body keysBody
	if err := decode(c, &body, false); err != nil {
		return err
	}
	in, err := s.apps.UpdateKeys(c.Request().Context(), tenantOf(c).ID, c.Param("id"), body.Keys)
	if err != nil {
		return err
	}
	v, err := s.slugResolver().view(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) deleteInstallation(c *echo.Context) error {
	if err := s.apps.DeleteInstallation(c.Request().Context(), tenantOf(c).ID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
