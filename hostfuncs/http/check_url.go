package http

import (
	"net/url"

	"github.com/slotbox/slotbox/abi"
)

// maxURLBytes caps the length of a request URL.
const maxURLBytes = 8 << 10

// CheckURL applies the URL half of the outbound policy to raw: a well-formed
// absolute http(s) URL (parseHost's strict host rules, no user info), a
// scheme the operator allows (https, http only with Config.WithAllowHTTP),
// matched by an entry of list, and, when the host is an IP literal, an
// address the address policy does not refuse. The dial-time half applies on
// top whenever SafeTransport or Client is used. The error is an *abi.Error:
// INVALID_INPUT for a malformed URL, PERMISSION_DENIED otherwise.
func CheckURL(raw string, list AllowList, cfg Config) error {
	if _, err := checkRawURL(raw, list, cfg); err != nil {
		return err
	}
	return nil
}

// checkRawURL parses raw and checks it with checkURL.
func checkRawURL(raw string, list AllowList, cfg Config) (*url.URL, *abi.Error) {
	if raw == "" || len(raw) > maxURLBytes {
		return nil, abi.Errorf(abi.CodeInvalidInput, "url empty or longer than %d bytes", maxURLBytes)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, abi.Errorf(abi.CodeInvalidInput, "malformed url: %v", err)
	}
	if _, aerr := checkURL(u, list, cfg); aerr != nil {
		return nil, aerr
	}
	return u, nil
}

// checkURL is CheckURL on a parsed URL; it returns the matched entry.
func checkURL(u *url.URL, list AllowList, cfg Config) (string, *abi.Error) {
	t, err := parseTarget(u)
	if err != nil {
		return "", abi.Errorf(abi.CodeInvalidInput, "bad url: %v", err)
	}
	if t.scheme == "http" && !cfg.allowHTTP {
		return "", abi.Errorf(abi.CodePermissionDenied, "host[%s]: plain http is not allowed by the operator; use https", t.host)
	}
	entry, ok := list.match(t)
	if !ok {
		return "", abi.Errorf(abi.CodePermissionDenied, "host[%s] port[%d] scheme[%s] is not in the app's allowedHosts", t.host, t.port, t.scheme)
	}
	if t.host.ip.IsValid() {
		p := addressPolicy{allow: cfg.allowNet}
		if err := p.check("", t.host.ip, t.port); err != nil {
			return "", abi.Errorf(abi.CodePermissionDenied, "%v", err)
		}
	}
	return entry, nil
}
