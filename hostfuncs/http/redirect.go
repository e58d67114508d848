package http

import (
	nethttp "net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/slotbox/slotbox/abi"
)

// redirectPolicy returns the CheckRedirect of one request. Each hop must
// pass CheckURL against the grant's allow-list (the dial-time address
// policy applies to it as well); https never redirects to http; at most
// cfg.maxRedirects hops are followed; a request carrying the credential
// never follows a redirect to another origin (scheme, host and port).
func (c *Client) redirectPolicy(g Grant, p *prepared) func(*nethttp.Request, []*nethttp.Request) error {
	return func(req *nethttp.Request, via []*nethttp.Request) error {
		if len(via) > c.cfg.maxRedirects {
			return abi.Errorf(abi.CodeLimitExceeded, "request to host[%s] redirected more than %d times", p.host, c.cfg.maxRedirects)
		}
		prev := via[len(via)-1].URL
		if strings.EqualFold(prev.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") {
			return abi.Errorf(abi.CodePermissionDenied, "redirect from host[%s] downgrades https to %s", prev.Host, truncate(req.URL.Scheme, 16))
		}
		if _, aerr := checkURL(req.URL, g.AllowList, c.cfg); aerr != nil {
			aerr.Message = "redirect from host[" + prev.Host + "] refused: " + aerr.Message
			return aerr
		}
		if p.credential && origin(req.URL) != origin(via[0].URL) {
			return abi.Errorf(abi.CodePermissionDenied, "redirect from host[%s] to host[%s] refused: the credential is never sent to another origin", prev.Host, req.URL.Host)
		}
		return nil
	}
}

// origin is a URL's scheme, host and effective port.
func origin(u *url.URL) string {
	t, err := parseTarget(u)
	if err != nil {
		return "invalid:" + u.Scheme + "://" + u.Host
	}
	return t.scheme + "://" + t.host.String() + ":" + strconv.Itoa(t.port)
}

// logHost is the host of a raw URL for a log line, or "-".
func logHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "-"
	}
	return truncate(u.Host, 255)
}
