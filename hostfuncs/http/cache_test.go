package http

import (
	"context"
	nethttp "net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	var n atomic.Int64
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if r.URL.Path == "/missing" {
			w.WriteHeader(404)
		}
		w.Write([]byte(strconv.FormatInt(n.Add(1), 10)))
	})
	clock := newFakeClock()
	c := newClient(t, loopbackConfig(srv).WithClock(clock.now).WithCache(100, 1<<20, time.Minute))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	g.Authenticator = func(_ context.Context, r *nethttp.Request) error {
		r.Header.Set("Authorization", "Bearer x")
		return nil
	}
	other := g
	other.Installation = "inst-2"
	get := func(g Grant, req Request) string {
		t.Helper()
		r, err := c.Do(context.Background(), g, req)
		if err != nil {
			t.Fatal(err)
		}
		return r.Body
	}
	u := srv.URL + "/data"
	steps := []struct {
		name    string
		g       Grant
		req     Request
		advance time.Duration
		want    string
	}{
		{"miss", g, Request{URL: u, CacheTTLSeconds: 30}, 0, "1"},
		{"hit", g, Request{URL: u, CacheTTLSeconds: 30}, 0, "1"},
		{"hit lower-case method", g, Request{Method: "get", URL: u, CacheTTLSeconds: 5}, 0, "1"},
		{"no ttl bypasses", g, Request{URL: u}, 0, "2"},
		{"still cached", g, Request{URL: u, CacheTTLSeconds: 30}, 0, "1"},
		{"other header misses", g, Request{URL: u, CacheTTLSeconds: 30, Headers: map[string]string{"Accept": "text/plain"}}, 0, "3"},
		{"other header hits", g, Request{URL: u, CacheTTLSeconds: 30, Headers: map[string]string{"accept": "text/plain"}}, 0, "3"},
		{"credential misses", g, Request{URL: u, CacheTTLSeconds: 30, Auth: AuthCredential}, 0, "4"},
		{"credential hits", g, Request{URL: u, CacheTTLSeconds: 30, Auth: AuthCredential}, 0, "4"},
		{"other installation misses", other, Request{URL: u, CacheTTLSeconds: 30}, 0, "5"},
		{"other query misses", g, Request{URL: u + "?a=1", CacheTTLSeconds: 30}, 0, "6"},
		{"HEAD misses", g, Request{Method: "HEAD", URL: u, CacheTTLSeconds: 30}, 0, ""},
		{"just before expiry", g, Request{URL: u, CacheTTLSeconds: 30}, 29 * time.Second, "1"},
		{"expired", g, Request{URL: u, CacheTTLSeconds: 30}, time.Second, "8"},
		{"ttl capped by operator", g, Request{URL: u + "?long", CacheTTLSeconds: 86400}, 0, "9"},
		{"capped entry alive", g, Request{URL: u + "?long", CacheTTLSeconds: 86400}, 59 * time.Second, "9"},
		{"capped entry expired", g, Request{URL: u + "?long", CacheTTLSeconds: 86400}, time.Second, "10"},
		{"404 not cached", g, Request{URL: srv.URL + "/missing", CacheTTLSeconds: 30}, 0, "11"},
		{"404 again", g, Request{URL: srv.URL + "/missing", CacheTTLSeconds: 30}, 0, "12"},
	}
	for _, s := range steps {
		clock.advance(s.advance)
		if got := get(s.g, s.req); got != s.want {
			t.Fatalf("%s: body %q, want %q", s.name, got, s.want)
		}
	}
}

func TestCacheHitSkipsLimits(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) { w.Write([]byte("x")) })
	c := newClient(t, loopbackConfig(srv).WithRateLimit(0, 1))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	for i := range 5 {
		if _, err := c.Do(context.Background(), g, Request{URL: srv.URL, CacheTTLSeconds: 60}); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if srv.hits.Load() != 1 {
		t.Fatalf("server saw %d requests, want 1", srv.hits.Load())
	}
}

func TestResponseCacheBounds(t *testing.T) {
	now := time.Now()
	resp := func(body string) Response {
		return Response{Status: 200, Headers: map[string]string{"A": "b"}, Body: body}
	}
	key := func(i int) cacheKey { return cacheKey{byte(i), byte(i >> 8)} }

	c := newResponseCache(3, 1<<20)
	for i := range 5 {
		c.put(key(i), resp("v"), now.Add(time.Minute))
	}
	if c.len() != 3 {
		t.Fatalf("%d entries, want 3", c.len())
	}
	if _, ok := c.get(key(0), now); ok {
		t.Fatal("oldest entry not evicted")
	}
	c.get(key(2), now) // key 2 becomes most recent
	c.put(key(9), resp("v"), now.Add(time.Minute))
	if _, ok := c.get(key(2), now); !ok {
		t.Fatal("recently used entry evicted")
	}
	if _, ok := c.get(key(3), now); ok {
		t.Fatal("least recently used entry kept")
	}

	one := resp("0123456789").size()
	b := newResponseCache(100, 3*one)
	for i := range 10 {
		b.put(key(i), resp("0123456789"), now.Add(time.Minute))
	}
	if b.len() != 3 || b.bytes > 3*one {
		t.Fatalf("%d entries, %d bytes; want 3 entries within %d bytes", b.len(), b.bytes, 3*one)
	}
	b.put(key(50), resp(string(make([]byte, 4*one))), now.Add(time.Minute))
	if _, ok := b.get(key(50), now); ok || b.len() != 3 {
		t.Fatal("an entry larger than the byte bound was kept")
	}

	off := newResponseCache(0, 1<<20)
	off.put(key(1), resp("v"), now.Add(time.Minute))
	if off.len() != 0 {
		t.Fatal("disabled cache kept an entry")
	}

	got, _ := c.get(key(9), now)
	got.Headers["A"] = "changed"
	if again, _ := c.get(key(9), now); again.Headers["A"] != "b" {
		t.Fatal("a caller changed a cached entry")
	}
}
