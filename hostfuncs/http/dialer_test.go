package http

import (
	"context"
	"errors"
	nethttp "net/http"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

// TestDialTimeRefusesResolvedAddresses: a listed name that resolves to a
// refused local address is stopped at dial time, with no request reaching
// the server behind it, whatever form the address takes.
func TestDialTimeRefusesResolvedAddresses(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	for _, addrs := range [][]string{
		{"127.0.0.1"}, {"127.0.0.2"}, {"::1"}, {"0.0.0.0"}, {"::"}, {"::ffff:127.0.0.1"}, {"::ffff:0.0.0.0"},
		{"127.0.0.1", "::1"},
	} {
		t.Run(strings.Join(addrs, ","), func(t *testing.T) {
			cfg := NewConfig().WithAllowHTTP(true).WithResolver(resolveTo(addrs, "api.slotbox.test"))
			c := newClient(t, cfg)
			g := grant(t, "http://"+srv.hostPort("api.slotbox.test"))
			_, err := c.Do(context.Background(), g, Request{URL: "http://" + srv.hostPort("api.slotbox.test") + "/"})
			var ae *abi.Error
			if !errors.As(err, &ae) || ae.Code != abi.CodePermissionDenied {
				t.Fatalf("got %v, want PERMISSION_DENIED", err)
			}
			if !strings.Contains(ae.Message, "host[api.slotbox.test]") || strings.Contains(ae.Message, addrs[0]) && addrs[0] != "::" {
				t.Fatalf("message %q should name the host and not the address", ae.Message)
			}
		})
	}
	if n := srv.hits.Load(); n != 0 {
		t.Fatalf("server saw %d requests, want 0", n)
	}
}

func TestLocalhostRefused(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	c := newClient(t, NewConfig().WithAllowHTTP(true)) // the system resolver
	g := grant(t, "http://"+srv.hostPort("localhost"), "http://"+srv.hostPort("127.0.0.1"), "http://"+srv.hostPort("::1"))
	for _, u := range []string{"http://" + srv.hostPort("localhost") + "/", "http://LOCALHOST.:" + srv.hostPort("")[1:] + "/",
		"http://" + srv.hostPort("127.0.0.1") + "/", "http://" + srv.hostPort("::1") + "/"} {
		if _, err := c.Do(context.Background(), g, Request{URL: u}); errCode(err) != abi.CodePermissionDenied {
			t.Errorf("%s: got %v, want PERMISSION_DENIED", u, err)
		}
	}
	if n := srv.hits.Load(); n != 0 {
		t.Fatalf("server saw %d requests, want 0", n)
	}
}

func TestOperatorExemptions(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) { w.Write([]byte("ok")) })
	res := resolveTo([]string{"127.0.0.1"}, "api.slotbox.test", "other.slotbox.test")
	name := "http://" + srv.hostPort("api.slotbox.test")
	other := "http://" + srv.hostPort("other.slotbox.test")
	lit := "http://" + srv.hostPort("127.0.0.1")
	tests := []struct {
		allow []string
		url   string
		want  abi.Code
	}{
		{[]string{srv.hostPort("127.0.0.1")}, name, ""},
		{[]string{"127.0.0.0/8"}, name, ""},
		{[]string{"127.0.0.1"}, lit, ""},
		{[]string{srv.hostPort("api.slotbox.test")}, name, ""},
		{[]string{"api.slotbox.test"}, name, ""},
		{[]string{srv.hostPort("api.slotbox.test")}, other, abi.CodePermissionDenied},
		{[]string{"127.0.0.1:1"}, name, abi.CodePermissionDenied},
		{[]string{"10.0.0.0/8"}, name, abi.CodePermissionDenied},
		{[]string{"::1"}, name, abi.CodePermissionDenied},
		{nil, name, abi.CodePermissionDenied},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.allow, ",")+" "+tt.url, func(t *testing.T) {
			c := newClient(t, NewConfig().WithAllowHTTP(true).WithResolver(res).WithAllowNet(tt.allow...))
			g := grant(t, name, other, lit)
			r, err := c.Do(context.Background(), g, Request{URL: tt.url + "/"})
			if got := errCode(err); got != tt.want {
				t.Fatalf("code %q (%v), want %q", got, err, tt.want)
			}
			if tt.want == "" && r.Body != "ok" {
				t.Fatalf("body %q", r.Body)
			}
		})
	}
}

