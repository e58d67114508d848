package caldavapp

import (
	"context"
	"net/url"
	"strings"

	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// response is one HTTP answer of the server.
type response struct {
	status  int
	headers map[string]string
	body    []byte
}

// header returns the value of the named response header, matched without
// regard to case.
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

// ok reports whether the status is 2xx.
func (r *response) ok() bool { return r.status >= 200 && r.status < 300 }

// xmlHeader is the request header of a WebDAV request with an XML body.
func xmlHeader(depth string) map[string]string {
	h := map[string]string{"Content-Type": "application/xml; charset=utf-8"}
	if depth != "" {
		h["Depth"] = depth
	}
	return h
}

// send performs one request through the host with the installation's
// credential attached by the host; the password never enters the module.
// Host failures (NETWORK_ERROR, PERMISSION_DENIED, TIMEOUT, ...) come back
// as *slotbox.Error values; an HTTP error status is not an error here.
func (a *App) send(ctx context.Context, method, target string, header map[string]string, body []byte) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.timeout)
	defer cancel()
	res, err := slotbox.Fetch(ctx, &slotbox.FetchRequest{
		Method:     method,
		URL:        target,
		Header:     header,
		Body:       body,
		Credential: true,
	})
	if err != nil {
		return nil, hostRefusal(err)
	}
	return &response{status: res.Status, headers: res.Header, body: res.Body}, nil
}

// propfind sends a PROPFIND and parses the multistatus it answers.
func (a *App) propfind(ctx context.Context, target, depth, body string) (*multistatus, error) {
	return a.multistatus(ctx, "PROPFIND", target, depth, body)
}

// report sends a REPORT and parses the multistatus it answers.
func (a *App) report(ctx context.Context, target, body string) (*multistatus, error) {
	return a.multistatus(ctx, "REPORT", target, "1", body)
}

// multistatus sends a WebDAV request whose success answer is 207.
func (a *App) multistatus(ctx context.Context, method, target, depth, body string) (*multistatus, error) {
	res, err := a.send(ctx, method, target, xmlHeader(depth), []byte(body))
	if err != nil {
		return nil, err
	}
	op := method + " " + pathOf(target)
	if !res.ok() {
		return nil, statusError(op, res)
	}
	if res.status != 207 {
		return nil, badResponse(op, "answered %d, not 207 Multi-Status: the url is not a CalDAV server", res.status)
	}
	ms, err := parseMultistatus(res.body)
	if err != nil {
		return nil, badResponse(op, "%v", err)
	}
	ms.base = target
	return ms, nil
}

// pathOf returns the path of an absolute URL, for messages.
func pathOf(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Path == "" {
		return clip(target, 200)
	}
	return clip(u.EscapedPath(), 200)
}

// resolve turns an href from a multistatus answered for base into an
// absolute URL. Hrefs are paths on the same server or absolute URLs (iCloud
// names other hosts).
func resolve(base, href string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	h, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return "", err
	}
	u := b.ResolveReference(h)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", &url.Error{Op: "resolve", URL: href, Err: errNotHTTP}
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String(), nil
}

// sameResource reports whether two absolute URLs name the same resource,
// ignoring a trailing slash and the escaping of the path.
func sameResource(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return strings.EqualFold(ua.Host, ub.Host) &&
		strings.TrimSuffix(ua.Path, "/") == strings.TrimSuffix(ub.Path, "/")
}

// errNotHTTP is the cause of an href that is not an http(s) URL.
var errNotHTTP = errorString("not an http(s) URL")

// errorString is a constant error.
type errorString string

// Error implements error.
func (e errorString) Error() string { return string(e) }
