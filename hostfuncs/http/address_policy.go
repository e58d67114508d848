package http

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// addrClass is a named range of addresses the address policy refuses.
type addrClass struct {
	prefix netip.Prefix
	name   string
}

// Refused IPv4 ranges, most specific first (IANA IPv4 special-purpose
// registry, plus the cloud metadata endpoints, which sit inside them).
var blockedV4 = []addrClass{
	{netip.MustParsePrefix("169.254.169.254/32"), "cloud metadata"}, // AWS, GCP, Azure, OpenStack
	{netip.MustParsePrefix("169.254.170.2/32"), "cloud metadata"},   // AWS ECS task metadata
	{netip.MustParsePrefix("100.100.100.200/32"), "cloud metadata"}, // Alibaba
	{netip.MustParsePrefix("192.0.0.192/32"), "cloud metadata"},     // Oracle
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified/this-network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay anycast"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("255.255.255.255/32"), "broadcast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
}

// Refused IPv6 ranges inside 2000::/3 or with a fixed meaning; anything else
// outside global unicast 2000::/3 is refused as "reserved IPv6".
var blockedV6 = []addrClass{
	{netip.MustParsePrefix("fd00:ec2::254/128"), "cloud metadata"}, // AWS IMDS over IPv6
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("2001::/32"), "Teredo"},
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignments"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("3fff::/20"), "documentation"},
	{netip.MustParsePrefix("fc00::/7"), "unique local (private)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// Ranges that embed an IPv4 address; the embedded address is checked.
var (
	nat64Prefix    = netip.MustParsePrefix("64:ff9b::/96")
	sixToFourRange = netip.MustParsePrefix("2002::/16")
	globalUnicast  = netip.MustParsePrefix("2000::/3")
)

// blockedClass returns the name of the refused class ip belongs to, or ""
// when ip is a public unicast address. IPv4-mapped IPv6 (::ffff:a.b.c.d),
// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses are refused when the
// IPv4 address they embed is.
func blockedClass(ip netip.Addr) string {
	if !ip.IsValid() {
		return "invalid"
	}
	if ip.Zone() != "" {
		return "scoped IPv6"
	}
	if ip.Is4In6() {
		if c := blockedClass(ip.Unmap()); c != "" {
			return "IPv4-mapped " + c
		}
		return ""
	}
	if ip.Is4() {
		for _, c := range blockedV4 {
			if c.prefix.Contains(ip) {
				return c.name
			}
		}
		return ""
	}
	b := ip.As16()
	switch {
	case nat64Prefix.Contains(ip):
		if c := blockedClass(netip.AddrFrom4([4]byte(b[12:16]))); c != "" {
			return "NAT64 of " + c
		}
		return ""
	case sixToFourRange.Contains(ip):
		if c := blockedClass(netip.AddrFrom4([4]byte(b[2:6]))); c != "" {
			return "6to4 of " + c
		}
		return ""
	}
	for _, c := range blockedV6 {
		if c.prefix.Contains(ip) {
			return c.name
		}
	}
	if !globalUnicast.Contains(ip) {
		return "reserved IPv6"
	}
	return ""
}

// netAllowance is one operator exemption from the address policy.
type netAllowance struct {
	raw    string
	prefix netip.Prefix // valid for IP and CIDR entries
	name   string       // set for host-name entries
	port   int          // 0: any port
}

// parseNetAllowance parses one --allow-net entry (see Config.WithAllowNet).
func parseNetAllowance(raw string) (netAllowance, error) {
	a := netAllowance{raw: raw}
	if strings.Contains(raw, "/") {
		p, err := netip.ParsePrefix(raw)
		if err != nil {
			return a, fmt.Errorf("entry %q: bad CIDR: %w", raw, err)
		}
		a.prefix = p.Masked()
		return a, nil
	}
	if ip, err := netip.ParseAddr(raw); err == nil && ip.Zone() == "" {
		a.prefix = netip.PrefixFrom(ip, ip.BitLen())
		return a, nil
	}
	h, portPart, hasPort, err := splitHostPort(raw)
	if err != nil {
		return a, fmt.Errorf("entry %q: %w", raw, err)
	}
	if hasPort {
		if a.port, err = parsePort(portPart); err != nil {
			return a, fmt.Errorf("entry %q: %w", raw, err)
		}
	}
	parsed, err := parseHost(h)
	if err != nil {
		return a, fmt.Errorf("entry %q: %w", raw, err)
	}
	if parsed.ip.IsValid() {
		a.prefix = netip.PrefixFrom(parsed.ip, parsed.ip.BitLen())
	} else {
		a.name = parsed.name
	}
	return a, nil
}

// matches reports whether a exempts ip:port dialled for host name (the
// name in the URL; empty for an IP literal).
func (a netAllowance) matches(name string, ip netip.Addr, port int) bool {
	if a.port != 0 && a.port != port {
		return false
	}
	if a.name != "" {
		return a.name == name
	}
	return a.prefix.Contains(ip.Unmap()) || a.prefix.Contains(ip)
}

// ErrAddressRefused is wrapped by every error of the address policy.
var ErrAddressRefused = errors.New("address refused by network policy")

// AddressError reports a dial the address policy refused. It names the URL's
// host and the refused class, never the address, so internal addresses do
// not leak to a guest.
type AddressError struct {
	Host  string // the host as the URL names it
	Class string // e.g. "loopback", "IPv4-mapped private"
}

// Error implements error.
func (e *AddressError) Error() string {
	return fmt.Sprintf("host[%s] resolves to a %s address, which the network policy refuses", e.Host, e.Class)
}

// Unwrap returns ErrAddressRefused.
func (e *AddressError) Unwrap() error { return ErrAddressRefused }

// addressPolicy is the dial-time check: blocked classes minus the
// operator's exemptions.
type addressPolicy struct {
	allow []netAllowance
}

// check returns an *AddressError when dialling ip:port for name is refused.
func (p addressPolicy) check(name string, ip netip.Addr, port int) error {
	class := blockedClass(ip)
	if class == "" {
		return nil
	}
	for _, a := range p.allow {
		if a.matches(name, ip, port) {
			return nil
		}
	}
	display := name
	if display == "" {
		display = host{ip: ip}.String()
	}
	return &AddressError{Host: display, Class: class}
}
