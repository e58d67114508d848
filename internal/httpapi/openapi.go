package httpapi

import (
	_ "embed" // the OpenAPI document
	"net/http"

	"github.com/labstack/echo/v5"
)

// openAPI is the API's OpenAPI 3.1 document. openapi_test.go keeps it in
// step with the routes: every route documented, every documented path
// served.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) registerOpenAPI(e *echo.Echo) {
	e.GET("/api/openapi.json", func(c *echo.Context) error {
		return c.Blob(http.StatusOK, "application/json", openAPI)
	})
}
