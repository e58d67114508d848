package slotboxhttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
	"github.com/slotbox/slotbox/guest-sdk/go/slotboxhttp"
	"github.com/slotbox/slotbox/guest-sdk/go/slotboxtest"
)

// seen is what the fake API received.
type seen struct {
	method, path, auth, ctype, host string
	body                            []byte
	multi                           string
}

func newHost(s *seen) *slotboxtest.Host {
	return &slotboxtest.Host{
		Credential: "tok",
		HTTP: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			*s = seen{method: r.Method, path: r.URL.RequestURI(), auth: r.Header.Get("Authorization"),
				ctype: r.Header.Get("Content-Type"), host: r.Host, body: body, multi: r.Header.Get("X-Multi")}
			switch r.URL.Path {
			case "/binary":
				w.Write([]byte{0xff, 0x00, 0x10})
			case "/missing":
				http.Error(w, "not here", http.StatusNotFound)
			default:
				w.Header().Set("X-Answer", "42")
				io.WriteString(w, "hello")
			}
		}),
	}
}

func TestTransport(t *testing.T) {
	tests := []struct {
		name       string
		transport  *slotboxhttp.Transport
		ctx        func(context.Context) context.Context
		req        func(ctx context.Context) *http.Request
		wantStatus int
		wantBody   string
		wantSeen   seen
	}{
		{"GET", &slotboxhttp.Transport{}, nil, func(ctx context.Context) *http.Request {
			r, _ := http.NewRequestWithContext(ctx, "GET", "http://api.test/items?q=1", nil)
			return r
		}, 200, "hello", seen{method: "GET", path: "/items?q=1", host: "api.test"}},
		{"POST body and joined header values", &slotboxhttp.Transport{}, nil, func(ctx context.Context) *http.Request {
			r, _ := http.NewRequestWithContext(ctx, "POST", "http://api.test/items", strings.NewReader(`{"a":1}`))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Add("X-Multi", "a")
			r.Header.Add("X-Multi", "b")
			return r
		}, 200, "hello", seen{method: "POST", path: "/items", ctype: "application/json", host: "api.test", body: []byte(`{"a":1}`), multi: "a, b"}},
		{"credential from the transport", &slotboxhttp.Transport{Credential: true}, nil, func(ctx context.Context) *http.Request {
			r, _ := http.NewRequestWithContext(ctx, "GET", "http://api.test/", nil)
			return r
		}, 200, "hello", seen{method: "GET", path: "/", auth: "Bearer tok", host: "api.test"}},
		{"credential from the context", &slotboxhttp.Transport{}, slotbox.WithCredential, func(ctx context.Context) *http.Request {
			r, _ := http.NewRequestWithContext(ctx, "GET", "http://api.test/", nil)
			return r
		}, 200, "hello", seen{method: "GET", path: "/", auth: "Bearer tok", host: "api.test"}},
		{"binary response", &slotboxhttp.Transport{}, nil, func(ctx context.Context) *http.Request {
			r, _ := http.NewRequestWithContext(ctx, "GET", "http://api.test/binary", nil)
			return r
		}, 200, "\xff\x00\x10", seen{method: "GET", path: "/binary", host: "api.test"}},
		{"error status is a response", &slotboxhttp.Transport{}, nil, func(ctx context.Context) *http.Request {
			r, _ := http.NewRequestWithContext(ctx, "GET", "http://api.test/missing", nil)
			return r
		}, 404, "not here\n", seen{method: "GET", path: "/missing", host: "api.test"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s seen
			host := newHost(&s)
			ctx := host.Context(t.Context())
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			client := &http.Client{Transport: tt.transport}
			resp, err := client.Do(tt.req(ctx))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus || string(body) != tt.wantBody {
				t.Fatalf("response %d %q, want %d %q", resp.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
			if resp.ContentLength != int64(len(body)) {
				t.Fatalf("ContentLength %d, body %d bytes", resp.ContentLength, len(body))
			}
			if s.method != tt.wantSeen.method || s.path != tt.wantSeen.path || s.auth != tt.wantSeen.auth ||
				s.ctype != tt.wantSeen.ctype || s.host != tt.wantSeen.host || string(s.body) != string(tt.wantSeen.body) ||
				s.multi != tt.wantSeen.multi {
				t.Fatalf("API saw %+v\nwant %+v", s, tt.wantSeen)
			}
		})
	}
}

func TestTransportResponseHeaders(t *testing.T) {
	var s seen
	host := newHost(&s)
	resp, err := slotboxhttp.Client().Get("http://api.test/") // no fake host in ctx: fails
	if err == nil {
		resp.Body.Close()
		t.Fatal("request without a host succeeded")
	}
	req, _ := http.NewRequestWithContext(host.Context(t.Context()), "GET", "http://api.test/", nil)
	resp, err = slotboxhttp.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Answer"); got != "42" {
		t.Fatalf("X-Answer = %q", got)
	}
	if resp.Proto != "HTTP/1.1" || resp.Status != "200 OK" {
		t.Fatalf("proto %q status %q", resp.Proto, resp.Status)
	}
}

func TestTransportHostError(t *testing.T) {
	host := &slotboxtest.Host{} // no HTTP access
	req, _ := http.NewRequestWithContext(host.Context(t.Context()), "GET", "http://api.test/", nil)
	_, err := slotboxhttp.Client().Do(req)
	var e *slotbox.Error
	if !errors.As(err, &e) || e.Code != abi.CodePermissionDenied {
		t.Fatalf("err = %v, want a PERMISSION_DENIED *slotbox.Error", err)
	}
}

func TestTransportClientTimeoutReachesHost(t *testing.T) {
	var timeoutSeen bool
	host := &slotboxtest.Host{HTTP: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	rec := &recorder{Host: host, saw: func(in string) { timeoutSeen = strings.Contains(in, `"timeout_ms":`) }}
	client := slotboxhttp.Client()
	client.Timeout = time.Minute
	req, _ := http.NewRequestWithContext(rec.Context(t.Context()), "GET", "http://api.test/", nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !timeoutSeen {
		t.Fatal("http_request input had no timeout_ms although the client has a Timeout")
	}
}

func TestTransportRequestBodyCap(t *testing.T) {
	host := &slotboxtest.Host{HTTP: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})}
	big := strings.NewReader(strings.Repeat("x", slotboxhttp.MaxRequestBody+1))
	req, _ := http.NewRequestWithContext(host.Context(t.Context()), "POST", "http://api.test/", big)
	if _, err := slotboxhttp.Client().Do(req); err == nil || !strings.Contains(err.Error(), "MaxRequestBody") {
		t.Fatalf("err = %v, want the body cap", err)
	}
}
