package greenfield

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// response is one HTTP answer of BTCPay Server.
type response struct {
	status  int
	headers map[string]string
	body    []byte
}

// header returns the value of the named header, matched without regard
// to case.
func (r *response) header(name string) string {
	if v, ok := r.headers[name]; ok {
		return v
	}
	for k, v := range r.headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// store is what a call needs to address the installation's store.
type store struct {
	server string // the server URL without a trailing slash
	id     string
}

// path returns the URL of a path under /api/v1/stores/{storeId}; parts are
// escaped one segment each.
func (s store) path(parts ...string) string {
	var b strings.Builder
	b.WriteString(s.server + "/api/v1/stores/" + url.PathEscape(s.id))
	for _, p := range parts {
		b.WriteString("/" + url.PathEscape(p))
	}
	return b.String()
}

// call sends one Greenfield request with the API key the host attaches
// and decodes a 2xx JSON answer into out (when out is not nil). op names
// the request in errors ("POST /invoices").
func (a *App) call(ctx context.Context, op, method, target string, body, out any) error {
	var payload []byte
	header := map[string]string{"Accept": "application/json"}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s: encode request: %w", op, err)
		}
		payload = b
		header["Content-Type"] = "application/json"
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.timeout)
	defer cancel()
	res, err := slotbox.Fetch(ctx, &slotbox.FetchRequest{
		Method: method, URL: target, Header: header, Body: payload, Credential: true,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, hostRefusal(err))
	}
	r := &response{status: res.Status, headers: res.Header, body: res.Body}
	if r.status < 200 || r.status > 299 {
		return statusError(op, r)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(r.body, out); err != nil {
		return badResponse(op, "decode the answer: %v", err)
	}
	return nil
}
