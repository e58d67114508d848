package http

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	nethttp "net/http"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

func TestFuncRoundTrip(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		w.Header().Add("Set-Cookie", "session=1")
		w.Header().Set("X-Method", r.Method)
		w.Header().Set("X-Got-Header", r.Header.Get("X-Custom"))
		w.Header().Set("X-UA", r.Header.Get("User-Agent"))
		switch r.URL.Path {
		case "/binary":
			w.Write([]byte{0xff, 0xfe, 0x00, 0x01})
		default:
			w.WriteHeader(201)
			w.Write(body)
		}
	})
	c := newClient(t, loopbackConfig(srv))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	base := "http://" + srv.hostPort("127.0.0.1")

	tests := []struct {
		name     string
		req      Request
		status   int
		body     string
		body64   string
		wantHead map[string]string
	}{
		{"post text", Request{Method: "post", URL: base + "/echo", Body: "héllo <&>", Headers: map[string]string{"x-custom": "v1"}},
			201, "héllo <&>", "", map[string]string{"X-Multi": "a, b", "X-Method": "POST", "X-Got-Header": "v1", "X-Ua": DefaultUserAgent}},
		{"base64 body", Request{Method: "PUT", URL: base + "/echo", BodyBase64: base64.StdEncoding.EncodeToString([]byte{1, 2, 0xff})},
			201, "", base64.StdEncoding.EncodeToString([]byte{1, 2, 0xff}), nil},
		{"binary response", Request{URL: base + "/binary", Headers: map[string]string{"User-Agent": "app/2"}},
			200, "", base64.StdEncoding.EncodeToString([]byte{0xff, 0xfe, 0x00, 0x01}), map[string]string{"X-Method": "GET", "X-Ua": "app/2"}},
		{"fragment dropped", Request{Method: "DELETE", URL: base + "/echo#frag"}, 201, "", "", map[string]string{"X-Method": "DELETE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := callFunc(t, context.Background(), c, g, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.status || r.Body != tt.body || r.BodyBase64 != tt.body64 {
				t.Fatalf("got status %d body %q body_base64 %q", r.Status, r.Body, r.BodyBase64)
			}
			if _, ok := r.Headers["Set-Cookie"]; ok {
				t.Error("Set-Cookie reached the guest")
			}
			for k, v := range tt.wantHead {
				if r.Headers[k] != v {
					t.Errorf("header %s = %q, want %q", k, r.Headers[k], v)
				}
			}
		})
	}
	out, err := c.Func(g)(context.Background(), []byte(`{"url":"`+base+`/echo","body":"<x>"}`))
	if err != nil || !strings.Contains(string(out), `"body":"<x>"`) {
		t.Fatalf("result %s, %v: want unescaped HTML characters", out, err)
	}
}

func TestFuncRefusesMalformedInput(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	c := newClient(t, loopbackConfig(srv).WithMaxRequestBytes(16))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	u := "http://" + srv.hostPort("127.0.0.1") + "/"
	tests := []struct {
		name  string
		input string
		code  abi.Code
	}{
		{"not json", `{`, abi.CodeInvalidInput},
		{"unknown field", `{"url":"` + u + `","follow":true}`, abi.CodeInvalidInput},
		{"trailing data", `{"url":"` + u + `"} {}`, abi.CodeInvalidInput},
		{"wrong type", `{"url":"` + u + `","timeout_ms":"5"}`, abi.CodeInvalidInput},
		{"null", `null`, abi.CodeInvalidInput},
		{"no url", `{}`, abi.CodeInvalidInput},
		{"bad method", `{"url":"` + u + `","method":"CONNECT"}`, abi.CodeInvalidInput},
		{"trace", `{"url":"` + u + `","method":"TRACE"}`, abi.CodeInvalidInput},
		{"bad auth", `{"url":"` + u + `","auth":"root"}`, abi.CodeInvalidInput},
		{"negative timeout", `{"url":"` + u + `","timeout_ms":-1}`, abi.CodeInvalidInput},
		{"both bodies", `{"url":"` + u + `","body":"a","body_base64":"YQ=="}`, abi.CodeInvalidInput},
		{"bad base64", `{"url":"` + u + `","body_base64":"!!"}`, abi.CodeInvalidInput},
		{"body too big", `{"url":"` + u + `","method":"POST","body":"12345678901234567"}`, abi.CodeLimitExceeded},
		{"base64 body too big", `{"url":"` + u + `","method":"POST","body_base64":"` + base64.StdEncoding.EncodeToString(make([]byte, 17)) + `"}`, abi.CodeLimitExceeded},
		{"input too big", `{"url":"` + u + `","body":"` + strings.Repeat("a", 200_000) + `"}`, abi.CodeLimitExceeded},
		{"negative ttl", `{"url":"` + u + `","cache_ttl_seconds":-1}`, abi.CodeInvalidInput},
		{"ttl on post", `{"url":"` + u + `","method":"POST","cache_ttl_seconds":5}`, abi.CodeInvalidInput},
		{"not allowed", `{"url":"http://other.example.com/"}`, abi.CodePermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Func(g)(context.Background(), []byte(tt.input))
			if got := errCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
		})
	}
	if n := srv.hits.Load(); n != 0 {
		t.Fatalf("server saw %d requests, want 0", n)
	}
}

