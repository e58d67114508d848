package slotbox

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/slotbox/slotbox/abi"
)

// FetchRequest is one outbound HTTP request made through the host.
type FetchRequest struct {
	Method string            // GET when empty
	URL    string            // absolute; its host must be in the manifest's allowedHosts
	Header map[string]string // one value per name
	Body   []byte

	// Credential asks the host to attach the installation's credential the
	// way the manifest's "credential" block says ("auth":"credential"); the
	// secret never enters the module. WithCredential sets it per context.
	Credential bool
	// CacheTTL lets the host answer from, and store into, its response cache
	// for this long; zero means no caching. WithCacheTTL sets it per context.
	CacheTTL time.Duration
}

// FetchResponse is what the host's HTTP request answered.
type FetchResponse struct {
	Status int
	Header map[string]string
	Body   []byte
}

// httpWireRequest is the http_request input (abi-v1 section 3; the cache
// field is an optional addition).
type httpWireRequest struct {
	Method          string            `json:"method"`
	URL             string            `json:"url"`
	Headers         map[string]string `json:"headers,omitempty"`
	Body            string            `json:"body,omitempty"`
	BodyBase64      string            `json:"body_base64,omitempty"`
	TimeoutMS       int64             `json:"timeout_ms,omitempty"`
	Auth            string            `json:"auth"`
	CacheTTLSeconds int64             `json:"cache_ttl_seconds,omitempty"`
}

// httpWireResponse is the http_request ok result.
type httpWireResponse struct {
	Status     int               `json:"status"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
	BodyBase64 string            `json:"body_base64"`
}

type (
	credentialKey struct{}
	cacheTTLKey   struct{}
)

// WithCredential returns a copy of ctx under which every Fetch (and every
// request of a slotboxhttp client) asks the host to attach the
// installation's credential.
func WithCredential(ctx context.Context) context.Context {
	return context.WithValue(ctx, credentialKey{}, true)
}

// WithCacheTTL returns a copy of ctx under which every Fetch lets the host
// cache responses for ttl.
func WithCacheTTL(ctx context.Context, ttl time.Duration) context.Context {
	return context.WithValue(ctx, cacheTTLKey{}, ttl)
}

// Fetch sends req through the host's http_request function. The manifest
// must grant "http" for the URL's host. The host's timeout is the time left
// until ctx's deadline, if it has one. A host failure (PERMISSION_DENIED,
// NETWORK_ERROR, TIMEOUT, RATE_LIMITED, ...) is an *Error; an HTTP error
// status is not an error.
func Fetch(ctx context.Context, req *FetchRequest) (*FetchResponse, error) {
	in := httpWireRequest{Method: req.Method, URL: req.URL, Headers: req.Header, Auth: "none"}
	if in.Method == "" {
		in.Method = "GET"
	}
	if utf8.Valid(req.Body) {
		in.Body = string(req.Body)
	} else {
		in.BodyBase64 = base64.StdEncoding.EncodeToString(req.Body)
	}
	if on, _ := ctx.Value(credentialKey{}).(bool); on || req.Credential {
		in.Auth = "credential"
	}
	ttl := req.CacheTTL
	if ttl == 0 {
		ttl, _ = ctx.Value(cacheTTLKey{}).(time.Duration)
	}
	if ttl > 0 {
		in.CacheTTLSeconds = int64((ttl + time.Second - 1) / time.Second)
	}
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, fmt.Errorf("http %s [%s]: %w", in.Method, in.URL, context.DeadlineExceeded)
		}
		in.TimeoutMS = max(left.Milliseconds(), 1)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("http %s [%s]: %w", in.Method, in.URL, err)
	}
	var res httpWireResponse
	if err := callHost(ctx, abi.ImportHTTPRequest, rawHTTPRequest, in, &res); err != nil {
		return nil, fmt.Errorf("http %s [%s]: %w", in.Method, in.URL, err)
	}
	out := &FetchResponse{Status: res.Status, Header: res.Headers, Body: []byte(res.Body)}
	if res.BodyBase64 != "" {
		b, err := base64.StdEncoding.DecodeString(res.BodyBase64)
		if err != nil {
			return nil, fmt.Errorf("http %s [%s]: decode body_base64: %w", in.Method, in.URL, err)
		}
		out.Body = b
	}
	if out.Header == nil {
		out.Header = map[string]string{}
	}
	return out, nil
}
