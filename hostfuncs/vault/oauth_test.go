package vault_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs/vault"
)

var oauthInst = vault.InstallationRef{ID: "inst-zoom", App: "zoomvideo"}

type oauthFixture struct {
	as    *authServer
	app   *vault.OAuthApp
	store vault.CredentialStore
	v     *vault.Vault
	clock *fakeClock
	logs  *syncBuffer
	t0    time.Time
}

func newOAuthFixture(t *testing.T, opt authServerOptions, wrap func(vault.CredentialStore) vault.CredentialStore) *oauthFixture {
	t.Helper()
	f := &oauthFixture{as: newAuthServer(t, opt), clock: newClock(), logs: &syncBuffer{}}
	f.app = f.as.app(t)
	f.store = newStore(t, openDB(t))
	if wrap != nil {
		f.store = wrap(f.store)
	}
	cfg := vault.DefaultConfig().
		WithClock(f.clock.Now).
		WithLogger(newLogger(f.logs)).
		WithOAuthHTTPClient(f.as.Client()).
		WithOAuthApps(func(_ context.Context, slug string) (*vault.OAuthApp, error) {
			if slug != f.app.Slug() {
				return nil, fmt.Errorf("no app %s", slug)
			}
			return f.app, nil
		})
	f.v = mustVault(t, f.store, mustSealer(t, mustKey(t)), cfg)
	f.t0 = f.clock.Now()
	return f
}

