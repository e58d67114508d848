package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/internal/appstore"
)

// registerSettings serves the per-event-type settings of installations
// (Cal.com's eventType.metadata.apps[slug]).
func (s *Server) registerSettings(g *echo.Group) {
	g.GET("/event-types/:eventTypeId/apps", s.listSettings)
	g.GET("/event-types/:eventTypeId/apps/:installationId", s.showSetting)
	g.PUT("/event-types/:eventTypeId/apps/:installationId", s.putSetting)
	g.DELETE("/event-types/:eventTypeId/apps/:installationId", s.deleteSetting)
}

func (s *Server) listSettings(c *echo.Context) error {
	ss, err := s.store.ListEventTypeSettings(c.Request().Context(), tenantOf(c).ID, c.Param("eventTypeId"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(ss, ""))
}

func (s *Server) showSetting(c *echo.Context) error {
	st, err := s.store.EventTypeSetting(c.Request().Context(), tenantOf(c).ID, c.Param("eventTypeId"), c.Param("installationId"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// settingBody is the body of PUT .../apps/{installationId}.
type settingBody struct {
	// Enabled defaults to true.
	Enabled *bool           `json:"enabled"`
	AppData json.RawMessage `json:"appData"`
}

func (s *Server) putSetting(c *echo.Context) error {
	var body settingBody
	if err := decode(c, &body, true); err != nil {
		return err
	}
	enabled := body.Enabled == nil || *body.Enabled
	st, err := s.apps.PutSetting(c.Request().Context(), tenantOf(c).ID, appstore.Setting{
		EventTypeID: c.Param("eventTypeId"), InstallationID: c.Param("installationId"), Enabled: enabled, AppData: body.AppData,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

func (s *Server) deleteSetting(c *echo.Context) error {
	if err := s.store.DeleteEventTypeSetting(c.Request().Context(), tenantOf(c).ID, c.Param("eventTypeId"), c.Param("installationId")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
