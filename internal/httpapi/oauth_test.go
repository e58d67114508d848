package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-oauth2/oauth2/v4"
	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"
	oauthstore "github.com/go-oauth2/oauth2/v4/store"

	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/appstore"
)

const (
	oauthClientID     = "slotbox-test-client"
	oauthClientSecret = "client-secret-CANARY-77"
)

// oauthProvider is a real OAuth 2 authorization server (go-oauth2) on a
// loopback TLS port that approves every user and demands PKCE.
type oauthProvider struct {
	*httptest.Server
	clients *oauthstore.ClientStore
}

func newOAuthProvider(t *testing.T) *oauthProvider {
	t.Helper()
	mgr := manage.NewDefaultManager()
	mgr.MustTokenStorage(oauthstore.NewMemoryTokenStore())
	clients := oauthstore.NewClientStore()
	mgr.MapClientStorage(clients)
	mgr.SetAuthorizeCodeTokenCfg(&manage.Config{AccessTokenExp: time.Hour, IsGenerateRefresh: true})
	srv := server.NewDefaultServer(mgr)
	srv.Config.ForcePKCE = true
	srv.SetAllowedGrantType(oauth2.AuthorizationCode, oauth2.Refreshing)
	srv.SetUserAuthorizationHandler(func(http.ResponseWriter, *http.Request) (string, error) { return "user-1", nil })
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		if err := srv.HandleAuthorizeRequest(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) { _ = srv.HandleTokenRequest(w, r) })
	p := &oauthProvider{Server: httptest.NewTLSServer(mux), clients: clients}
	t.Cleanup(p.Close)
	return p
}

// oauthHarness is the API with an OAuth app whose provider is p.
func oauthHarness(t *testing.T, p *oauthProvider) *harness {
	t.Helper()
	tlsCfg := p.Client().Transport.(*http.Transport).TLSClientConfig
	hc := hhttp.NewConfig().WithAllowNet("127.0.0.1").WithTLSClientConfig(tlsCfg)
	transport, err := hhttp.SafeTransport(hc)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(o *harnessOptions) {
		o.httpCfg = func(hhttp.Config) hhttp.Config { return hc }
		o.vaultCfg = func(c vault.Config) vault.Config {
			return c.WithOAuthHTTPClient(&http.Client{Transport: transport, Timeout: 10 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }})
		}
		o.appCfg = func(c appstore.Config) appstore.Config {
			return c.WithOAuthClients(map[string]appstore.OAuthClient{"test-oauth": {ClientID: oauthClientID, ClientSecret: oauthClientSecret}})
		}
	})
	if err := p.clients.Set(oauthClientID, &models.Client{ID: oauthClientID, Secret: oauthClientSecret, Domain: h.url}); err != nil {
		t.Fatal(err)
	}
	h.publish("small/echo", func(m map[string]any) {
		m["slug"], m["name"], m["type"] = "test-oauth", "OAuth Echo", "test-oauth_calendar"
		m["isOAuth"] = true
		m["oauth"] = map[string]any{"authUrl": p.URL + "/authorize", "tokenUrl": p.URL + "/token", "scopes": []any{"calendar"}}
	})
	return h
}

