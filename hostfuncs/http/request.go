package http

import (
	"encoding/base64"
	"net/textproto"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/slotbox/slotbox/abi"
)

// Request is the http_request input (abi-v1 section 3). CacheTTLSeconds is
// an addition to abi-v1: a GET or HEAD with cache_ttl_seconds > 0 may be
// answered from the host's cache for up to that many seconds (capped by the
// operator).
type Request struct {
	Method          string            `json:"method"`
	URL             string            `json:"url"`
	Headers         map[string]string `json:"headers,omitempty"`
	Body            string            `json:"body,omitempty"`
	BodyBase64      string            `json:"body_base64,omitempty"`
	TimeoutMS       int               `json:"timeout_ms,omitempty"`
	Auth            string            `json:"auth,omitempty"`
	CacheTTLSeconds int               `json:"cache_ttl_seconds,omitempty"`
}

// Values of Request.Auth.
const (
	AuthNone       = "none"
	AuthCredential = "credential"
)

// allowedMethods are the methods a guest may send.
var allowedMethods = map[string]bool{
	"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true,
	// WebDAV (RFC 4918) and CalDAV (RFC 4791, 6638), which calendar apps speak.
	"PROPFIND": true, "PROPPATCH": true, "REPORT": true, "MKCOL": true, "MKCALENDAR": true,
	"COPY": true, "MOVE": true,
}

// refusedHeaders are request headers a guest may not set: hop-by-hop and
// framing headers the host's HTTP stack owns, and proxy headers. A request
// naming one fails with INVALID_INPUT (they are refused, not dropped).
var refusedHeaders = map[string]bool{
	"Host": true, "Connection": true, "Keep-Alive": true, "Transfer-Encoding": true, "Te": true,
	"Trailer": true, "Upgrade": true, "Content-Length": true, "Expect": true, "Http2-Settings": true,
}

// credentialHeaders are refused as well when auth is "credential", so the
// guest cannot collide with what the host attaches.
var credentialHeaders = map[string]bool{"Authorization": true}

// prepared is a validated request.
type prepared struct {
	method     string
	url        *url.URL
	host       string // the URL's host as written, for messages and logs
	header     map[string]string
	body       []byte
	timeout    time.Duration
	credential bool
	cacheTTL   time.Duration
}

// prepare validates in against the grant and the config. It returns
// INVALID_INPUT for a malformed request, LIMIT_EXCEEDED for a cap and
// PERMISSION_DENIED for a URL the policy refuses.
func (c *Client) prepare(g Grant, in Request) (*prepared, *abi.Error) {
	p := &prepared{method: strings.ToUpper(in.Method)}
	if p.method == "" {
		p.method = "GET"
	}
	if !allowedMethods[p.method] {
		return nil, abi.Errorf(abi.CodeInvalidInput, "method %q not allowed", truncate(in.Method, 16))
	}
	switch in.Auth {
	case "", AuthNone:
	case AuthCredential:
		p.credential = true
	default:
		return nil, abi.Errorf(abi.CodeInvalidInput, `auth must be "none" or "credential"`)
	}
	if in.TimeoutMS < 0 {
		return nil, abi.Errorf(abi.CodeInvalidInput, "timeout_ms must not be negative")
	}
	p.timeout = c.cfg.effectiveTimeout(in.TimeoutMS)
	if err := c.prepareCache(p, in.CacheTTLSeconds); err != nil {
		return nil, err
	}
	u, aerr := checkRawURL(in.URL, g.AllowList, c.cfg)
	if aerr != nil {
		return nil, aerr
	}
	u.Fragment, u.RawFragment = "", ""
	p.url, p.host = u, u.Host
	if aerr := c.prepareHeaders(p, in.Headers); aerr != nil {
		return nil, aerr
	}
	return p, c.prepareBody(p, in)
}

// prepareCache validates cache_ttl_seconds.
func (c *Client) prepareCache(p *prepared, ttl int) *abi.Error {
	switch {
	case ttl < 0:
		return abi.Errorf(abi.CodeInvalidInput, "cache_ttl_seconds must not be negative")
	case ttl == 0:
		return nil
	case p.method != "GET" && p.method != "HEAD":
		return abi.Errorf(abi.CodeInvalidInput, "cache_ttl_seconds is only allowed with GET and HEAD")
	}
	p.cacheTTL = c.cfg.cacheMaxTTL
	if ttl < int(c.cfg.cacheMaxTTL/time.Second) {
		p.cacheTTL = time.Duration(ttl) * time.Second
	}
	return nil
}

// prepareHeaders validates and canonicalises the guest's headers.
func (c *Client) prepareHeaders(p *prepared, in map[string]string) *abi.Error {
	if len(in) > c.cfg.maxHeaders {
		return abi.Errorf(abi.CodeLimitExceeded, "%d request headers, more than %d", len(in), c.cfg.maxHeaders)
	}
	p.header = make(map[string]string, len(in))
	total := 0
	for k, v := range in {
		total += len(k) + len(v)
		if total > c.cfg.maxHeaderBytes {
			return abi.Errorf(abi.CodeLimitExceeded, "request headers exceed %d bytes", c.cfg.maxHeaderBytes)
		}
		if !validHeaderName(k) {
			return abi.Errorf(abi.CodeInvalidInput, "invalid header name %q", truncate(k, 64))
		}
		if !validHeaderValue(v) {
			return abi.Errorf(abi.CodeInvalidInput, "header %q has an invalid value", truncate(k, 64))
		}
		ck := textproto.CanonicalMIMEHeaderKey(k)
		if refusedHeaders[ck] || strings.HasPrefix(ck, "Proxy-") || (p.credential && credentialHeaders[ck]) {
			return abi.Errorf(abi.CodeInvalidInput, "header %q may not be set by an app", ck)
		}
		if _, dup := p.header[ck]; dup {
			return abi.Errorf(abi.CodeInvalidInput, "header %q given twice", ck)
		}
		p.header[ck] = v
	}
	return nil
}

// prepareBody decodes body or body_base64 and applies the cap.
func (c *Client) prepareBody(p *prepared, in Request) *abi.Error {
	switch {
	case in.Body != "" && in.BodyBase64 != "":
		return abi.Errorf(abi.CodeInvalidInput, "give body or body_base64, not both")
	case in.BodyBase64 != "":
		if int64(base64.StdEncoding.DecodedLen(len(in.BodyBase64))) > c.cfg.maxRequestBytes+2 {
			return abi.Errorf(abi.CodeLimitExceeded, "request body exceeds %d bytes", c.cfg.maxRequestBytes)
		}
		b, err := base64.StdEncoding.DecodeString(in.BodyBase64)
		if err != nil {
			return abi.Errorf(abi.CodeInvalidInput, "body_base64 is not standard base64")
		}
		p.body = b
	default:
		p.body = []byte(in.Body)
	}
	if int64(len(p.body)) > c.cfg.maxRequestBytes {
		return abi.Errorf(abi.CodeLimitExceeded, "request body exceeds %d bytes", c.cfg.maxRequestBytes)
	}
	return nil
}

// validHeaderName reports whether k is an RFC 9110 token.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= 0x80 || c <= ' ' || strings.IndexByte("\"(),/:;<=>?@[\\]{}\x7f", c) >= 0 {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v holds no control bytes other than tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// sortedHeaderKeys returns h's keys in order, for cache keys.
func sortedHeaderKeys(h map[string]string) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// truncate shortens s for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
