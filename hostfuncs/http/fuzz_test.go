package http

import (
	"net"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// FuzzAllowList checks, for arbitrary entries and URLs, that nothing panics
// and that a URL is only allowed when its host is literally under an entry
// (read independently through net/url), that a wildcard never allows its
// apex, and that CheckURL never passes what Allows refuses.
func FuzzAllowList(f *testing.F) {
	for _, s := range [][2]string{
		{"api.example.com", "https://api.example.com/x"},
		{"*.example.com", "https://example.com/"},
		{"*.example.com", "https://a.b.example.com./"},
		{"http://api.example.com:8080", "http://API.example.com:8080/"},
		{"127.0.0.1:8443", "https://2130706433:8443/"},
		{"[::1]:8443\n*.Example.COM.", "https://[::ffff:127.0.0.1]:8443/"},
		{"xn--bcher-kva.example", "https://bücher.example/"},
		{"a.example.com", "https://a.example.com%2e/"},
		{"*.0x7f.example", "https://1.0x7f.example/"},
	} {
		f.Add(s[0], s[1])
	}
	cfg := NewConfig().WithAllowHTTP(true)
	f.Fuzz(func(t *testing.T, entries, raw string) {
		list := strings.Split(entries, "\n")
		if len(list) > 8 {
			list = list[:8]
		}
		l, err := ParseAllowList(list)
		u, uerr := url.Parse(raw)
		checkErr := CheckURL(raw, l, cfg)
		if err != nil || uerr != nil {
			if err != nil && checkErr == nil {
				t.Fatalf("CheckURL passed %q with an empty allow-list", raw)
			}
			return
		}
		allowed := l.Allows(u)
		if checkErr == nil && !allowed {
			t.Fatalf("CheckURL passed %q but Allows refuses it", raw)
		}
		for _, e := range list {
			if !strings.HasPrefix(e, "*.") && !strings.Contains(e, "://*.") {
				continue
			}
			one, err := ParseAllowList([]string{e})
			if err != nil {
				continue
			}
			apex := strings.Replace(e, "*.", "", 1)
			if !strings.Contains(apex, "://") {
				apex = "https://" + apex
			}
			if au, err := url.Parse(apex + "/"); err == nil && one.Allows(au) {
				t.Fatalf("wildcard %q allows its apex %q", e, apex)
			}
		}
		if !allowed {
			return
		}
		h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
		if ip, err := netip.ParseAddr(h); err != nil && isNumericLabel(h[strings.LastIndexByte(h, '.')+1:]) {
			t.Fatalf("allowed %q with a non-canonical IPv4 host %q", raw, h)
		} else if err == nil && ip.Zone() != "" {
			t.Fatalf("allowed %q with a zone", raw)
		}
		for _, e := range list {
			if covers(e, h) {
				return
			}
		}
		t.Fatalf("%q allowed though no entry of %q covers host %q", raw, list, h)
	})
}

// covers reports, independently of the package's parser, whether entry
// names host h (lower case, no trailing dot) or a subdomain of it for "*.".
func covers(entry, h string) bool {
	if !strings.Contains(entry, "://") {
		entry = "https://" + entry
	}
	eu, err := url.Parse(entry)
	if err != nil {
		return false
	}
	eh := strings.TrimSuffix(strings.ToLower(eu.Hostname()), ".")
	if rest, ok := strings.CutPrefix(eh, "*."); ok {
		return strings.HasSuffix(h, "."+rest) && h != rest
	}
	a, errA := netip.ParseAddr(eh)
	b, errB := netip.ParseAddr(h)
	if errA == nil || errB == nil {
		return errA == nil && errB == nil && a.Unmap() == b.Unmap()
	}
	return eh == h
}

// FuzzURLHost checks the strict host parser: no panic, idempotent output,
// names that no IPv4 parser (net.ParseIP, netip, inet_aton) can read as an
// address, IPs in canonical form, and agreement with the URL path.
func FuzzURLHost(f *testing.F) {
	for _, s := range []string{"api.example.com", "127.0.0.1", "127.1", "0x7f.1", "0177.0.0.1", "2130706433", "[::1]",
		"[::ffff:127.0.0.1]", "[fe80::1%25eth0]", "EXAMPLE.com.", "xn--bcher-kva.example", "bücher.example", "a..b",
		"1.2.3.4.5", "0x", "-a.b", "[1.2.3.4]", "%31%32%37.0.0.1", "example.com:443"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseHost(s)
		if err == nil {
			again, err := parseHost(h.String())
			if err != nil || again != h {
				t.Fatalf("parseHost(%q) = %q, which parses to %q, %v", s, h, again, err)
			}
			if h.ip.IsValid() {
				if h.ip.Zone() != "" {
					t.Fatalf("zone kept: %q", s)
				}
			} else {
				checkName(t, s, h.name)
			}
		}
		u, err := url.Parse("http://" + s + "/")
		if err != nil {
			return
		}
		tgt, err := parseTarget(u)
		if err != nil {
			return
		}
		if tgt.host.name != "" {
			checkName(t, s, tgt.host.name)
		}
		if tgt.port < 1 || tgt.port > 65535 {
			t.Fatalf("port %d from %q", tgt.port, s)
		}
	})
}

// checkName fails t unless name is an LDH name no IPv4 parser accepts.
func checkName(t *testing.T, in, name string) {
	t.Helper()
	if net.ParseIP(name) != nil {
		t.Fatalf("name %q from %q is an IP for net.ParseIP", name, in)
	}
	if _, err := netip.ParseAddr(name); err == nil {
		t.Fatalf("name %q from %q is an IP for netip", name, in)
	}
	if inetAton(name) {
		t.Fatalf("name %q from %q is an IPv4 address for inet_aton", name, in)
	}
	for _, l := range strings.Split(name, ".") {
		if l == "" || len(l) > 63 || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			t.Fatalf("name %q from %q has a bad label %q", name, in, l)
		}
	}
}

// inetAton reports whether glibc's inet_aton would accept s: one to four
// parts, each decimal, octal (leading 0) or hex (0x).
func inetAton(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		digits, set := p, "0123456789"
		switch {
		case strings.HasPrefix(p, "0x"):
			digits, set = p[2:], "0123456789abcdef"
		case len(p) > 1 && p[0] == '0':
			digits, set = p[1:], "01234567"
		}
		if p == "" || strings.Trim(digits, set) != "" {
			return false
		}
	}
	return true
}
