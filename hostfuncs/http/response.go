package http

import (
	"encoding/base64"
	"io"
	nethttp "net/http"
	"strings"
	"unicode/utf8"

	"github.com/slotbox/slotbox/abi"
)

// Response is the http_request ok result (abi-v1 section 3). Body holds a
// response that is valid UTF-8, BodyBase64 any other; an empty body sets
// neither.
type Response struct {
	Status     int               `json:"status"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body,omitempty"`
	BodyBase64 string            `json:"body_base64,omitempty"`
}

// droppedResponseHeaders never reach the guest.
var droppedResponseHeaders = map[string]bool{"Set-Cookie": true, "Set-Cookie2": true}

// readResponse turns resp into a Response, applying the header and body
// caps. The body is read up to the cap plus one byte.
func (c *Client) readResponse(resp *nethttp.Response, host string) (Response, error) {
	out := Response{Status: resp.StatusCode, Headers: make(map[string]string, len(resp.Header))}
	if len(resp.Header) > c.cfg.maxHeaders {
		return Response{}, abi.Errorf(abi.CodeLimitExceeded, "response from host[%s] has %d headers, more than %d", host, len(resp.Header), c.cfg.maxHeaders)
	}
	total := 0
	for k, vs := range resp.Header {
		if droppedResponseHeaders[k] {
			continue
		}
		v := strings.Join(vs, ", ")
		total += len(k) + len(v)
		if total > c.cfg.maxHeaderBytes {
			return Response{}, abi.Errorf(abi.CodeLimitExceeded, "response headers from host[%s] exceed %d bytes", host, c.cfg.maxHeaderBytes)
		}
		out.Headers[k] = v
	}
	if resp.ContentLength > c.cfg.maxResponseBytes {
		return Response{}, abi.Errorf(abi.CodeLimitExceeded, "response body from host[%s] exceeds %d bytes", host, c.cfg.maxResponseBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.maxResponseBytes+1))
	if err != nil {
		return Response{}, err
	}
	if int64(len(body)) > c.cfg.maxResponseBytes {
		return Response{}, abi.Errorf(abi.CodeLimitExceeded, "response body from host[%s] exceeds %d bytes", host, c.cfg.maxResponseBytes)
	}
	if utf8.Valid(body) {
		out.Body = string(body)
	} else {
		out.BodyBase64 = base64.StdEncoding.EncodeToString(body)
	}
	return out, nil
}

// size is the bytes r holds, for the cache's byte bound.
func (r Response) size() int64 {
	n := int64(len(r.Body) + len(r.BodyBase64) + 64)
	for k, v := range r.Headers {
		n += int64(len(k) + len(v) + 32)
	}
	return n
}

// clone returns r with its own header map.
func (r Response) clone() Response {
	h := make(map[string]string, len(r.Headers))
	for k, v := range r.Headers {
		h[k] = v
	}
	r.Headers = h
	return r
}
