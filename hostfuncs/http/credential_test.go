package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	nethttp "net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

// canary is the planted secret every leak test searches for.
const canary = "sk_live_CANARY_7f3a9c"

// bearer attaches the canary as a bearer token and counts its calls.
func bearer(calls *atomic.Int64) Authenticator {
	return func(_ context.Context, req *nethttp.Request) error {
		calls.Add(1)
		req.Header.Set("Authorization", "Bearer "+canary)
		return nil
	}
}

// sawCanary records whether a server received the canary anywhere.
func sawCanary(flag *atomic.Bool, r *nethttp.Request) {
	var b strings.Builder
	r.Header.Write(&b)
	b.WriteString(r.URL.String())
	if strings.Contains(b.String(), canary) {
		flag.Store(true)
	}
}

func TestCredentialInjection(t *testing.T) {
	var gotAuth atomic.Value
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if r.URL.Path == "/hop" {
			nethttp.Redirect(w, r, "/final", nethttp.StatusFound)
			return
		}
		gotAuth.Store(r.Header.Get("Authorization"))
	})
	var calls atomic.Int64
	c := newClient(t, loopbackConfig(srv))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	g.Authenticator = bearer(&calls)

	tests := []struct {
		name, path, auth, want string
	}{
		{"credential", "/", AuthCredential, "Bearer " + canary},
		{"none", "/", AuthNone, ""},
		{"default none", "/", "", ""},
		{"same-origin redirect keeps it", "/hop", AuthCredential, "Bearer " + canary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotAuth.Store("unset")
			if _, err := c.Do(context.Background(), g, Request{URL: srv.URL + tt.path, Auth: tt.auth}); err != nil {
				t.Fatal(err)
			}
			if got := gotAuth.Load().(string); got != tt.want {
				t.Fatalf("server saw Authorization %q, want %q", got, tt.want)
			}
		})
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("authenticator called %d times, want 2", n)
	}
	noCred := g
	noCred.Authenticator = nil
	if _, err := c.Do(context.Background(), noCred, Request{URL: srv.URL, Auth: AuthCredential}); errCode(err) != abi.CodePermissionDenied {
		t.Fatalf("no authenticator: got %v, want PERMISSION_DENIED", err)
	}
}

func TestCredentialNeverCrossOrigin(t *testing.T) {
	var leaked atomic.Bool
	other := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) { sawCanary(&leaked, r) })
	start := newServer(t, false, redirectTo("http://"+other.hostPort("127.0.0.1")+"/"))
	var calls atomic.Int64
	c := newClient(t, loopbackConfig(start, other))
	g := grant(t, "http://"+start.hostPort("127.0.0.1"), "http://"+other.hostPort("127.0.0.1"))
	g.Authenticator = bearer(&calls)

	_, err := c.Do(context.Background(), g, Request{URL: start.URL, Auth: AuthCredential})
	if errCode(err) != abi.CodePermissionDenied || !strings.Contains(err.Error(), "another origin") {
		t.Fatalf("credential cross-origin: got %v, want PERMISSION_DENIED", err)
	}
	if other.hits.Load() != 0 {
		t.Fatal("the other origin was contacted with the credential attached")
	}
	// Without the credential the same redirect is followed.
	if _, err := c.Do(context.Background(), g, Request{URL: start.URL}); err != nil {
		t.Fatal(err)
	}
	if other.hits.Load() != 1 || leaked.Load() {
		t.Fatalf("other origin: %d requests, canary seen %v", other.hits.Load(), leaked.Load())
	}
}

