package http

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/slotbox/slotbox/abi"
)

// AllowList is an app's parsed permissions.http.allowedHosts. The zero value
// allows nothing. It is immutable and safe for concurrent use.
type AllowList struct {
	entries []allowEntry
	anyHost bool
}

// allowEntry is one parsed allow-list entry.
type allowEntry struct {
	raw      string
	scheme   string // "https" or "http"
	host     host   // for a wildcard: the suffix after "*."
	wildcard bool
	port     int
}

// ParseAllowList parses the entries of a manifest's
// permissions.http.allowedHosts (at most abi.MaxAllowedHosts) with
// abi.ParseAllowedHost, after Spin's allowed_outbound_hosts:
//
//	api.example.com             https, port 443
//	api.example.com:8443        https, port 8443
//	http://api.example.com      http, port 80 (only if the operator allows http)
//	https://api.example.com:444 https, port 444
//	*.example.com               https://<one or more labels>.example.com:443, not example.com
//	203.0.113.7, [2001:db8::1]  IP literals, matched exactly (IPv4-mapped IPv6 as its IPv4)
//
// A scheme-less entry means https. Without a port only the scheme's default
// port matches. The scheme is lower case; names are case-insensitive and
// one trailing dot is dropped; an IPv4-mapped IPv6 entry means its IPv4
// address. Refused: paths, user info, port ranges or wildcards, "*" alone,
// "*" other than as a leading "*." on a name of at least two labels,
// wildcard IPs, non-ASCII names (write the xn-- form), non-canonical IPv4
// forms, CIDRs and Spin's "self". An error names the bad entry.
func ParseAllowList(entries []string) (AllowList, error) {
	if len(entries) > abi.MaxAllowedHosts {
		return AllowList{}, fmt.Errorf("allow-list has %d entries, more than %d", len(entries), abi.MaxAllowedHosts)
	}
	var l AllowList
	for i, raw := range entries {
		e, err := parseAllowEntry(raw)
		if err != nil {
			return AllowList{}, fmt.Errorf("allowedHosts[%d] %q: %w", i, raw, err)
		}
		l.entries = append(l.entries, e)
	}
	return l, nil
}

// AnyHost returns an allow-list that matches every well-formed http(s) URL
// on any port; the scheme rule and the address policy still apply. It is for
// destinations the operator or a user configures, such as webhook
// subscriptions, never for a manifest.
func AnyHost() AllowList { return AllowList{anyHost: true} }

// Entries returns the entries as they were written.
func (l AllowList) Entries() []string {
	out := make([]string, len(l.entries))
	for i, e := range l.entries {
		out[i] = e.raw
	}
	return out
}

// parseAllowEntry parses one entry with abi.ParseAllowedHost, the grammar
// manifest validation uses, so an uploaded manifest and its enforcement can
// never disagree; the host then goes through parseHost, the parser URLs
// use, and an entry parseHost refuses is refused.
func parseAllowEntry(raw string) (allowEntry, error) {
	ah, err := abi.ParseAllowedHost(raw)
	if err != nil {
		return allowEntry{}, err
	}
	e := allowEntry{raw: raw, scheme: ah.Scheme, port: ah.Port, wildcard: ah.Wildcard}
	if ah.IP {
		ip, err := netip.ParseAddr(ah.Host)
		if err != nil {
			return allowEntry{}, fmt.Errorf("bad IP %q: %w", ah.Host, err)
		}
		e.host = host{ip: ip}
		return e, nil
	}
	if e.host, err = parseHost(ah.Host); err != nil || e.host.ip.IsValid() {
		return allowEntry{}, fmt.Errorf("host %q: not a host name URLs can use", ah.Host)
	}
	return e, nil
}

// splitHostPort splits "host", "host:port", "[v6]" or "[v6]:port".
func splitHostPort(s string) (h, port string, hasPort bool, err error) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false, errors.New("unterminated IPv6 literal")
		}
		h, rest := s[:end+1], s[end+1:]
		if rest == "" {
			return h, "", false, nil
		}
		if rest[0] != ':' {
			return "", "", false, errors.New("junk after IPv6 literal")
		}
		return h, rest[1:], true, nil
	}
	switch strings.Count(s, ":") {
	case 0:
		return s, "", false, nil
	case 1:
		i := strings.IndexByte(s, ':')
		return s[:i], s[i+1:], true, nil
	}
	return "", "", false, errors.New("IPv6 address must be in brackets")
}

// Allows reports whether u is a well-formed http(s) URL (see CheckURL) whose
// scheme, host and port one entry matches. It does not apply the operator's
// scheme rule or the address policy; CheckURL does.
func (l AllowList) Allows(u *url.URL) bool {
	t, err := parseTarget(u)
	if err != nil {
		return false
	}
	_, ok := l.match(t)
	return ok
}

// match returns the entry matching t.
func (l AllowList) match(t target) (string, bool) {
	if l.anyHost {
		return "*", true
	}
	for _, e := range l.entries {
		if e.matches(t) {
			return e.raw, true
		}
	}
	return "", false
}

// matches reports whether e allows t.
func (e allowEntry) matches(t target) bool {
	if e.scheme != t.scheme || e.port != t.port {
		return false
	}
	if e.host.ip.IsValid() || t.host.ip.IsValid() {
		return e.host.ip.Unmap() == t.host.ip.Unmap() && !e.wildcard
	}
	if e.wildcard {
		n, suf := t.host.name, e.host.name
		return len(n) > len(suf)+1 && strings.HasSuffix(n, suf) && n[len(n)-len(suf)-1] == '.'
	}
	return e.host.name == t.host.name
}

// target is a checked URL's scheme, host and effective port.
type target struct {
	scheme string
	host   host
	port   int
}

// parseTarget checks a URL's shape strictly: scheme http or https, no user
// info, no opaque part, a host parseHost accepts, a canonical port.
func parseTarget(u *url.URL) (target, error) {
	var t target
	if u == nil {
		return t, errors.New("no URL")
	}
	t.scheme = strings.ToLower(u.Scheme)
	if t.scheme != "https" && t.scheme != "http" {
		return t, fmt.Errorf("scheme %q not supported (https or http)", u.Scheme)
	}
	if u.Opaque != "" || u.User != nil {
		return t, errors.New("URL must not carry user info or an opaque part")
	}
	hostPart, portPart, hasPort, err := splitHostPort(u.Host)
	if err != nil {
		return t, err
	}
	if t.host, err = parseHost(hostPart); err != nil {
		return t, err
	}
	t.port = defaultPort(t.scheme)
	if hasPort {
		if t.port, err = parsePort(portPart); err != nil {
			return t, err
		}
	}
	return t, nil
}