func TestRequestHeaderRules(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	c := newClient(t, loopbackConfig(srv).WithMaxHeaders(4, 64))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	g.Authenticator = func(context.Context, *nethttp.Request) error { return nil }
	u := "http://" + srv.hostPort("127.0.0.1") + "/"
	tests := []struct {
		name    string
		headers map[string]string
		auth    string
		code    abi.Code
	}{
		{"host", map[string]string{"Host": "evil"}, "", abi.CodeInvalidInput},
		{"host lower", map[string]string{"host": "evil"}, "", abi.CodeInvalidInput},
		{"connection", map[string]string{"Connection": "close"}, "", abi.CodeInvalidInput},
		{"keep-alive", map[string]string{"Keep-Alive": "1"}, "", abi.CodeInvalidInput},
		{"transfer-encoding", map[string]string{"Transfer-Encoding": "chunked"}, "", abi.CodeInvalidInput},
		{"te", map[string]string{"TE": "trailers"}, "", abi.CodeInvalidInput},
		{"trailer", map[string]string{"Trailer": "X"}, "", abi.CodeInvalidInput},
		{"upgrade", map[string]string{"Upgrade": "h2c"}, "", abi.CodeInvalidInput},
		{"content-length", map[string]string{"Content-Length": "5"}, "", abi.CodeInvalidInput},
		{"expect", map[string]string{"Expect": "100-continue"}, "", abi.CodeInvalidInput},
		{"proxy-authorization", map[string]string{"Proxy-Authorization": "x"}, "", abi.CodeInvalidInput},
		{"proxy-anything", map[string]string{"proxy-foo": "x"}, "", abi.CodeInvalidInput},
		{"authorization with credential", map[string]string{"authorization": "x"}, AuthCredential, abi.CodeInvalidInput},
		{"bad name", map[string]string{"X Bad": "x"}, "", abi.CodeInvalidInput},
		{"empty name", map[string]string{"": "x"}, "", abi.CodeInvalidInput},
		{"crlf value", map[string]string{"X-A": "a\r\nHost: evil"}, "", abi.CodeInvalidInput},
		{"nul value", map[string]string{"X-A": "a\x00"}, "", abi.CodeInvalidInput},
		{"duplicate by case", map[string]string{"X-A": "1", "x-a": "2"}, "", abi.CodeInvalidInput},
		{"too many", map[string]string{"A": "1", "B": "1", "C": "1", "D": "1", "E": "1"}, "", abi.CodeLimitExceeded},
		{"too many bytes", map[string]string{"A": strings.Repeat("x", 65)}, "", abi.CodeLimitExceeded},
		{"authorization without credential", map[string]string{"Authorization": "Bearer mine"}, "", ""},
		{"fine", map[string]string{"Accept": "application/json", "x-api-version": "2"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Do(context.Background(), g, Request{URL: u, Headers: tt.headers, Auth: tt.auth})
			if got := errCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}

func TestResponseCaps(t *testing.T) {
	srv := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		switch r.URL.Path {
		case "/exact":
			w.Write([]byte(strings.Repeat("a", 100)))
		case "/chunked":
			w.Write([]byte(strings.Repeat("a", 60)))
			w.(nethttp.Flusher).Flush()
			w.Write([]byte(strings.Repeat("a", 60)))
		case "/length":
			w.Header().Set("Content-Length", "101")
			w.Write([]byte(strings.Repeat("a", 101)))
		case "/many-headers":
			for i := range 5 {
				w.Header().Set("X-H"+string(rune('a'+i)), "1")
			}
		case "/big-headers":
			w.Header().Set("X-Big", strings.Repeat("b", 300))
		case "/huge-headers":
			w.Header().Set("X-Huge", strings.Repeat("b", 8000))
		}
	})
	c := newClient(t, loopbackConfig(srv).WithMaxResponseBytes(100).WithMaxHeaders(6, 256))
	g := grant(t, "http://"+srv.hostPort("127.0.0.1"))
	base := "http://" + srv.hostPort("127.0.0.1")
	tests := []struct {
		path string
		code abi.Code
	}{
		{"/exact", ""},
		{"/chunked", abi.CodeLimitExceeded},
		{"/length", abi.CodeLimitExceeded},
		{"/many-headers", abi.CodeLimitExceeded},
		{"/big-headers", abi.CodeLimitExceeded},
		{"/huge-headers", abi.CodeLimitExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r, err := c.Do(context.Background(), g, Request{URL: base + tt.path})
			if got := errCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
			if tt.code == "" && len(r.Body) != 100 {
				t.Fatalf("body %d bytes, want 100", len(r.Body))
			}
		})
	}
}

