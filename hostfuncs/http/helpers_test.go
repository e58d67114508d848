package http

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeResolver answers from a fixed table; other names are not found. It
// never sends a DNS query.
type fakeResolver map[string][]netip.Addr

// LookupNetIP implements Resolver.
func (r fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// resolveTo returns a resolver mapping each name to addrs.
func resolveTo(addrs []string, names ...string) fakeResolver {
	r := fakeResolver{}
	for _, n := range names {
		for _, a := range addrs {
			r[n] = append(r[n], netip.MustParseAddr(a))
		}
	}
	return r
}

// testServer is an httptest server on 127.0.0.1 that counts requests.
type testServer struct {
	*httptest.Server
	hits atomic.Int64
}

// newServer starts h on 127.0.0.1 (TLS when tlsOn) and closes it at cleanup.
func newServer(t testing.TB, tlsOn bool, h nethttp.HandlerFunc) *testServer {
	t.Helper()
	s := &testServer{}
	wrapped := nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		s.hits.Add(1)
		h(w, r)
	})
	s.Server = httptest.NewUnstartedServer(wrapped)
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tlsOn {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// port returns the server's port.
func (s *testServer) port() int {
	u, _ := url.Parse(s.URL)
	p, _ := strconv.Atoi(u.Port())
	return p
}

// hostPort returns "host:port" with the server's port.
func (s *testServer) hostPort(host string) string {
	return net.JoinHostPort(host, strconv.Itoa(s.port()))
}

// tlsConfigFor trusts the servers' test certificates.
func tlsConfigFor(servers ...*testServer) *tls.Config {
	pool := x509.NewCertPool()
	for _, s := range servers {
		pool.AddCert(s.Certificate())
	}
	return &tls.Config{RootCAs: pool}
}

// loopbackConfig allows http and exempts the given servers' 127.0.0.1 ports.
func loopbackConfig(servers ...*testServer) Config {
	var allow []string
	for _, s := range servers {
		allow = append(allow, s.hostPort("127.0.0.1"))
	}
	return NewConfig().WithAllowHTTP(true).WithAllowNet(allow...)
}

// newClient returns a Client for cfg, closed at cleanup.
func newClient(t testing.TB, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// grant returns a grant for installation "inst-1" with the entries.
func grant(t testing.TB, entries ...string) Grant {
	t.Helper()
	l, err := ParseAllowList(entries)
	if err != nil {
		t.Fatal(err)
	}
	return Grant{Installation: "inst-1", AllowList: l}
}

// callFunc sends req through Func and decodes the result.
func callFunc(t testing.TB, ctx context.Context, c *Client, g Grant, req Request) (Response, error) {
	t.Helper()
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Func(g)(ctx, in)
	if err != nil {
		return Response{}, err
	}
	var r Response
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("result %s: %v", out, err)
	}
	return r, nil
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// now returns the clock's time.
func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// advance moves the clock on by d.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newFakeClock returns a clock at a fixed instant.
func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}
