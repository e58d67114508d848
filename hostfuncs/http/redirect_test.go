package http

import (
	"context"
	"errors"
	nethttp "net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

// redirectTo answers every request with a 302 to target.
func redirectTo(target string) nethttp.HandlerFunc {
	return func(w nethttp.ResponseWriter, r *nethttp.Request) {
		nethttp.Redirect(w, r, target, nethttp.StatusFound)
	}
}

func TestRedirectToDeniedPort(t *testing.T) {
	denied := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	allowed := newServer(t, false, redirectTo("http://"+denied.hostPort("127.0.0.1")+"/secret"))
	// Both ports are in the manifest; the operator exempts only the first,
	// so the dial-time policy stops the hop.
	c := newClient(t, loopbackConfig(allowed))
	g := grant(t, "http://"+allowed.hostPort("127.0.0.1"), "http://"+denied.hostPort("127.0.0.1"))
	_, err := c.Do(context.Background(), g, Request{URL: allowed.URL})
	if errCode(err) != abi.CodePermissionDenied {
		t.Fatalf("got %v, want PERMISSION_DENIED", err)
	}
	// Only the first port in the manifest: the allow-list stops the hop.
	c = newClient(t, loopbackConfig(allowed, denied))
	g = grant(t, "http://"+allowed.hostPort("127.0.0.1"))
	_, err = c.Do(context.Background(), g, Request{URL: allowed.URL})
	if errCode(err) != abi.CodePermissionDenied || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("got %v, want PERMISSION_DENIED naming the redirect", err)
	}
	if n := denied.hits.Load(); n != 0 {
		t.Fatalf("denied server saw %d requests", n)
	}
}

func TestRedirectToUnlistedHost(t *testing.T) {
	target := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	res := resolveTo([]string{"127.0.0.1"}, "api.slotbox.test", "evil.slotbox.test")
	for _, loc := range []string{
		"http://" + target.hostPort("evil.slotbox.test") + "/",
		"http://" + target.hostPort("localhost") + "/",
		"http://2130706433:" + strconv.Itoa(target.port()) + "/",
		"http://[::ffff:127.0.0.1]:" + strconv.Itoa(target.port()) + "/",
		"http://user:pw@" + target.hostPort("api.slotbox.test") + "/",
		"ftp://" + target.hostPort("api.slotbox.test") + "/",
	} {
		t.Run(loc, func(t *testing.T) {
			start := newServer(t, false, redirectTo(loc))
			c := newClient(t, NewConfig().WithAllowHTTP(true).WithResolver(res).WithAllowNet("127.0.0.0/8"))
			g := grant(t, "http://"+start.hostPort("api.slotbox.test"), "http://"+target.hostPort("api.slotbox.test"))
			_, err := c.Do(context.Background(), g, Request{URL: "http://" + start.hostPort("api.slotbox.test") + "/"})
			if code := errCode(err); code != abi.CodePermissionDenied && code != abi.CodeInvalidInput {
				t.Fatalf("got %v, want a refusal", err)
			}
		})
	}
	if n := target.hits.Load(); n != 0 {
		t.Fatalf("target saw %d requests", n)
	}
}

func TestRedirectHopLimit(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("left"))
		if n == 0 {
			w.Write([]byte("done"))
			return
		}
		nethttp.Redirect(w, r, "/?left="+strconv.Itoa(n-1), nethttp.StatusFound)
	})
	c := newClient(t, loopbackConfig(srv))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	tests := []struct {
		hops int
		want abi.Code
	}{{0, ""}, {1, ""}, {5, ""}, {6, abi.CodeLimitExceeded}, {50, abi.CodeLimitExceeded}}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.hops), func(t *testing.T) {
			before := srv.hits.Load()
			r, err := c.Do(context.Background(), g, Request{URL: srv.URL + "/?left=" + strconv.Itoa(tt.hops)})
			if got := errCode(err); got != tt.want {
				t.Fatalf("code %q (%v), want %q", got, err, tt.want)
			}
			if tt.want == "" && r.Body != "done" {
				t.Fatalf("body %q", r.Body)
			}
			if seen := srv.hits.Load() - before; seen > 6 {
				t.Fatalf("%d requests sent, want at most 6", seen)
			}
		})
	}
	c = newClient(t, loopbackConfig(srv).WithMaxRedirects(0))
	if _, err := c.Do(context.Background(), g, Request{URL: srv.URL + "/?left=1"}); errCode(err) != abi.CodeLimitExceeded {
		t.Fatalf("max 0: got %v, want LIMIT_EXCEEDED", err)
	}
}

func TestRedirectHTTPSDowngrade(t *testing.T) {
	plain := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	secure := newServer(t, true, redirectTo("http://"+plain.hostPort("api.example.com")+"/"))
	res := resolveTo([]string{"127.0.0.1"}, "api.example.com")
	cfg := loopbackConfig(plain, secure).WithResolver(res).WithTLSClientConfig(tlsConfigFor(secure))
	c := newClient(t, cfg)
	g := grant(t, "https://"+secure.hostPort("api.example.com"), "http://"+plain.hostPort("api.example.com"))
	_, err := c.Do(context.Background(), g, Request{URL: "https://" + secure.hostPort("api.example.com") + "/"})
	if errCode(err) != abi.CodePermissionDenied || !strings.Contains(err.Error(), "downgrade") {
		t.Fatalf("got %v, want PERMISSION_DENIED downgrade", err)
	}
	if secure.hits.Load() != 1 || plain.hits.Load() != 0 {
		t.Fatalf("secure %d, plain %d requests", secure.hits.Load(), plain.hits.Load())
	}
}

// TestTLSWildcard reaches a TLS server through a wildcard entry, and checks
// that the certificate is verified.
func TestTLSWildcard(t *testing.T) {
	srv := newServer(t, true, func(w nethttp.ResponseWriter, r *nethttp.Request) { w.Write([]byte("tls")) })
	res := resolveTo([]string{"127.0.0.1"}, "api.example.com", "example.com")
	c := newClient(t, NewConfig().WithResolver(res).WithAllowNet(srv.hostPort("127.0.0.1")).WithTLSClientConfig(tlsConfigFor(srv)))
	g := grant(t, "*.example.com:"+strconv.Itoa(srv.port()))
	r, err := c.Do(context.Background(), g, Request{URL: "https://" + srv.hostPort("api.example.com") + "/"})
	if err != nil || r.Body != "tls" {
		t.Fatalf("got %v, %v", r, err)
	}
	if _, err := c.Do(context.Background(), g, Request{URL: "https://" + srv.hostPort("example.com") + "/"}); errCode(err) != abi.CodePermissionDenied {
		t.Fatalf("apex: got %v, want PERMISSION_DENIED", err)
	}
	untrusted := newClient(t, NewConfig().WithResolver(res).WithAllowNet(srv.hostPort("127.0.0.1")))
	_, err = untrusted.Do(context.Background(), g, Request{URL: "https://" + srv.hostPort("api.example.com") + "/"})
	var ae *abi.Error
	if !errors.As(err, &ae) || ae.Code != abi.CodeNetworkError || !strings.Contains(ae.Message, "TLS") {
		t.Fatalf("untrusted cert: got %v, want NETWORK_ERROR TLS", err)
	}
}
