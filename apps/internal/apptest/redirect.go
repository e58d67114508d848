package apptest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"golang.org/x/time/rate"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	httpfn "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/devhost"
	"github.com/slotbox/slotbox/runtime"
)

// Redirected is an installation of an app that may name only one HTTPS
// origin (such as https://api.attio.com): that origin cannot resolve to a
// loopback fake, so every http_request the guest makes must start with it
// and is re-pointed at the fake before the real http_request sees it. The
// module is the same as in production; the manifest decides whether the
// fake is admitted (KeyHostManifest) or refused (the app's config.json).
type Redirected struct {
	*Caller
	// URL is the fake server's base URL.
	URL string

	origin string
	mu     sync.Mutex
	sent   []json.RawMessage
}

// NewRedirected installs app (compiled under m) with keys, its requests to
// origin served by fake on a loopback server. A key m's allow-list names
// ({{keys.field}}) is set to the fake's URL. The host functions are
// devhost's, or with unthrottled the same bindings without the per-installation
// request rate limit (for benchmarks and fuzzing).
func NewRedirected(tb testing.TB, app *runtime.App, m *abi.Manifest, origin string, keys map[string]string, fake http.Handler, unthrottled bool) *Redirected {
	tb.Helper()
	srv := httptest.NewServer(fake)
	tb.Cleanup(srv.Close)
	keys = maps.Clone(keys)
	for _, h := range m.Permissions.HTTP.AllowedHosts {
		if field, ok := abi.KeyHostRef(h); ok {
			keys[field] = srv.URL
		}
	}
	addr := srv.Listener.Addr().String()
	var funcs map[string]hostfuncs.Func
	if unthrottled {
		ref := vault.InstallationRef{ID: devhost.Installation, App: m.Slug}
		client := NewHTTPClient(tb, httpfn.NewConfig().WithAllowNet(addr).WithAllowHTTP(true).WithRateLimit(rate.Inf, 0).WithMaxConcurrent(64))
		funcs = HostFuncs(tb, m, keys, client, NewVault(tb, ref, keys), ref, &AuditLog{})
	} else {
		host, err := devhost.New(context.Background(), m, keys, devhost.Options{AllowNet: []string{addr}, AllowHTTP: true})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(host.Close)
		funcs = maps.Clone(host.Funcs)
	}
	r := &Redirected{URL: srv.URL, origin: origin}
	funcs[abi.ImportHTTPRequest] = r.redirect(tb, funcs[abi.ImportHTTPRequest], srv.URL)
	r.Caller = NewCaller(tb, app, devhost.Installation, funcs)
	return r
}

// redirect records each request and re-points the origin at target; a URL
// outside the origin fails the test and goes on unchanged (to be refused).
func (r *Redirected) redirect(tb testing.TB, next hostfuncs.Func, target string) hostfuncs.Func {
	return func(ctx context.Context, in []byte) (json.RawMessage, error) {
		r.mu.Lock()
		r.sent = append(r.sent, append(json.RawMessage(nil), in...))
		r.mu.Unlock()
		var req map[string]json.RawMessage
		if err := json.Unmarshal(in, &req); err != nil {
			return next(ctx, in)
		}
		var u string
		_ = json.Unmarshal(req["url"], &u)
		rest, ok := strings.CutPrefix(u, r.origin+"/")
		if !ok {
			tb.Errorf("the guest requested %q, outside %s", u, r.origin)
			return next(ctx, in)
		}
		req["url"], _ = json.Marshal(target + "/" + rest)
		out, err := json.Marshal(req)
		if err != nil {
			return nil, fmt.Errorf("re-encode http_request: %w", err)
		}
		return next(ctx, out)
	}
}

// Requests returns the http_request inputs the guest has sent, as sent.
func (r *Redirected) Requests() []json.RawMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]json.RawMessage(nil), r.sent...)
}
