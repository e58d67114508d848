//go:build !wasip1

package abi

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// AllowedHost is one parsed entry of permissions.http.allowedHosts. The
// syntax follows Spin's allowed_outbound_hosts without its extensions:
//
//	host            HTTPS to host on port 443
//	host:port       HTTPS to host on port
//	scheme://host[:port]   scheme is http or https
//	*.example.com   any subdomain of example.com (not example.com itself)
//	10.0.0.5, [2001:db8::1]:8443   IP literals, subject to the host's address policy
//
// Refused: paths, queries, user info, port ranges, "*" ports, a bare "*",
// Spin's "self" and CIDRs, non-ASCII names (write the xn-- form), and names
// whose last label is numeric or 0x-prefixed unless they are a canonical IPv4
// address (so "127.1" and "0x7f.1" never reach a resolver). Scheme and name
// are case-insensitive; one trailing dot is dropped. These are the rules
// hostfuncs/http enforces when it matches requests.
type AllowedHost struct {
	// Scheme is "https" or "http".
	Scheme string
	// Host is the lower-case host name, or the IP address, without brackets or "*.".
	Host string
	// Port is the explicit port or the scheme's default.
	Port int
	// Wildcard is true for "*.Host": any subdomain of Host.
	Wildcard bool
	// IP is true when Host is an IP literal.
	IP bool
}

// MaxAllowedHosts caps the entries of permissions.http.allowedHosts.
const MaxAllowedHosts = 64

// ParseAllowedHost parses one allowedHosts entry.
func ParseAllowedHost(s string) (AllowedHost, error) {
	var h AllowedHost
	if s == "" {
		return h, errors.New("empty")
	}
	if len(s) > 300 {
		return h, errors.New("longer than 300 characters")
	}
	for _, r := range s {
		if r <= ' ' || r >= 0x7f {
			return h, errors.New("contains a space, control or non-ASCII character (use punycode for international names)")
		}
	}
	rest := s
	h.Scheme = "https"
	if scheme, after, ok := strings.Cut(s, "://"); ok {
		scheme = strings.ToLower(scheme)
		if scheme != "https" && scheme != "http" {
			return h, fmt.Errorf("scheme %q is not allowed: use https or http", scheme)
		}
		h.Scheme, rest = scheme, after
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		return h, errors.New("paths, queries and fragments are not allowed: name the host only")
	}
	if strings.Contains(rest, "@") {
		return h, errors.New("user info is not allowed")
	}
	if strings.ContainsAny(rest, `\{},`) {
		return h, errors.New(`contains one of \ { } ,`)
	}
	host, port, err := splitHostPort(rest)
	if err != nil {
		return h, err
	}
	if port == "" {
		h.Port = 443
		if h.Scheme == "http" {
			h.Port = 80
		}
	} else if h.Port, err = parsePort(port); err != nil {
		return h, err
	}
	if strings.HasPrefix(rest, "[") {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return h, fmt.Errorf("%q is not an IPv6 address", host)
		}
		h.Host, h.IP = a.Unmap().String(), true
		return h, nil
	}
	if host == "*" {
		return h, errors.New(`a bare "*" is not allowed: name the hosts`)
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "self" {
		return h, errors.New(`"self" (a Spin extension) is not supported: name the host`)
	}
	if name, ok := strings.CutPrefix(host, "*."); ok {
		h.Wildcard = true
		host = name
	}
	if strings.Contains(host, "*") {
		return h, errors.New(`"*" is allowed only as a whole first label ("*.example.com")`)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if h.Wildcard {
			return h, errors.New(`"*." cannot prefix an IP address`)
		}
		if !a.Is4() {
			return h, errors.New("IPv6 addresses need brackets: [2001:db8::1]")
		}
		h.Host, h.IP = a.String(), true
		return h, nil
	}
	if err := checkHostname(host); err != nil {
		return h, err
	}
	if h.Wildcard && !strings.Contains(host, ".") {
		return h, errors.New(`"*." must cover a domain of two labels or more ("*.example.com", not "*.com")`)
	}
	h.Host = host
	return h, nil
}

// splitHostPort splits "host", "host:port", "[v6]" and "[v6]:port".
func splitHostPort(s string) (host, port string, err error) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", errors.New("missing ] after the IPv6 address")
		}
		host, rest := s[1:end], s[end+1:]
		if rest == "" {
			return host, "", nil
		}
		p, ok := strings.CutPrefix(rest, ":")
		if !ok {
			return "", "", errors.New("unexpected text after the IPv6 address")
		}
		if p == "" {
			return "", "", errors.New("empty port")
		}
		return host, p, nil
	}
	switch strings.Count(s, ":") {
	case 0:
		return s, "", nil
	case 1:
		host, port, _ = strings.Cut(s, ":")
		if port == "" {
			return "", "", errors.New("empty port")
		}
		return host, port, nil
	}
	return "", "", errors.New("IPv6 addresses need brackets: [2001:db8::1]")
}

func parsePort(p string) (int, error) {
	if strings.HasPrefix(p, "0") {
		return 0, fmt.Errorf("port %q must be a number from 1 to 65535 without leading zeros", p)
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("port %q must be a number from 1 to 65535 (no ranges, no \"*\")", p)
		}
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 || len(p) > 5 {
		return 0, fmt.Errorf("port %q must be a number from 1 to 65535", p)
	}
	return n, nil
}

// checkHostname checks a lower-case DNS name: labels of 1 to 63 letters,
// digits and inner hyphens, 253 characters at most, a last label that is
// neither all digits nor 0x-prefixed (so "127.1" is not taken for a name).
func checkHostname(host string) error {
	if host == "" {
		return errors.New("empty host")
	}
	if len(host) > 253 {
		return errors.New("host name longer than 253 characters")
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" {
			return fmt.Errorf("host %q has an empty label", host)
		}
		if len(l) > 63 {
			return fmt.Errorf("host %q has a label longer than 63 characters", host)
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("host %q has a label that starts or ends with '-'", host)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("host %q contains %q: use letters, digits, '-' and '.'", host, string(c))
			}
		}
	}
	last := labels[len(labels)-1]
	if strings.Trim(last, "0123456789") == "" || strings.HasPrefix(last, "0x") {
		return fmt.Errorf("host %q is neither a domain name nor an IP address", host)
	}
	return nil
}

// String returns the entry in canonical form: scheme://host:port.
func (h AllowedHost) String() string {
	host := h.Host
	if h.IP && strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if h.Wildcard {
		host = "*." + host
	}
	return h.Scheme + "://" + host + ":" + strconv.Itoa(h.Port)
}
