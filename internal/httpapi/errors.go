package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

// Error codes of the API, beside the status.
const (
	CodeBadRequest       = "BAD_REQUEST"
	CodeUnauthorized     = "UNAUTHORIZED"
	CodeForbidden        = "FORBIDDEN"
	CodeNotFound         = "NOT_FOUND"
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	CodeConflict         = "CONFLICT"
	CodeTooLarge         = "TOO_LARGE"
	CodeUnsupportedMedia = "UNSUPPORTED_MEDIA_TYPE"
	CodeValidation       = "VALIDATION"
	CodeBadBundle        = "BAD_BUNDLE"
	CodeBadMethod        = "BAD_METHOD"
	CodeKeysRejected     = "KEYS_REJECTED"
	CodeAppDisabled      = "APP_DISABLED"
	CodeNotOAuth         = "NOT_OAUTH"
	CodeOAuthNotSetUp    = "OAUTH_NOT_CONFIGURED"
	CodeOAuthState       = "OAUTH_STATE"
	CodeOAuthDenied      = "OAUTH_DENIED"
	CodeOAuthExchange    = "OAUTH_EXCHANGE_FAILED"
	CodeNotReady         = "NOT_READY"
	CodeTimeout          = "TIMEOUT"
	CodeInternal         = "INTERNAL"
)

// apiError is an error with its response: status, code, message and, for
// validation, the problems and module violations.
type apiError struct {
	Status     int                 `json:"-"`
	Code       string              `json:"code"`
	Message    string              `json:"message"`
	Problems   abi.Problems        `json:"problems,omitempty"`
	Violations []runtime.Violation `json:"violations,omitempty"`
}

// Error implements the error interface.
func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newError(status int, code, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg}
}

// toAPIError maps any error to its response. Unknown errors are 500 with a
// fixed message; their text is only logged.
func toAPIError(err error) *apiError {
	var (
		ae  *apiError
		pe  *appstore.ProblemsError
		ue  *appstore.UploadError
		be  *appstore.BundleError
		ke  *appstore.KeysRejectedError
		oe  *appstore.OAuthExchangeError
		khe *appstore.KeyHostError
		he  *echo.HTTPError
		sc  echo.HTTPStatusCoder
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &pe):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: CodeValidation, Message: pe.Message, Problems: pe.Problems}
	case errors.As(err, &ue):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: CodeValidation, Message: "the app was refused: see problems",
			Problems: ue.AllProblems(), Violations: ue.Violations}
	case errors.As(err, &be):
		if be.TooLarge {
			return newError(http.StatusRequestEntityTooLarge, CodeTooLarge, be.Error())
		}
		return newError(http.StatusBadRequest, CodeBadBundle, be.Error())
	case errors.As(err, &ke):
		return newError(http.StatusUnprocessableEntity, CodeKeysRejected, ke.Error())
	case errors.As(err, &khe):
		return newError(http.StatusUnprocessableEntity, CodeValidation, khe.Error())
	case errors.As(err, &oe):
		return newError(http.StatusBadGateway, CodeOAuthExchange, oe.Error())
	case errors.Is(err, store.ErrNotFound):
		return newError(http.StatusNotFound, CodeNotFound, "not found")
	case errors.Is(err, store.ErrConflict):
		return newError(http.StatusConflict, CodeConflict, "conflict: the resource exists or is still in use")
	case errors.Is(err, store.ErrLimitExceeded):
		return newError(http.StatusConflict, CodeConflict, "a limit was reached")
	case errors.Is(err, store.ErrInvalid):
		return newError(http.StatusBadRequest, CodeBadRequest, "invalid argument: "+lastPart(err))
	case errors.Is(err, appstore.ErrAppDisabled):
		return newError(http.StatusConflict, CodeAppDisabled, "the app is disabled by the operator")
	case errors.Is(err, appstore.ErrBadMethod):
		return newError(http.StatusBadRequest, CodeBadMethod, "method must be a dotted name such as calendar.listCalendars")
	case errors.Is(err, appstore.ErrNotOAuth):
		return newError(http.StatusConflict, CodeNotOAuth, "the app does not connect with OAuth")
	case errors.Is(err, appstore.ErrOAuthNotConfigured):
		return newError(http.StatusConflict, CodeOAuthNotSetUp, "the operator has not configured an OAuth client for this app")
	case errors.Is(err, appstore.ErrOAuthState):
		return newError(http.StatusBadRequest, CodeOAuthState, "the authorization is invalid, expired or already used; start again")
	case errors.Is(err, appstore.ErrOAuthDenied):
		return newError(http.StatusBadRequest, CodeOAuthDenied, "the provider did not authorize the app")
	case errors.Is(err, context.DeadlineExceeded):
		return newError(http.StatusServiceUnavailable, CodeTimeout, "the request timed out")
	case errors.As(err, &he):
		return fromStatus(he.Code)
	case errors.As(err, &sc):
		return fromStatus(sc.StatusCode())
	}
	return newError(http.StatusInternalServerError, CodeInternal, "internal error")
}

// fromStatus maps Echo's own errors (no route, wrong method, body limit).
func fromStatus(status int) *apiError {
	switch status {
	case http.StatusNotFound:
		return newError(status, CodeNotFound, "not found")
	case http.StatusMethodNotAllowed:
		return newError(status, CodeMethodNotAllowed, "method not allowed")
	case http.StatusRequestEntityTooLarge:
		return newError(status, CodeTooLarge, "request body too large")
	case http.StatusUnsupportedMediaType:
		return newError(status, CodeUnsupportedMedia, "unsupported media type")
	case http.StatusUnauthorized:
		return newError(status, CodeUnauthorized, "unauthorized")
	case http.StatusForbidden:
		return newError(status, CodeForbidden, "forbidden")
	}
	if status >= 400 && status < 500 {
		return newError(status, CodeBadRequest, http.StatusText(status))
	}
	return newError(http.StatusInternalServerError, CodeInternal, "internal error")
}

// lastPart is the reason at the end of a store ErrInvalid message ("op:
// invalid argument: reason"), which names fields and never values.
func lastPart(err error) string {
	msg, marker := err.Error(), store.ErrInvalid.Error()+": "
	if i := strings.LastIndex(msg, marker); i >= 0 {
		return msg[i+len(marker):]
	}
	return "rejected"
}

// handleError writes err as the response, unless one was sent already.
func (s *Server) handleError(c *echo.Context, err error) {
	if r, _ := echo.UnwrapResponse(c.Response()); r != nil && r.Committed {
		return
	}
	ae := toAPIError(err)
	if ae.Status >= 500 {
		s.log.ErrorContext(c.Request().Context(), "request failed", "route", c.Path(), "method", c.Request().Method,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
	}
	if ae.Status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="slotbox"`)
	}
	var werr error
	if c.Request().Method == http.MethodHead {
		werr = c.NoContent(ae.Status)
	} else {
		werr = c.JSON(ae.Status, ae)
	}
	if werr != nil {
		s.log.DebugContext(c.Request().Context(), "write error response", "err", werr)
	}
}