// connect runs the authorization code flow for oauthInst.
func (f *oauthFixture) connect(t *testing.T) vault.Credential {
	t.Helper()
	code := f.as.authorize(t, f.app, "state-123")
	if err := f.v.Exchange(context.Background(), oauthInst, f.app, code); err != nil {
		t.Fatal(err)
	}
	c, err := f.v.Get(context.Background(), oauthInst)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOAuthAuthorizationCode(t *testing.T) {
	for _, paramsOnly := range []bool{false, true} {
		t.Run(fmt.Sprintf("paramsOnly=%v", paramsOnly), func(t *testing.T) {
			ctx := context.Background()
			f := newOAuthFixture(t, authServerOptions{paramsOnly: paramsOnly}, nil)
			// Install-time keys already stored survive the exchange.
			if err := f.v.Put(ctx, oauthInst, vault.Credential{Keys: map[string]string{"region": "eu"}}); err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(f.app.AuthCodeURL("s"))
			if q := u.Query(); q.Get("client_id") != clientID || q.Get("scope") != "meeting:write" || q.Get("redirect_uri") != redirectURL || q.Get("response_type") != "code" {
				t.Errorf("auth code url %s", u)
			}
			c := f.connect(t)
			tk := c.Token
			if tk == nil || tk.AccessToken == "" || tk.RefreshToken == "" || tk.TokenType != "Bearer" {
				t.Fatalf("token %+v", tk)
			}
			if !tk.Expiry.Equal(f.t0.Add(tokenLife)) {
				t.Errorf("expiry %v; want %v (clock + expires_in)", tk.Expiry, f.t0.Add(tokenLife))
			}
			if c.Keys["region"] != "eu" || c.Status.Invalid {
				t.Errorf("credential after exchange: %v", c)
			}
			if !f.as.accepts(t, tk.AccessToken) {
				t.Error("provider does not accept the stored access token")
			}
			// A code works once.
			code := f.as.authorize(t, f.app, "s2")
			if err := f.v.Exchange(ctx, oauthInst, f.app, code); err != nil {
				t.Fatal(err)
			}
			err := f.v.Exchange(ctx, oauthInst, f.app, code)
			if err == nil || !strings.Contains(err.Error(), "invalid_grant") || strings.Contains(err.Error(), code) {
				t.Errorf("reused code: %v; want invalid_grant without the code", err)
			}
		})
	}
}

func TestOAuthExchangeChecks(t *testing.T) {
	f := newOAuthFixture(t, authServerOptions{}, nil)
	ctx := context.Background()
	other := vault.InstallationRef{ID: "x", App: "googlecalendar"}
	if err := f.v.Exchange(ctx, other, f.app, "code"); err == nil {
		t.Error("exchange with another app's client succeeded")
	}
	if err := f.v.Exchange(ctx, oauthInst, f.app, ""); err == nil {
		t.Error("exchange of empty code succeeded")
	}
	bad := []struct {
		name string
		p    *abi.OAuthConfig
		id   string
	}{
		{"nil provider", nil, clientID},
		{"no client id", &abi.OAuthConfig{AuthURL: "https://a.example/auth", TokenURL: "https://a.example/token"}, ""},
		{"relative token url", &abi.OAuthConfig{AuthURL: "https://a.example/auth", TokenURL: "/token"}, clientID},
		{"ftp auth url", &abi.OAuthConfig{AuthURL: "ftp://a.example/auth", TokenURL: "https://a.example/token"}, clientID},
		{"user info", &abi.OAuthConfig{AuthURL: "https://u:p@a.example/auth", TokenURL: "https://a.example/token"}, clientID},
	}
	for _, b := range bad {
		if _, err := vault.NewOAuthApp("x", b.p, b.id, "s", ""); err == nil {
			t.Errorf("%s: NewOAuthApp accepted it", b.name)
		} else if strings.Contains(err.Error(), "u:p@") {
			t.Errorf("%s: error shows user info: %v", b.name, err)
		}
	}
}

func TestOAuthRefreshAheadOfExpiry(t *testing.T) {
	ctx := context.Background()
	f := newOAuthFixture(t, authServerOptions{rotate: true}, nil)
	first := f.connect(t).Token

	// Well before expiry minus the skew: no refresh.
	f.clock.Set(f.t0.Add(tokenLife - 2*time.Minute))
	tk, err := f.v.Token(ctx, oauthInst)
	if err != nil || tk.AccessToken != first.AccessToken || f.as.refreshes.Load() != 0 {
		t.Fatalf("early: %v, %v, %d refreshes; want the first token and none", tk, err, f.as.refreshes.Load())
	}
	// Within the 60 s skew: refreshed before it expires.
	now := f.t0.Add(tokenLife - 30*time.Second)
	f.clock.Set(now)
	tk, err = f.v.Token(ctx, oauthInst)
	if err != nil {
		t.Fatal(err)
	}
	if f.as.refreshes.Load() != 1 || tk.AccessToken == first.AccessToken || tk.RefreshToken == first.RefreshToken {
		t.Fatalf("in skew: %d refreshes, new token %v; want one refresh with new access and refresh tokens", f.as.refreshes.Load(), tk)
	}
	if !tk.Expiry.Equal(now.Add(tokenLife)) {
		t.Errorf("refreshed expiry %v; want %v", tk.Expiry, now.Add(tokenLife))
	}
	stored, _ := f.v.Get(ctx, oauthInst)
	if stored.Token.AccessToken != tk.AccessToken || stored.Token.RefreshToken != tk.RefreshToken {
		t.Error("refreshed token was not persisted")
	}
	if !f.as.accepts(t, tk.AccessToken) || f.as.accepts(t, first.AccessToken) {
		t.Error("provider disagrees about which access token is live")
	}
	// The Authenticator attaches the refreshed token; no further refresh.
	req, _ := http.NewRequest(http.MethodGet, f.as.URL+"/me", nil)
	if err := f.v.Authenticator(oauthInst, nil)(ctx, req); err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("Authorization") != "Bearer "+tk.AccessToken || f.as.refreshes.Load() != 1 {
		t.Errorf("authenticator attached %q after %d refreshes", req.Header.Get("Authorization"), f.as.refreshes.Load())
	}
}

func TestOAuthRefreshKeepsRefreshTokenWhenOmitted(t *testing.T) {
	ctx := context.Background()
	f := newOAuthFixture(t, authServerOptions{rotate: false}, nil)
	first := f.connect(t).Token
	for i := 1; i <= 2; i++ {
		f.clock.Set(f.t0.Add(time.Duration(i) * tokenLife))
		tk, err := f.v.Token(ctx, oauthInst)
		if err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		if body := f.as.lastRefreshBody(); contains(body, "refresh_token") || !contains(body, "access_token") {
			t.Fatalf("provider's refresh response %s; the test needs one without refresh_token", body)
		}
		stored, _ := f.v.Get(ctx, oauthInst)
		if tk.RefreshToken != first.RefreshToken || stored.Token.RefreshToken != first.RefreshToken {
			t.Fatalf("refresh %d: refresh token %q stored %q; want the original kept", i, tk.RefreshToken, stored.Token.RefreshToken)
		}
		if int(f.as.refreshes.Load()) != i || !f.as.accepts(t, tk.AccessToken) {
			t.Fatalf("refresh %d: %d refreshes, token accepted=%v", i, f.as.refreshes.Load(), f.as.accepts(t, tk.AccessToken))
		}
	}
}

// TestOAuthConcurrentRefresh: many calls find the token due at once; the
// provider sees one refresh. The provider holds the refresh until every
// caller has read the stale token, so without the per-installation
// serialisation each caller would send its own.
func TestOAuthConcurrentRefresh(t *testing.T) {
	const callers = 8
	var cs *countingStore
	f := newOAuthFixture(t, authServerOptions{rotate: true}, func(s vault.CredentialStore) vault.CredentialStore {
		cs = &countingStore{CredentialStore: s, reach: make(chan struct{})}
		return cs
	})
	f.connect(t)
	// Reads from now on: one per caller, plus the flight's own re-read.
	cs.target = cs.gets.Load() + callers + 1
	f.as.set(func(a *authServer) {
		a.hold = func() {
			select {
			case <-cs.reach:
			case <-time.After(10 * time.Second): // only if the code under test is broken
			}
		}
	})
	f.clock.Set(f.t0.Add(tokenLife))

	var wg sync.WaitGroup
	tokens := make([]vault.Token, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() { tokens[i], errs[i] = f.v.Token(context.Background(), oauthInst) })
	}
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if tokens[i].AccessToken != tokens[0].AccessToken {
			t.Fatalf("callers got different tokens")
		}
	}
	if n := f.as.refreshes.Load(); n != 1 {
		t.Fatalf("provider saw %d refreshes; want 1", n)
	}
	if !f.as.accepts(t, tokens[0].AccessToken) {
		t.Error("shared token is not live")
	}
}