// TestCredentialOnlyForAllowedURL calls attachCredential directly with URLs
// the allow-list or the scheme rule refuses: the Authenticator must not run.
func TestCredentialOnlyForAllowedURL(t *testing.T) {
	var calls atomic.Int64
	c := newClient(t, NewConfig())
	g := grant(t, "api.example.com", "http://plain.example.com")
	g.Authenticator = bearer(&calls)
	for _, raw := range []string{"https://evil.example.com/", "https://api.example.com:444/", "http://api.example.com/",
		"http://plain.example.com/", "https://api.example.com.evil.com/", "https://127.0.0.1/"} {
		req, err := nethttp.NewRequest("GET", raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		if aerr := c.attachCredential(context.Background(), g, req); aerr == nil || aerr.Code != abi.CodePermissionDenied {
			t.Errorf("%s: got %v, want PERMISSION_DENIED", raw, aerr)
		}
		if req.Header.Get("Authorization") != "" {
			t.Errorf("%s: credential attached", raw)
		}
	}
	if calls.Load() != 0 {
		t.Fatalf("authenticator ran %d times", calls.Load())
	}
	req, _ := nethttp.NewRequest("GET", "https://api.example.com/x", nil)
	if aerr := c.attachCredential(context.Background(), g, req); aerr != nil || calls.Load() != 1 {
		t.Fatalf("allowed URL: %v, calls %d", aerr, calls.Load())
	}
	moved := g
	moved.Authenticator = func(_ context.Context, r *nethttp.Request) error { r.URL.Host = "evil.example.com"; return nil }
	req, _ = nethttp.NewRequest("GET", "https://api.example.com/x", nil)
	if aerr := c.attachCredential(context.Background(), moved, req); aerr == nil {
		t.Fatal("an authenticator that moves the request was accepted")
	}
}

// TestCanary plants a secret through the Authenticator (header, query and
// its error text) and runs every kind of outcome, then searches the results,
// the errors and the log output for it.
func TestCanary(t *testing.T) {
	var leaked atomic.Bool
	other := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) { sawCanary(&leaked, r) })
	release := make(chan struct{})
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Header().Set("Set-Cookie", "s="+canary)
			w.Write([]byte("fine"))
		case "/401":
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(401)
		case "/cross":
			nethttp.Redirect(w, r, "http://"+other.hostPort("127.0.0.1")+"/", nethttp.StatusFound)
		case "/big":
			w.Write(bytes.Repeat([]byte("x"), 2048))
		case "/slow":
			<-release
		case "/reset":
			hj, _ := w.(nethttp.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
		}
	})
	t.Cleanup(func() { close(release) })
	closed := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	closed.Close()

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, loopbackConfig(srv, other, closed).WithLogger(logger).WithMaxResponseBytes(1024).WithTimeouts(50e6, 50e6))
	list := []string{"http://" + srv.hostPort("127.0.0.1"), "http://" + other.hostPort("127.0.0.1"), "http://" + closed.hostPort("127.0.0.1")}
	header := grant(t, list...)
	header.Authenticator = func(_ context.Context, r *nethttp.Request) error {
		r.Header.Set("X-Api-Key", canary)
		return nil
	}
	query := grant(t, list...)
	query.Authenticator = func(_ context.Context, r *nethttp.Request) error {
		q := r.URL.Query()
		q.Set("api_key", canary)
		r.URL.RawQuery = q.Encode()
		return nil
	}
	failing := grant(t, list...)
	failing.Authenticator = func(context.Context, *nethttp.Request) error {
		return fmt.Errorf("refresh token %s rejected", canary)
	}

	var seen []string
	for _, g := range []Grant{header, query, failing} {
		for _, path := range []string{"/ok", "/401", "/cross", "/big", "/slow", "/reset"} {
			for _, u := range []string{srv.URL + path, closed.URL + path} {
				in, _ := json.Marshal(Request{URL: u, Auth: AuthCredential})
				out, err := c.Func(g)(context.Background(), in)
				seen = append(seen, string(out))
				if err != nil {
					seen = append(seen, err.Error())
					var ae *abi.Error
					if errors.As(err, &ae) {
						env, _ := json.Marshal(abi.ErrorEnvelope(ae))
						seen = append(seen, string(env))
					}
				}
			}
		}
	}
	seen = append(seen, logs.String())
	for _, s := range seen {
		if strings.Contains(s, canary) {
			t.Fatalf("canary leaked into %q", s)
		}
	}
	if leaked.Load() || other.hits.Load() != 0 {
		t.Fatal("canary reached the other origin")
	}
	if !strings.Contains(logs.String(), `"code":"TIMEOUT"`) || !strings.Contains(logs.String(), `"status":401`) {
		t.Fatalf("log output lacks the expected outcomes: %s", logs.String())
	}
}