// authorize plays the user's browser at the provider and returns the
// callback URL it is sent back to.
func authorize(t *testing.T, h *harness, p *oauthProvider, name string) *url.URL {
	t.Helper()
	r := h.do("GET", "/api/integrations/test-oauth/add?name="+url.QueryEscape(name), bearerOf(h.keyA), "")
	if r.status != http.StatusFound {
		t.Fatalf("add: %d %s", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), p.URL+"/authorize?") {
		t.Fatalf("add redirects to %q", r.header.Get("Location"))
	}
	q := loc.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("redirect_uri") != h.url+"/api/integrations/test-oauth/callback" || q.Get("state") == "" {
		t.Fatalf("authorization URL %s", loc)
	}
	browser := p.Client()
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := browser.Get(loc.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || back.Query().Get("code") == "" {
		t.Fatalf("provider answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return back
}

func TestOAuthInstall(t *testing.T) {
	p := newOAuthProvider(t)
	h := oauthHarness(t, p)
	back := authorize(t, h, p, "My calendar")

	r := h.do("GET", back.RequestURI(), nil, "")
	var in installation
	h.mustJSON(r, http.StatusCreated, &in)
	if in.App != "test-oauth" || in.Name != "My calendar" || in.Status != "valid" {
		t.Fatalf("installation %s", r.body)
	}
	cred, err := h.st.InstallationCredential(context.Background(), h.tenA.ID, in.ID)
	if err != nil || len(cred.Ciphertext) == 0 {
		t.Fatalf("no sealed token: %v", err)
	}
	h.run(t, []scenario{
		{name: "the tenant that started it has it", method: "GET", url: "/api/installations/" + in.ID, headers: bearerOf(h.keyA), status: 200},
		{name: "the other tenant does not", method: "GET", url: "/api/installations/" + in.ID, headers: bearerOf(h.keyB), status: 404},
		{name: "replayed callback", method: "GET", url: back.RequestURI(), status: 400, want: []string{`"code":"OAUTH_STATE"`}},
		{name: "no state", method: "GET", url: "/api/integrations/test-oauth/callback?code=x", status: 400, want: []string{`"code":"OAUTH_STATE"`}},
		{name: "forged state", method: "GET", url: "/api/integrations/test-oauth/callback?code=x&state=eyJ0IjoidGVuX2IifQ.AAAA", status: 400},
		{name: "add for a non-OAuth app", method: "GET", url: "/api/integrations/test-echo/add", headers: bearerOf(h.keyA), status: 404},
		{name: "add needs a key", method: "GET", url: "/api/integrations/test-oauth/add", status: 401},
	})

	t.Run("state for another app", func(t *testing.T) {
		h.t = t
		back := authorize(t, h, p, "")
		other := strings.Replace(back.RequestURI(), "/test-oauth/", "/c-conformance/", 1)
		h.mustJSON(h.do("GET", other, nil, ""), http.StatusBadRequest, nil)
	})
	t.Run("the user refuses", func(t *testing.T) {
		h.t = t
		back := authorize(t, h, p, "")
		q := back.Query()
		r := h.do("GET", "/api/integrations/test-oauth/callback?error=access_denied&state="+url.QueryEscape(q.Get("state")), nil, "")
		if r.status != 400 || !strings.Contains(string(r.body), `"code":"OAUTH_DENIED"`) {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("a code the provider does not know", func(t *testing.T) {
		h.t = t
		back := authorize(t, h, p, "")
		q := back.Query()
		r := h.do("GET", "/api/integrations/test-oauth/callback?code=bogus&state="+url.QueryEscape(q.Get("state")), nil, "")
		if r.status != http.StatusBadGateway || !strings.Contains(string(r.body), `"code":"OAUTH_EXCHANGE_FAILED"`) {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	h.t = t
	var l list[installation]
	h.mustJSON(h.do("GET", "/api/installations", bearerOf(h.keyA), ""), 200, &l)
	if len(l.Items) != 1 {
		t.Fatalf("failed authorizations left installations: %+v", l.Items)
	}
	if strings.Contains(h.logs.String(), oauthClientSecret) {
		t.Fatal("the client secret is in a log line")
	}
}

func TestOAuthNotConfigured(t *testing.T) {
	h := newHarness(t)
	h.publish("small/echo", func(m map[string]any) {
		m["slug"], m["name"], m["type"] = "test-oauth", "OAuth Echo", "test-oauth_calendar"
		m["isOAuth"] = true
		m["oauth"] = map[string]any{"authUrl": "https://auth.example.com/a", "tokenUrl": "https://auth.example.com/t"}
	})
	h.publish("small/passthrough", nil)
	h.run(t, []scenario{
		{name: "no client", method: "GET", url: "/api/integrations/test-oauth/add", headers: bearerOf(h.keyA), status: 409, want: []string{`"code":"OAUTH_NOT_CONFIGURED"`}},
		{name: "not an OAuth app", method: "GET", url: "/api/integrations/test-passthrough/add", headers: bearerOf(h.keyA), status: 409, want: []string{`"code":"NOT_OAUTH"`}},
		{name: "unknown app", method: "GET", url: "/api/integrations/nope/add", headers: bearerOf(h.keyA), status: 404},
	})
}
