package vault_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-oauth2/oauth2/v4"
	"github.com/go-oauth2/oauth2/v4/generates"
	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"
	"github.com/go-oauth2/oauth2/v4/store"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs/vault"
)

const (
	clientID     = "slotbox-client"
	clientSecret = "client-secret-1"
	redirectURL  = "http://127.0.0.1:1/apps/zoomvideo/callback"
	tokenLife    = time.Hour
)

// authServerOptions shapes the provider.
type authServerOptions struct {
	// rotate makes each refresh issue a new refresh token and revoke the old.
	rotate bool
	// paramsOnly makes the provider take client credentials in the form only.
	paramsOnly bool
	// access generates tokens; nil uses the library's default.
	access oauth2.AccessGenerate
}

// authServer is a real OAuth 2 authorization server (go-oauth2/oauth2) on
// loopback.
type authServer struct {
	*httptest.Server
	mgr *manage.Manager
	srv *server.Server

	refreshes atomic.Int32 // refresh_token grants received
	mu        sync.Mutex
	hold      func()                                     // runs before a refresh is served
	override  func(http.ResponseWriter, url.Values) bool // answers a token request itself when true
	lastBody  string                                     // body of the last refresh response
}

func newAuthServer(t *testing.T, opt authServerOptions) *authServer {
	t.Helper()
	a := &authServer{mgr: manage.NewDefaultManager()}
	a.mgr.MustTokenStorage(store.NewMemoryTokenStore())
	clients := store.NewClientStore()
	if err := clients.Set(clientID, &models.Client{ID: clientID, Secret: clientSecret, Domain: "http://127.0.0.1:1"}); err != nil {
		t.Fatal(err)
	}
	a.mgr.MapClientStorage(clients)
	if opt.access != nil {
		a.mgr.MapAccessGenerate(opt.access)
	}
	a.mgr.SetAuthorizeCodeTokenCfg(&manage.Config{AccessTokenExp: tokenLife, IsGenerateRefresh: true})
	a.mgr.SetRefreshTokenCfg(&manage.RefreshingConfig{
		AccessTokenExp:     tokenLife,
		IsGenerateRefresh:  opt.rotate,
		IsRemoveAccess:     true,
		IsRemoveRefreshing: opt.rotate,
	})
	a.srv = server.NewDefaultServer(a.mgr)
	a.srv.SetAllowedGrantType(oauth2.AuthorizationCode, oauth2.Refreshing)
	a.srv.SetUserAuthorizationHandler(func(http.ResponseWriter, *http.Request) (string, error) { return "user-1", nil })
	if opt.paramsOnly {
		a.srv.SetClientInfoHandler(server.ClientFormHandler)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		if err := a.srv.HandleAuthorizeRequest(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
	mux.HandleFunc("/token", a.token)
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		if _, err := a.srv.ValidationBearerToken(r); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
		}
	})
	a.Server = httptest.NewServer(mux)
	t.Cleanup(a.Close)
	return a
}

func (a *authServer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	hold, override := a.hold, a.override
	a.mu.Unlock()
	refresh := r.PostForm.Get("grant_type") == "refresh_token"
	if refresh {
		a.refreshes.Add(1)
		if hold != nil {
			hold()
		}
	}
	if override != nil && override(w, r.PostForm) {
		return
	}
	rec := httptest.NewRecorder()
	_ = a.srv.HandleTokenRequest(rec, r)
	if refresh {
		a.mu.Lock()
		a.lastBody = rec.Body.String()
		a.mu.Unlock()
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (a *authServer) set(f func(a *authServer)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f(a)
}

func (a *authServer) lastRefreshBody() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lastBody
}

// app returns the OAuth client of app zoomvideo for this server.
func (a *authServer) app(t *testing.T) *vault.OAuthApp {
	t.Helper()
	app, err := vault.NewOAuthApp("zoomvideo", &abi.OAuthConfig{
		AuthURL:  a.URL + "/authorize",
		TokenURL: a.URL + "/token",
		Scopes:   []string{"meeting:write"},
	}, clientID, clientSecret, redirectURL)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// authorize plays the user's browser: it follows the authorization URL and
// returns the code the provider redirects back with.
func (a *authServer) authorize(t *testing.T, app *vault.OAuthApp, state string) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(app.AuthCodeURL(state))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != redirectURL {
		t.Fatalf("redirected to %s; want %s", got, redirectURL)
	}
	if loc.Query().Get("state") != state {
		t.Fatalf("state %q; want %q", loc.Query().Get("state"), state)
	}
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", loc)
	}
	return code
}

// accepts reports whether the provider accepts an access token.
func (a *authServer) accepts(t *testing.T, access string) bool {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/me", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// prefixedAccess issues tokens that start with a prefix (for canary tests).
type prefixedAccess struct {
	prefix string
	n      atomic.Int64
}

func (p *prefixedAccess) Token(ctx context.Context, data *oauth2.GenerateBasic, refresh bool) (string, string, error) {
	access, rt, err := generates.NewAccessGenerate().Token(ctx, data, refresh)
	if err != nil {
		return "", "", err
	}
	n := p.n.Add(1)
	access = p.prefix + "-at-" + access + "-" + string(rune('a'+n%26))
	if rt != "" {
		rt = p.prefix + "-rt-" + rt
	}
	return access, rt, nil
}

// countingStore counts Get calls and signals when a count is reached.
type countingStore struct {
	vault.CredentialStore
	gets   atomic.Int32
	target int32
	reach  chan struct{}
	once   sync.Once
}

func (c *countingStore) Get(ctx context.Context, id string) (vault.Sealed, error) {
	if c.gets.Add(1) == c.target {
		c.once.Do(func() { close(c.reach) })
	}
	return c.CredentialStore.Get(ctx, id)
}

// contains reports whether body has the JSON key.
func contains(body, key string) bool {
	return bytes.Contains([]byte(body), []byte(`"`+key+`"`)) || strings.Contains(body, key+"=")
}
