package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/internal/store"
)

// tenantKey is where requireTenant leaves the caller's tenant.
const tenantKey = "slotbox.tenant"

// maxBearerLen bounds a bearer token before it is hashed or looked up.
const maxBearerLen = 512

func digest(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(c *echo.Context) (string, bool) {
	h := c.Request().Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	if tok == "" || len(tok) > maxBearerLen {
		return "", false
	}
	return tok, true
}

var errUnauthorized = newError(http.StatusUnauthorized, CodeUnauthorized, "missing or invalid bearer token")

// requireAdmin lets through requests bearing the admin token. Both sides
// are hashed first, so the comparison is constant time whatever the
// lengths.
func (s *Server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		tok, ok := bearer(c)
		if !ok {
			return errUnauthorized
		}
		d := digest(tok)
		if subtle.ConstantTimeCompare(d[:], s.adminToken[:]) != 1 {
			return errUnauthorized
		}
		return next(c)
	}
}

// requireTenant lets through requests bearing a tenant's API key and
// leaves the tenant in the context. The admin token is not a tenant key.
func (s *Server) requireTenant(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		tok, ok := bearer(c)
		if !ok {
			return errUnauthorized
		}
		t, err := s.store.TenantByAPIKey(c.Request().Context(), tok)
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized
		}
		if err != nil {
			return err
		}
		c.Set(tenantKey, t)
		return next(c)
	}
}

// tenantOf returns the tenant requireTenant found.
func tenantOf(c *echo.Context) store.Tenant {
	t, _ := c.Get(tenantKey).(store.Tenant)
	return t
}
