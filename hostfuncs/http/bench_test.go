package http

import (
	"context"
	"encoding/json"
	"io"
	nethttp "net/http"
	"testing"

	"golang.org/x/time/rate"
)

// benchBody is what the benchmark server answers.
const benchBody = `{"id":"evt_123","status":"confirmed","start":"2026-01-02T10:00:00Z"}`

// benchServer serves benchBody on 127.0.0.1.
func benchServer(b *testing.B) *testServer {
	return newServer(b, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, benchBody)
	})
}

// benchFunc returns the http_request Func and its JSON input for srv.
func benchFunc(b *testing.B, srv *testServer, ttl int) (func(context.Context, []byte) (json.RawMessage, error), []byte) {
	c := newClient(b, loopbackConfig(srv).WithRateLimit(rate.Inf, 0))
	g := grant(b, "http://"+srv.hostPort("127.0.0.1"))
	in, err := json.Marshal(Request{Method: "GET", URL: srv.URL + "/events/1", Headers: map[string]string{"Accept": "application/json"}, CacheTTLSeconds: ttl})
	if err != nil {
		b.Fatal(err)
	}
	return c.Func(g), in
}

// BenchmarkFunc is one http_request through Func: JSON in, checks, a GET to
// a loopback server over a kept-alive connection, JSON out.
func BenchmarkFunc(b *testing.B) {
	f, in := benchFunc(b, benchServer(b), 0)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlainGet is the same GET with a plain net/http client, the
// baseline of BenchmarkFunc.
func BenchmarkPlainGet(b *testing.B) {
	srv := benchServer(b)
	hc := &nethttp.Client{Transport: &nethttp.Transport{}}
	b.Cleanup(hc.CloseIdleConnections)
	b.ReportAllocs()
	for b.Loop() {
		req, _ := nethttp.NewRequest("GET", srv.URL+"/events/1", nil)
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadAll(resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
}

// BenchmarkFuncCached is a cache hit through Func: no network.
func BenchmarkFuncCached(b *testing.B) {
	srv := benchServer(b)
	f, in := benchFunc(b, srv, 60)
	ctx := context.Background()
	if _, err := f(ctx, in); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	if srv.hits.Load() != 1 {
		b.Fatalf("server saw %d requests, want 1", srv.hits.Load())
	}
}

// BenchmarkCheckURL is the URL half of the policy alone.
func BenchmarkCheckURL(b *testing.B) {
	l, err := ParseAllowList([]string{"api.example.com", "*.googleapis.com", "https://login.example.org:8443"})
	if err != nil {
		b.Fatal(err)
	}
	cfg := NewConfig()
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckURL("https://www.googleapis.com/calendar/v3/calendars/primary/events?maxResults=10", l, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
