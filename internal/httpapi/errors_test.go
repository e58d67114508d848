package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v5"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

func TestToAPIError(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("installation[ins_1] tenant[ten_1]: %w", err) }
	tests := []struct {
		err    error
		status int
		code   string
		msg    string
	}{
		{wrap(store.ErrNotFound), 404, CodeNotFound, "not found"},
		{wrap(store.ErrConflict), 409, CodeConflict, ""},
		{fmt.Errorf("create tenant: %w: name must be 1 to 200 bytes", store.ErrInvalid), 400, CodeBadRequest, "invalid argument: name must be 1 to 200 bytes"},
		{wrap(appstore.ErrAppDisabled), 409, CodeAppDisabled, ""},
		{wrap(appstore.ErrBadMethod), 400, CodeBadMethod, ""},
		{wrap(appstore.ErrOAuthState), 400, CodeOAuthState, ""},
		{wrap(appstore.ErrOAuthDenied), 400, CodeOAuthDenied, ""},
		{wrap(appstore.ErrNotOAuth), 409, CodeNotOAuth, ""},
		{wrap(appstore.ErrOAuthNotConfigured), 409, CodeOAuthNotSetUp, ""},
		{&appstore.ProblemsError{Message: "keys are invalid", Problems: abi.Problems{{Path: "/keys/a", Message: "required"}}}, 422, CodeValidation, "keys are invalid"},
		{&appstore.UploadError{Violations: []runtime.Violation{{Rule: "import", Name: "env.x", Message: "no"}}}, 422, CodeValidation, ""},
		{&appstore.BundleError{Message: "x"}, 400, CodeBadBundle, ""},
		{&appstore.BundleError{TooLarge: true, Message: "x"}, 413, CodeTooLarge, ""},
		{&appstore.KeysRejectedError{Message: "bad key"}, 422, CodeKeysRejected, "the app rejected the keys: bad key"},
		{&appstore.OAuthExchangeError{Message: "provider answered status 400"}, 502, CodeOAuthExchange, ""},
		{wrap(context.DeadlineExceeded), 503, CodeTimeout, ""},
		{echo.ErrNotFound, 404, CodeNotFound, ""},
		{echo.ErrMethodNotAllowed, 405, CodeMethodNotAllowed, ""},
		{echo.ErrStatusRequestEntityTooLarge, 413, CodeTooLarge, ""},
		{echo.NewHTTPError(http.StatusTeapot, "tea"), 418, CodeBadRequest, ""},
		{errors.New("disk on fire at /var/lib/secret"), 500, CodeInternal, "internal error"},
	}
	for _, tt := range tests {
		ae := toAPIError(tt.err)
		if ae.Status != tt.status || ae.Code != tt.code || (tt.msg != "" && ae.Message != tt.msg) {
			t.Errorf("%v: %d %s %q; want %d %s %q", tt.err, ae.Status, ae.Code, ae.Message, tt.status, tt.code, tt.msg)
		}
	}
	up := toAPIError(&appstore.UploadError{Violations: []runtime.Violation{{Rule: "import", Name: "env.x", Message: "no"}}})
	if len(up.Problems) != 1 || up.Problems[0].Path != "/app.wasm" || len(up.Violations) != 1 {
		t.Errorf("upload error: %+v", up)
	}
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	h := newHarness(t, func(o *harnessOptions) { o.noTenants = true })
	// A closed store makes every query fail with a driver error.
	if err := h.st.Close(); err != nil {
		t.Fatal(err)
	}
	r := h.do("GET", "/api/admin/apps", admin(), "")
	if r.status != 500 || string(r.body) != `{"code":"INTERNAL","message":"internal error"}`+"\n" {
		t.Fatalf("%d %q", r.status, r.body)
	}
	if rid := r.header.Get("X-Request-Id"); rid == "" || !strings.Contains(h.logs.String(), rid) {
		t.Fatalf("the failure was not logged with its request id %q", rid)
	}
}
