// Package slotboxhttp lets a Slotbox app, and any library it uses, make HTTP
// requests with a plain *http.Client: Transport sends each request through
// the host's http_request function.
//
// It is a separate package because net/http is heavy in a wasm module:
// importing it adds about 2 MB, and calling (*http.Client).Do links the
// standard transport with TLS and HTTP/2, about 5 MB more, although it is
// never used (Go 1.26: the httpcal example is 7 MB larger than echo). An app
// that can do without *http.Client uses slotbox.Fetch, which adds nothing.
package slotboxhttp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// MaxRequestBody caps the request body a Transport sends.
const MaxRequestBody = 16 << 20

// Transport is an http.RoundTripper that sends requests through the host.
// The manifest must grant "http" for each request's host; the host checks
// every request, including each redirect the client follows. The zero value
// is ready to use.
//
// A request's timeout is the time left until its context's deadline
// (http.Client.Timeout sets one). slotbox.WithCredential and
// slotbox.WithCacheTTL on the request's context apply per request.
type Transport struct {
	// Credential asks the host to attach the installation's credential to
	// every request ("auth":"credential").
	Credential bool
	// CacheTTL lets the host cache responses for this long; zero disables.
	CacheTTL time.Duration
}

// Client returns an *http.Client whose requests go through a zero Transport.
func Client() *http.Client { return &http.Client{Transport: &Transport{}} }

// RoundTrip implements http.RoundTripper. Host failures (PERMISSION_DENIED,
// NETWORK_ERROR, TIMEOUT, RATE_LIMITED, ...) are *slotbox.Error values,
// reachable with errors.As through the *url.Error the client wraps them in.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := readBody(req)
	if err != nil {
		return nil, err
	}
	fr := &slotbox.FetchRequest{
		Method:     req.Method,
		URL:        req.URL.String(),
		Body:       body,
		Credential: t.Credential,
		CacheTTL:   t.CacheTTL,
	}
	if len(req.Header) > 0 || req.Host != "" {
		fr.Header = make(map[string]string, len(req.Header)+1)
		for name, values := range req.Header {
			fr.Header[name] = strings.Join(values, ", ")
		}
		if req.Host != "" && req.Host != req.URL.Host {
			fr.Header["Host"] = req.Host
		}
	}
	res, err := slotbox.Fetch(req.Context(), fr)
	if err != nil {
		return nil, err
	}
	header := make(http.Header, len(res.Header))
	for name, value := range res.Header {
		header.Set(name, value)
	}
	return &http.Response{
		Status:        strconv.Itoa(res.Status) + " " + http.StatusText(res.Status),
		StatusCode:    res.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(res.Body)),
		ContentLength: int64(len(res.Body)),
		Request:       req,
	}, nil
}

// readBody reads and closes the request body, up to MaxRequestBody.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	b, err := io.ReadAll(io.LimitReader(req.Body, MaxRequestBody+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if len(b) > MaxRequestBody {
		return nil, errors.New("request body exceeds slotboxhttp.MaxRequestBody")
	}
	return b, nil
}
