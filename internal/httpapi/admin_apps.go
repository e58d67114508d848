package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
)

func (s *Server) registerAdminApps(g *echo.Group) {
	g.POST("/apps", s.uploadApp, middleware.BodyLimit(s.cfg.maxUpload))
	g.GET("/apps", s.adminListApps)
	g.GET("/apps/:slug", s.adminShowApp)
	g.PATCH("/apps/:slug", s.adminPatchApp)
	g.DELETE("/apps/:slug", s.adminDeleteApp)
	g.GET("/apps/:slug/versions", s.adminListVersions)
}

// appDetail is an app with its current version and what it may do.
type appDetail struct {
	store.App
	Version *store.AppVersion `json:"version,omitempty"`
	// Permissions says in words what the app may do.
	Permissions []string `json:"permissions"`
}

func toAppDetail(d appstore.AppDetail) appDetail {
	p := d.Permissions
	if p == nil {
		p = []string{}
	}
	return appDetail{App: d.App, Version: d.Version, Permissions: p}
}

// uploadResult answers an upload.
type uploadResult struct {
	App     store.App        `json:"app"`
	Version store.AppVersion `json:"version"`
	// Created is false when the module was already a version of the app.
	Created     bool     `json:"created"`
	Permissions []string `json:"permissions"`
}

// uploadApp takes an app version as multipart/form-data (parts config and
// wasm, or one part bundle) or as a raw .tar.gz or .zip body, validates it
// through the runtime and stores it. ?enabled=true enables a new app.
func (s *Server) uploadApp(c *echo.Context) error {
	mt, params, err := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
	if err != nil {
		return newError(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "send multipart/form-data, application/gzip or application/zip")
	}
	var up appstore.Upload
	switch mt {
	case "multipart/form-data":
		up, err = s.readMultipartUpload(c, params["boundary"])
	case "application/gzip", "application/x-gzip", "application/zip", "application/octet-stream":
		var body []byte
		body, err = readAll(c.Request().Body, s.apps.BundleLimits().MaxCompressed)
		if err == nil {
			up, err = appstore.ReadBundle(body, s.apps.BundleLimits())
		}
	default:
		return newError(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "send multipart/form-data, application/gzip or application/zip")
	}
	if err != nil {
		return err
	}
	enabled, err := boolQuery(c, "enabled")
	if err != nil {
		return err
	}
	pub, err := s.apps.Publish(c.Request().Context(), up, appstore.PublishOptions{Enabled: enabled})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !pub.Created {
		status = http.StatusOK
	}
	res := uploadResult{App: pub.App, Version: pub.Version, Created: pub.Created, Permissions: []string{}}
	if m, err := abi.ParseManifest(pub.Version.Manifest); err == nil {
		res.Permissions = appstore.DescribePermissions(m)
	}
	return c.JSON(status, res)
}

// readMultipartUpload streams the parts of an upload, each under its cap.
func (s *Server) readMultipartUpload(c *echo.Context, boundary string) (appstore.Upload, error) {
	if boundary == "" {
		return appstore.Upload{}, newError(http.StatusBadRequest, CodeBadRequest, "multipart body without a boundary")
	}
	lim := s.apps.BundleLimits()
	caps := map[string]int64{"config": abi.MaxManifestSize, "wasm": lim.MaxEntry, "bundle": lim.MaxCompressed}
	parts := map[string][]byte{}
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return appstore.Upload{}, newError(http.StatusBadRequest, CodeBadRequest, "malformed multipart body")
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return appstore.Upload{}, bodyError(err, "malformed multipart body")
		}
		name := p.FormName()
		limit, known := caps[name]
		if !known {
			return appstore.Upload{}, newError(http.StatusBadRequest, CodeBadRequest, "unknown part; send config and wasm, or bundle")
		}
		if _, dup := parts[name]; dup {
			return appstore.Upload{}, newError(http.StatusBadRequest, CodeBadRequest, fmt.Sprintf("part %s appears twice", name))
		}
		b, err := readAll(p, limit)
		if err != nil {
			return appstore.Upload{}, err
		}
		parts[name] = b
	}
	if b, ok := parts["bundle"]; ok {
		if len(parts) > 1 {
			return appstore.Upload{}, newError(http.StatusBadRequest, CodeBadRequest, "send either a bundle or config and wasm, not both")
		}
		return appstore.ReadBundle(b, lim)
	}
	cfg, okC := parts["config"]
	wasm, okW := parts["wasm"]
	if !okC || !okW {
		return appstore.Upload{}, newError(http.StatusBadRequest, CodeBadRequest, "send both parts config (config.json) and wasm (app.wasm), or one part bundle")
	}
	return appstore.Upload{Manifest: cfg, Wasm: wasm}, nil
}

// readAll reads r up to limit bytes; more is 413.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, bodyError(err, "could not read the request body")
	}
	if int64(len(b)) > limit {
		return nil, newError(http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("a part is over the limit of %d bytes", limit))
	}
	return b, nil
}

// bodyError keeps the body limit's 413 and maps other read errors to 400.
func bodyError(err error, msg string) error {
	var sc echo.HTTPStatusCoder
	if errors.As(err, &sc) {
		return err
	}
	return newError(http.StatusBadRequest, CodeBadRequest, msg)
}

func boolQuery(c *echo.Context, name string) (bool, error) {
	switch c.QueryParam(name) {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, newError(http.StatusBadRequest, CodeBadRequest, name+" must be true or false")
}

func (s *Server) adminListApps(c *echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	apps, next, err := s.store.ListApps(c.Request().Context(), false, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(apps, next))
}

func (s *Server) adminShowApp(c *echo.Context) error {
	d, err := s.apps.App(c.Request().Context(), c.Param("slug"), false)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAppDetail(d))
}

// appPatch is the body of PATCH /api/admin/apps/{slug}.
type appPatch struct {
	Enabled *bool `json:"enabled"`
}

func (s *Server) adminPatchApp(c *echo.Context) error {
	var body appPatch
	if err := decode(c, &body, false); err != nil {
		return err
	}
	if body.Enabled == nil {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: CodeValidation, Message: "nothing to change",
			Problems: abi.Problems{{Path: "/enabled", Message: "required"}}}
	}
	if _, err := s.apps.SetAppEnabled(c.Request().Context(), c.Param("slug"), *body.Enabled); err != nil {
		return err
	}
	return s.adminShowApp(c)
}

func (s *Server) adminDeleteApp(c *echo.Context) error {
	if err := s.apps.DeleteApp(c.Request().Context(), c.Param("slug")); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return newError(http.StatusConflict, CodeConflict, "the app is still installed; delete its installations first")
		}
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) adminListVersions(c *echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	a, err := s.store.AppBySlug(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	vs, next, err := s.store.ListAppVersions(c.Request().Context(), a.ID, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(vs, next))
}
