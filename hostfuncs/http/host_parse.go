package http

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// host is a parsed, normalised URL or allow-list host: exactly one of name
// (lower case, no trailing dot, ASCII letters, digits, '-' and '.') and ip
// is set.
type host struct {
	name string
	ip   netip.Addr
}

// String returns the host as it appears in a URL authority.
func (h host) String() string {
	if h.ip.IsValid() {
		if h.ip.Is6() {
			return "[" + h.ip.String() + "]"
		}
		return h.ip.String()
	}
	return h.name
}

// Limits of DNS names (RFC 1035).
const (
	maxNameLen  = 253
	maxLabelLen = 63
)

// parseHost parses a host the way Slotbox compares and dials it. It accepts
// a DNS name of letters, digits and hyphens (punycode labels included), a
// canonical dotted-quad IPv4 address, or an IPv6 address in brackets without
// a zone. It refuses what different parsers read differently: non-ASCII
// names (use the xn-- form), names whose last label is numeric or hex unless
// they are a canonical IPv4 address (so "127.1", "2130706433", "0177.0.0.1"
// and "0x7f.1" never reach a resolver that reads them as IPv4), underscores,
// empty labels and IPv6 zones. One trailing dot is dropped; case is folded.
func parseHost(s string) (host, error) {
	if s == "" {
		return host{}, errors.New("empty host")
	}
	if s[0] == '[' {
		if len(s) < 2 || s[len(s)-1] != ']' {
			return host{}, errors.New("unterminated IPv6 literal")
		}
		return parseIPv6Literal(s[1 : len(s)-1])
	}
	if strings.Contains(s, ":") {
		return host{}, errors.New("IPv6 address must be in brackets")
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return host{}, errors.New("non-ASCII host name; use its punycode (xn--) form")
		}
	}
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	if s == "" || len(s) > maxNameLen {
		return host{}, errors.New("host name empty or longer than 253 bytes")
	}
	labels := strings.Split(s, ".")
	for _, l := range labels {
		if err := checkLabel(l); err != nil {
			return host{}, err
		}
	}
	if last := labels[len(labels)-1]; isNumericLabel(last) {
		ip, err := netip.ParseAddr(s)
		if err != nil || !ip.Is4() {
			return host{}, fmt.Errorf("host %q is not a canonical IPv4 address", s)
		}
		return host{ip: ip}, nil
	}
	return host{name: s}, nil
}

// parseIPv6Literal parses the inside of "[...]".
func parseIPv6Literal(s string) (host, error) {
	if strings.Contains(s, "%") {
		return host{}, errors.New("IPv6 zones are not allowed")
	}
	ip, err := netip.ParseAddr(s)
	if err != nil || !ip.Is6() {
		return host{}, fmt.Errorf("bad IPv6 literal %q", s)
	}
	return host{ip: ip}, nil
}

// checkLabel reports whether l is an LDH label (RFC 1123).
func checkLabel(l string) error {
	if l == "" {
		return errors.New("empty label in host name")
	}
	if len(l) > maxLabelLen {
		return errors.New("label longer than 63 bytes in host name")
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return fmt.Errorf("label %q starts or ends with '-'", l)
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return fmt.Errorf("character %q not allowed in host name", c)
		}
	}
	return nil
}

// isNumericLabel reports whether a last label would make the WHATWG URL
// parser or inet_aton read the whole name as an IPv4 address: all decimal
// digits, or a 0x hex prefix.
func isNumericLabel(l string) bool {
	if strings.HasPrefix(l, "0x") {
		return true
	}
	for i := 0; i < len(l); i++ {
		if l[i] < '0' || l[i] > '9' {
			return false
		}
	}
	return true
}

// parsePort parses a decimal port 1-65535 without sign or leading zeros.
func parsePort(s string) (int, error) {
	if s == "" || len(s) > 5 || (s[0] == '0') {
		return 0, fmt.Errorf("bad port %q", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("bad port %q", s)
		}
	}
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("bad port %q", s)
	}
	return p, nil
}

// defaultPort is the port a URL of scheme uses when it names none.
func defaultPort(scheme string) int {
	if scheme == "http" {
		return 80
	}
	return 443
}
