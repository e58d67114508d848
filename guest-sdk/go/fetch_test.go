package slotbox

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
)

func TestFetchWire(t *testing.T) {
	tests := []struct {
		name string
		ctx  func(context.Context) context.Context
		req  FetchRequest
		want map[string]any
	}{
		{"defaults", nil, FetchRequest{URL: "https://api.test/x"},
			map[string]any{"method": "GET", "url": "https://api.test/x", "auth": "none"}},
		{"text body and headers", nil, FetchRequest{Method: "POST", URL: "https://api.test/x",
			Header: map[string]string{"Content-Type": "application/json"}, Body: []byte(`{"a":1}`)},
			map[string]any{"method": "POST", "url": "https://api.test/x", "auth": "none",
				"headers": map[string]any{"Content-Type": "application/json"}, "body": `{"a":1}`}},
		{"binary body goes base64", nil, FetchRequest{Method: "PUT", URL: "u", Body: []byte{0xff, 0x00, 0x01}},
			map[string]any{"method": "PUT", "url": "u", "auth": "none", "body_base64": "/wAB"}},
		{"credential on the request", nil, FetchRequest{URL: "u", Credential: true},
			map[string]any{"method": "GET", "url": "u", "auth": "credential"}},
		{"credential from the context", WithCredential, FetchRequest{URL: "u"},
			map[string]any{"method": "GET", "url": "u", "auth": "credential"}},
		{"cache ttl rounds up", nil, FetchRequest{URL: "u", CacheTTL: 1500 * time.Millisecond},
			map[string]any{"method": "GET", "url": "u", "auth": "none", "cache_ttl_seconds": 2.0}},
		{"cache ttl from the context", func(c context.Context) context.Context { return WithCacheTTL(c, time.Minute) },
			FetchRequest{URL: "u"}, map[string]any{"method": "GET", "url": "u", "auth": "none", "cache_ttl_seconds": 60.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := &recordingHost{answers: map[string]string{abi.ImportHTTPRequest: `{"ok":{"status":204,"headers":{}}}`}}
			ctx := host.ctx()
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			if _, err := Fetch(ctx, &tt.req); err != nil {
				t.Fatal(err)
			}
			if c := host.lastCall(t); c.fn != abi.ImportHTTPRequest || !reflect.DeepEqual(c.in, tt.want) {
				t.Fatalf("http_request input = %v\nwant %v", c.in, tt.want)
			}
		})
	}
}

func TestFetchTimeoutFromDeadline(t *testing.T) {
	host := &recordingHost{answers: map[string]string{abi.ImportHTTPRequest: `{"ok":{"status":200}}`}}
	ctx, cancel := context.WithTimeout(host.ctx(), time.Hour)
	defer cancel()
	if _, err := Fetch(ctx, &FetchRequest{URL: "u"}); err != nil {
		t.Fatal(err)
	}
	ms, _ := host.lastCall(t).in["timeout_ms"].(float64)
	if ms <= 0 || ms > float64(time.Hour/time.Millisecond) {
		t.Fatalf("timeout_ms = %v, want within (0, 3600000]", ms)
	}
}

func TestFetchExpiredContext(t *testing.T) {
	host := &recordingHost{}
	ctx, cancel := context.WithDeadline(host.ctx(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := Fetch(ctx, &FetchRequest{URL: "u"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	cctx, ccancel := context.WithCancel(host.ctx())
	ccancel()
	if _, err := Fetch(cctx, &FetchRequest{URL: "u"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want Canceled", err)
	}
	if len(host.calls) != 0 {
		t.Fatalf("host called %d times with a dead context", len(host.calls))
	}
}

func TestFetchResponse(t *testing.T) {
	tests := []struct {
		name    string
		answer  string
		want    FetchResponse
		wantErr string
	}{
		{"text", `{"ok":{"status":200,"headers":{"Content-Type":"text/plain"},"body":"hi"}}`,
			FetchResponse{Status: 200, Header: map[string]string{"Content-Type": "text/plain"}, Body: []byte("hi")}, ""},
		{"base64", `{"ok":{"status":200,"body_base64":"/wAB"}}`,
			FetchResponse{Status: 200, Header: map[string]string{}, Body: []byte{0xff, 0, 1}}, ""},
		{"bad base64", `{"ok":{"status":200,"body_base64":"!!"}}`, FetchResponse{},
			"http GET [u]: decode body_base64: illegal base64 data at input byte 0"},
		{"host error", `{"error":{"code":"PERMISSION_DENIED","message":"host u is not allowed","retryable":false}}`, FetchResponse{},
			"http GET [u]: http_request: PERMISSION_DENIED: host u is not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := &recordingHost{answers: map[string]string{abi.ImportHTTPRequest: tt.answer}}
			got, err := Fetch(host.ctx(), &FetchRequest{URL: "u"})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(*got, tt.want) {
				t.Fatalf("Fetch = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