// TestManifestCannotExempt: listing a refused address in allowedHosts is
// not enough; only the operator exempts.
func TestManifestCannotExempt(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	c := newClient(t, NewConfig().WithAllowHTTP(true))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	if _, err := c.Do(context.Background(), g, Request{URL: srv.URL}); errCode(err) != abi.CodePermissionDenied {
		t.Fatalf("got %v, want PERMISSION_DENIED", err)
	}
}

func TestSafeTransport(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	tr, err := SafeTransport(NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	if tr.Proxy != nil {
		t.Fatal("SafeTransport uses a proxy")
	}
	hc := &nethttp.Client{Transport: tr}
	_, err = hc.Get(srv.URL)
	if !errors.Is(err, ErrAddressRefused) {
		t.Fatalf("got %v, want ErrAddressRefused", err)
	}
	tr, err = SafeTransport(NewConfig().WithAllowNet(srv.hostPort("127.0.0.1")))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&nethttp.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := srv.hits.Load(); n != 1 {
		t.Fatalf("server saw %d requests, want 1", n)
	}
}

// TestProxyEnvironmentIgnored: HTTP_PROXY would hide the destination from
// the dial-time check, so the transport never uses it.
func TestProxyEnvironmentIgnored(t *testing.T) {
	proxy := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("HTTPS_PROXY", proxy.URL)
	c := newClient(t, loopbackConfig(srv, proxy))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	if _, err := c.Do(context.Background(), g, Request{URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	if proxy.hits.Load() != 0 || srv.hits.Load() != 1 {
		t.Fatalf("proxy %d, server %d requests", proxy.hits.Load(), srv.hits.Load())
	}
}

// TestURLLiteralClasses: an IP literal the app lists in allowedHosts is
// refused by CheckURL, before any dial, in every refused class and spelling.
func TestURLLiteralClasses(t *testing.T) {
	cfg := NewConfig().WithAllowHTTP(true)
	for host, want := range map[string]abi.Code{
		"127.0.0.1":                abi.CodePermissionDenied,
		"[::1]":                    abi.CodePermissionDenied,
		"0.0.0.0":                  abi.CodePermissionDenied,
		"[::]":                     abi.CodePermissionDenied,
		"[::ffff:127.0.0.1]":       abi.CodePermissionDenied,
		"[::ffff:7f00:1]":          abi.CodePermissionDenied,
		"169.254.169.254":          abi.CodePermissionDenied,
		"[::ffff:169.254.169.254]": abi.CodePermissionDenied,
		"[fd00:ec2::254]":          abi.CodePermissionDenied,
		"100.64.0.1":               abi.CodePermissionDenied,
		"224.0.0.1":                abi.CodePermissionDenied,
		"255.255.255.255":          abi.CodePermissionDenied,
		"10.0.0.1":                 abi.CodePermissionDenied,
		"192.168.1.1":              abi.CodePermissionDenied,
		"[fe80::1]":                abi.CodePermissionDenied,
		"[64:ff9b::a9fe:a9fe]":     abi.CodePermissionDenied,
		"[2002:a9fe:a9fe::]":       abi.CodePermissionDenied,
		"2130706433":               abi.CodeInvalidInput,
		"0177.0.0.1":               abi.CodeInvalidInput,
		"0x7f.1":                   abi.CodeInvalidInput,
		"0x7f000001":               abi.CodeInvalidInput,
		"127.1":                    abi.CodeInvalidInput,
		"017700000001":             abi.CodeInvalidInput,
		"[fe80::1%25eth0]":         abi.CodeInvalidInput,
	} {
		list := AnyHost()
		if l, err := ParseAllowList([]string{"http://" + host}); err == nil {
			list = l // listed explicitly where the entry parses
		}
		if got := errCode(CheckURL("http://"+host+"/", list, cfg)); got != want {
			t.Errorf("%s: %q, want %q", host, got, want)
		}
	}
}