// TestOAuthWaiterGivesUp: a caller whose context ends stops waiting, and
// the refresh still completes for the others.
func TestOAuthWaiterGivesUp(t *testing.T) {
	f := newOAuthFixture(t, authServerOptions{rotate: true}, nil)
	f.connect(t)
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	f.as.set(func(a *authServer) {
		a.hold = func() { arrived <- struct{}{}; <-release }
	})
	f.clock.Set(f.t0.Add(tokenLife))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := f.v.Token(ctx, oauthInst); done <- err }()
	<-arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v", err)
	}
	close(release)
	tk, err := f.v.Token(context.Background(), oauthInst)
	if err != nil || !f.as.accepts(t, tk.AccessToken) {
		t.Fatalf("after the abandoned wait: %v, %v", tk, err)
	}
	if n := f.as.refreshes.Load(); n != 1 {
		t.Errorf("%d refreshes; want the abandoned one to have completed and been reused", n)
	}
}

func TestOAuthRevokedRefreshToken(t *testing.T) {
	for _, paramsOnly := range []bool{false, true} {
		t.Run(fmt.Sprintf("paramsOnly=%v", paramsOnly), func(t *testing.T) {
			ctx := context.Background()
			f := newOAuthFixture(t, authServerOptions{rotate: true, paramsOnly: paramsOnly}, nil)
			first := f.connect(t).Token
			if err := f.as.mgr.RemoveRefreshToken(ctx, first.RefreshToken); err != nil {
				t.Fatal(err)
			}
			f.clock.Set(f.t0.Add(tokenLife + time.Second))
			_, err := f.v.Token(ctx, oauthInst)
			var ae *abi.Error
			if !errors.Is(err, vault.ErrCredentialInvalid) || !errors.As(err, &ae) || ae.Code != abi.CodePermissionDenied || ae.Retryable {
				t.Fatalf("err = %v; want ErrCredentialInvalid with PERMISSION_DENIED", err)
			}
			c, gerr := f.v.Get(ctx, oauthInst)
			if gerr != nil || !c.Status.Invalid || !strings.Contains(c.Status.Reason, "invalid_grant") || !c.Status.Since.Equal(f.clock.Now().Truncate(time.Millisecond)) {
				t.Fatalf("status %+v, %v; want invalid with the invalid_grant reason", c.Status, gerr)
			}
			if !strings.Contains(ae.Message, "invalid_grant") || !strings.Contains(f.logs.String(), "credential marked invalid") {
				t.Errorf("reason not surfaced: %q; logs %s", ae.Message, f.logs.String())
			}
			n := f.as.refreshes.Load()
			// Later calls fail at once without asking the provider again.
			req, _ := http.NewRequest(http.MethodGet, f.as.URL, nil)
			if err := f.v.Authenticator(oauthInst, nil)(ctx, req); !errors.Is(err, vault.ErrCredentialInvalid) || req.Header.Get("Authorization") != "" {
				t.Fatalf("authenticator on invalid credential: %v", err)
			}
			if _, err := f.v.Token(ctx, oauthInst); !errors.Is(err, vault.ErrCredentialInvalid) || f.as.refreshes.Load() != n {
				t.Fatalf("second call: %v after %d refreshes (had %d)", err, f.as.refreshes.Load(), n)
			}
			// Reconnecting makes it valid again.
			c = f.connect(t)
			if c.Status.Invalid {
				t.Fatal("still invalid after reconnecting")
			}
			if _, err := f.v.Token(ctx, oauthInst); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOAuthRefreshProviderDown(t *testing.T) {
	ctx := context.Background()
	f := newOAuthFixture(t, authServerOptions{rotate: true}, nil)
	first := f.connect(t).Token
	f.as.set(func(a *authServer) {
		a.override = func(w http.ResponseWriter, _ url.Values) bool {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":"temporarily_unavailable"}`))
			return true
		}
	})
	// Due but not expired: the current token is used and a warning logged.
	f.clock.Set(f.t0.Add(tokenLife - 10*time.Second))
	tk, err := f.v.Token(ctx, oauthInst)
	if err != nil || tk.AccessToken != first.AccessToken || !strings.Contains(f.logs.String(), "using the current token") {
		t.Fatalf("due, provider down: %v, %v", tk, err)
	}
	// Expired: a retryable error; the credential stays valid.
	f.clock.Set(f.t0.Add(tokenLife + time.Second))
	_, err = f.v.Token(ctx, oauthInst)
	var ae *abi.Error
	if !errors.As(err, &ae) || ae.Code != abi.CodeHostError || !ae.Retryable || errors.Is(err, vault.ErrCredentialInvalid) {
		t.Fatalf("expired, provider 503: %v; want retryable HOST_ERROR", err)
	}
	// Unreachable: NETWORK_ERROR.
	f.as.Close()
	_, err = f.v.Token(ctx, oauthInst)
	if !errors.As(err, &ae) || ae.Code != abi.CodeNetworkError || !ae.Retryable {
		t.Fatalf("provider gone: %v; want retryable NETWORK_ERROR", err)
	}
	if c, _ := f.v.Get(ctx, oauthInst); c.Status.Invalid {
		t.Error("a transient failure marked the credential invalid")
	}
}

func TestOAuthNoRefreshToken(t *testing.T) {
	ctx := context.Background()
	f := newOAuthFixture(t, authServerOptions{}, nil)
	if err := f.v.Put(ctx, oauthInst, vault.Credential{Token: &vault.Token{AccessToken: "at", Expiry: f.t0.Add(time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(f.t0.Add(30 * time.Second)) // due, not expired: still usable
	if tk, err := f.v.Token(ctx, oauthInst); err != nil || tk.AccessToken != "at" {
		t.Fatalf("usable token: %v, %v", tk, err)
	}
	f.clock.Set(f.t0.Add(2 * time.Minute))
	if _, err := f.v.Token(ctx, oauthInst); !errors.Is(err, vault.ErrCredentialInvalid) {
		t.Fatalf("expired without refresh token: %v; want ErrCredentialInvalid", err)
	}
	if err := f.v.Put(ctx, instA, vault.Credential{Keys: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.v.Token(ctx, instA); !errors.Is(err, vault.ErrNoToken) {
		t.Fatalf("credential without token: %v; want ErrNoToken", err)
	}
}
