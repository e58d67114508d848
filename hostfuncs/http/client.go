package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
)

// Authenticator attaches an installation's credential to an outbound
// request (a header, basic auth, ...). The vault package supplies it. Its
// error text never reaches the guest; an *abi.Error it returns does, as it
// is, so it must not carry the secret.
type Authenticator func(ctx context.Context, req *nethttp.Request) error

// Grant is what one installation may do: its parsed allow-list and, when it
// has one, the Authenticator of its credential.
type Grant struct {
	Installation  string
	AllowList     AllowList
	Authenticator Authenticator
}

// Client serves http_request for every installation of a server process. It
// owns the safe transport, the per-installation limits and the response
// cache, and is safe for concurrent use.
type Client struct {
	cfg       Config
	transport *nethttp.Transport
	limits    *limits
	cache     *responseCache
	log       *slog.Logger
	maxInput  int
}

// New returns a Client for cfg, or an error naming the bad setting.
func New(cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("http config: %w", err)
	}
	return &Client{
		cfg:       cfg,
		transport: newTransport(cfg),
		limits:    newLimits(cfg),
		cache:     newResponseCache(cfg.cacheMaxEntries, cfg.cacheMaxBytes),
		log:       cfg.log(),
		// Worst case JSON: every body and header byte escaped as \u00XX.
		maxInput: int(6*cfg.maxRequestBytes) + 6*cfg.maxHeaderBytes + 2*maxURLBytes + 4096,
	}, nil
}

// Close drops the transport's idle connections.
func (c *Client) Close() { c.transport.CloseIdleConnections() }

// Func returns the http_request host function of the installation g.
func (c *Client) Func(g Grant) hostfuncs.Func {
	return func(ctx context.Context, input []byte) (json.RawMessage, error) {
		if len(input) > c.maxInput {
			return nil, abi.Errorf(abi.CodeLimitExceeded, "http_request input exceeds %d bytes", c.maxInput)
		}
		var req Request
		dec := json.NewDecoder(bytes.NewReader(input))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return nil, abi.Errorf(abi.CodeInvalidInput, "malformed http_request input: %v", err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return nil, abi.Errorf(abi.CodeInvalidInput, "malformed http_request input: data after the object")
		}
		resp, err := c.Do(ctx, g, req)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(resp); err != nil {
			return nil, abi.Errorf(abi.CodeHostError, "encode http_request result: %v", err)
		}
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
	}
}

// Do performs req for the installation g under the whole policy: request
// checks, allow-list, cache, rate and concurrency limits, the dial-time
// address policy, checked redirects, caps. Every error is an *abi.Error.
func (c *Client) Do(ctx context.Context, g Grant, req Request) (Response, error) {
	start := time.Now()
	resp, cached, aerr := c.do(ctx, g, req)
	c.logResult(ctx, g, req, resp, cached, aerr, time.Since(start))
	if aerr != nil {
		return Response{}, aerr
	}
	return resp, nil
}

// do is Do without the log line.
func (c *Client) do(ctx context.Context, g Grant, in Request) (Response, bool, *abi.Error) {
	p, aerr := c.prepare(g, in)
	if aerr != nil {
		return Response{}, false, aerr
	}
	var key cacheKey
	if p.cacheTTL > 0 {
		key = newCacheKey(g.Installation, p)
		if r, ok := c.cache.get(key, c.cfg.now()); ok {
			return r, true, nil
		}
	}
	release, aerr := c.limits.acquire(g.Installation, c.cfg.now())
	if aerr != nil {
		return Response{}, false, aerr
	}
	defer release()
	resp, aerr := c.send(ctx, g, p)
	if aerr != nil {
		return Response{}, false, aerr
	}
	if p.cacheTTL > 0 && resp.Status >= 200 && resp.Status < 300 {
		c.cache.put(key, resp, c.cfg.now().Add(p.cacheTTL))
	}
	return resp, false, nil
}

// send performs one prepared request, following checked redirects.
func (c *Client) send(ctx context.Context, g Grant, p *prepared) (Response, *abi.Error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	u := *p.url
	req, err := nethttp.NewRequestWithContext(ctx, p.method, u.String(), bytes.NewReader(p.body))
	if err != nil {
		return Response{}, abi.Errorf(abi.CodeInvalidInput, "bad request to host[%s]", p.host)
	}
	req.URL = &u
	if len(p.body) == 0 {
		req.Body, req.GetBody, req.ContentLength = nethttp.NoBody, nil, 0
	}
	for k, v := range p.header {
		req.Header[k] = []string{v}
	}
	if _, ok := p.header["User-Agent"]; !ok {
		req.Header.Set("User-Agent", c.cfg.userAgent)
	}
	if p.credential {
		if aerr := c.attachCredential(ctx, g, req); aerr != nil {
			return Response{}, aerr
		}
	}
	hc := &nethttp.Client{Transport: c.transport, CheckRedirect: c.redirectPolicy(g, p)}
	resp, err := hc.Do(req)
	if err != nil {
		return Response{}, classify(ctx, err, p.host, p.timeout)
	}
	defer resp.Body.Close()
	out, err := c.readResponse(resp, p.host)
	if err != nil {
		return Response{}, classify(ctx, err, p.host, p.timeout)
	}
	return out, nil
}

// attachCredential runs the grant's Authenticator on req after checking,
// once more and explicitly, that req's URL passes the allow-list and the
// scheme rule: a credential is never attached to any other URL.
func (c *Client) attachCredential(ctx context.Context, g Grant, req *nethttp.Request) *abi.Error {
	if g.Authenticator == nil {
		return abi.Errorf(abi.CodePermissionDenied, "installation[%s] has no credential to attach", g.Installation)
	}
	if _, aerr := checkURL(req.URL, g.AllowList, c.cfg); aerr != nil || !g.AllowList.Allows(req.URL) {
		return abi.Errorf(abi.CodePermissionDenied, "credential of installation[%s] refused for host[%s]: not in allowedHosts", g.Installation, req.URL.Host)
	}
	before := origin(req.URL)
	if err := g.Authenticator(ctx, req); err != nil {
		var ae *abi.Error
		if errors.As(err, &ae) {
			return ae
		}
		return abi.Errorf(abi.CodeHostError, "could not attach the credential of installation[%s]", g.Installation)
	}
	if origin(req.URL) != before {
		return abi.Errorf(abi.CodeHostError, "credential of installation[%s] changed the request's origin", g.Installation)
	}
	return nil
}

// logResult writes one line per request; never headers, bodies, paths,
// queries or credentials.
func (c *Client) logResult(ctx context.Context, g Grant, in Request, resp Response, cached bool, aerr *abi.Error, d time.Duration) {
	level := slog.LevelDebug
	if aerr != nil {
		level = slog.LevelInfo
	}
	if !c.log.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("installation", g.Installation),
		slog.String("method", truncate(in.Method, 16)),
		slog.String("host", logHost(in.URL)),
		slog.Bool("cached", cached),
		slog.Duration("duration", d),
	}
	if aerr != nil {
		attrs = append(attrs, slog.String("code", string(aerr.Code)))
	} else {
		attrs = append(attrs, slog.Int("status", resp.Status), slog.Int("bytes", len(resp.Body)+len(resp.BodyBase64)))
	}
	c.log.LogAttrs(ctx, level, "http_request", attrs...)
}