func TestNetworkErrors(t *testing.T) {
	closed := newServer(t, false, func(w nethttp.ResponseWriter, r *nethttp.Request) {})
	closed.Close()
	c := newClient(t, loopbackConfig(closed).WithResolver(fakeResolver{}))
	g := grant(t, "http://"+closed.hostPort("127.0.0.1"), "http://nowhere.slotbox.test")
	_, err := c.Do(context.Background(), g, Request{URL: "http://" + closed.hostPort("127.0.0.1") + "/"})
	var ae *abi.Error
	if !errors.As(err, &ae) || ae.Code != abi.CodeNetworkError || !ae.Retryable {
		t.Fatalf("closed port: %#v, want retryable NETWORK_ERROR", err)
	}
	_, err = c.Do(context.Background(), g, Request{URL: "http://nowhere.slotbox.test/"})
	if !errors.As(err, &ae) || ae.Code != abi.CodeNetworkError || ae.Retryable || !strings.Contains(ae.Message, "not found") {
		t.Fatalf("unknown name: %#v, want NETWORK_ERROR not found", err)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"zero":              {},
		"request cap":       NewConfig().WithMaxRequestBytes(0),
		"response cap":      NewConfig().WithMaxResponseBytes(-1),
		"huge response cap": NewConfig().WithMaxResponseBytes(1 << 40),
		"headers":           NewConfig().WithMaxHeaders(0, 10),
		"timeouts":          NewConfig().WithTimeouts(0, 1),
		"redirects":         NewConfig().WithMaxRedirects(-1),
		"burst":             NewConfig().WithRateLimit(1, 0),
		"rate":              NewConfig().WithRateLimit(-1, 1),
		"concurrency":       NewConfig().WithMaxConcurrent(0),
		"cache":             NewConfig().WithCache(-1, 0, 0),
		"allow-net":         NewConfig().WithAllowNet("not a net"),
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted the config", name)
		}
		if _, err := SafeTransport(cfg); err == nil {
			t.Errorf("%s: SafeTransport accepted the config", name)
		}
	}
	if _, err := New(NewConfig()); err != nil {
		t.Fatalf("default config: %v", err)
	}
}

func TestResponseJSONShape(t *testing.T) {
	b, err := json.Marshal(Response{Status: 204, Headers: map[string]string{}})
	if err != nil || string(b) != `{"status":204,"headers":{}}` {
		t.Fatalf("%s, %v", b, err)
	}
}
