package http

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestBlockedClass(t *testing.T) {
	blocked := map[string]string{
		"0.0.0.0":                              "unspecified",
		"0.1.2.3":                              "this-network",
		"10.0.0.1":                             "private",
		"10.255.255.255":                       "private",
		"100.64.0.1":                           "carrier-grade NAT",
		"100.127.255.254":                      "carrier-grade NAT",
		"100.100.100.200":                      "cloud metadata",
		"127.0.0.1":                            "loopback",
		"127.255.255.254":                      "loopback",
		"169.254.169.254":                      "cloud metadata",
		"169.254.170.2":                        "cloud metadata",
		"169.254.1.1":                          "link-local",
		"172.16.0.1":                           "private",
		"172.31.255.255":                       "private",
		"192.0.0.192":                          "cloud metadata",
		"192.0.0.8":                            "IETF",
		"192.0.2.1":                            "documentation",
		"192.88.99.1":                          "6to4 relay",
		"192.168.1.1":                          "private",
		"198.18.0.1":                           "benchmarking",
		"198.51.100.7":                         "documentation",
		"203.0.113.9":                          "documentation",
		"224.0.0.1":                            "multicast",
		"239.255.255.250":                      "multicast",
		"240.0.0.1":                            "reserved",
		"255.255.255.255":                      "broadcast",
		"::":                                   "unspecified",
		"::1":                                  "loopback",
		"::ffff:127.0.0.1":                     "IPv4-mapped loopback",
		"::ffff:10.1.2.3":                      "IPv4-mapped private",
		"::ffff:169.254.169.254":               "IPv4-mapped cloud metadata",
		"::ffff:0.0.0.0":                       "IPv4-mapped unspecified",
		"::127.0.0.1":                          "reserved IPv6",
		"::ffff:0:7f00:1":                      "reserved IPv6",
		"64:ff9b::7f00:1":                      "NAT64 of loopback",
		"64:ff9b::a9fe:a9fe":                   "NAT64 of cloud metadata",
		"64:ff9b::a00:1":                       "NAT64 of private",
		"64:ff9b:1::1":                         "local-use NAT64",
		"100::1":                               "discard",
		"2001::1":                              "Teredo",
		"2001:0:4136:e378:8000:63bf:3fff:fdd2": "Teredo",
		"2001:2::1":                            "IETF",
		"2001:db8::1":                          "documentation",
		"2002:7f00:1::1":                       "6to4 of loopback",
		"2002:a9fe:a9fe::1":                    "6to4 of cloud metadata",
		"2002:c0a8:101::1":                     "6to4 of private",
		"3fff::1":                              "documentation",
		"fc00::1":                              "unique local",
		"fd00::1":                              "unique local",
		"fd00:ec2::254":                        "cloud metadata",
		"fe80::1":                              "link-local",
		"febf::1":                              "link-local",
		"fec0::1":                              "site-local",
		"ff02::1":                              "multicast",
		"4000::1":                              "reserved IPv6",
		"fe80::1%eth0":                         "scoped",
	}
	for s, want := range blocked {
		ip := netip.MustParseAddr(s)
		if got := blockedClass(ip); !strings.Contains(got, want) {
			t.Errorf("blockedClass(%s) = %q, want it to contain %q", s, got, want)
		}
	}
	for _, s := range []string{"1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.0", "172.32.0.1", "192.0.1.1", "223.255.255.255",
		"2606:4700:4700::1111", "2a00:1450:4001::1", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"} {
		if got := blockedClass(netip.MustParseAddr(s)); got != "" {
			t.Errorf("blockedClass(%s) = %q, want public", s, got)
		}
	}
	if blockedClass(netip.Addr{}) == "" {
		t.Error("the zero Addr is not refused")
	}
}

func TestParseNetAllowance(t *testing.T) {
	for _, bad := range []string{"", "10.0.0.0/33", "127.0.0.1:0", "127.0.0.1:99999", "[::1]x", "localhost:", "bad_name", "fe80::1%eth0", "127.1"} {
		if _, err := New(NewConfig().WithAllowNet(bad)); err == nil {
			t.Errorf("New accepted --allow-net %q", bad)
		} else if !strings.Contains(err.Error(), "allow-net") {
			t.Errorf("error %q does not say allow-net", err)
		}
	}
	tests := []struct {
		entry string
		name  string
		ip    string
		port  int
		want  bool
	}{
		{"127.0.0.1:8443", "", "127.0.0.1", 8443, true},
		{"127.0.0.1:8443", "", "127.0.0.1", 8444, false},
		{"127.0.0.1:8443", "", "::ffff:127.0.0.1", 8443, true},
		{"127.0.0.1", "", "127.0.0.1", 1, true},
		{"10.0.0.0/8", "", "10.9.8.7", 443, true},
		{"10.0.0.0/8", "", "11.0.0.1", 443, false},
		{"10.1.2.3/8", "", "10.200.0.1", 443, true},
		{"[::1]:8443", "", "::1", 8443, true},
		{"::1", "", "::1", 80, true},
		{"fd00::/8", "", "fd12::1", 80, true},
		{"localhost:8443", "localhost", "127.0.0.1", 8443, true},
		{"LOCALHOST.:8443", "localhost", "::1", 8443, true},
		{"localhost:8443", "", "127.0.0.1", 8443, false},
		{"localhost", "evil.test", "127.0.0.1", 8443, false},
	}
	for _, tt := range tests {
		a, err := parseNetAllowance(tt.entry)
		if err != nil {
			t.Fatalf("parseNetAllowance(%q): %v", tt.entry, err)
		}
		if got := a.matches(tt.name, netip.MustParseAddr(tt.ip), tt.port); got != tt.want {
			t.Errorf("%q matches(%q, %s, %d) = %v, want %v", tt.entry, tt.name, tt.ip, tt.port, got, tt.want)
		}
	}
}

// TestControlHookRefuses calls the Control hook the dialer installs on every
// socket with each refused address, as the kernel-bound address would be
// given to it; no packet is sent.
func TestControlHookRefuses(t *testing.T) {
	d := newSafeDialer(NewConfig().WithAllowNet("127.0.0.1:8443", "10.0.0.0/8"))
	hook := d.control("api.example.com")
	for _, addr := range []string{"127.0.0.1:80", "[::1]:443", "0.0.0.0:443", "[::]:443", "[::ffff:127.0.0.1]:80",
		"169.254.169.254:80", "[fd00:ec2::254]:80", "100.64.0.1:443", "224.0.0.1:443", "172.16.0.1:443", "192.168.0.1:443",
		"[64:ff9b::7f00:1]:443", "[2002:7f00:1::1]:443", "[2001::1]:443", "[fe80::1]:443", "255.255.255.255:443"} {
		err := hook(context.Background(), "tcp", addr, nil)
		var ae *AddressError
		if !errors.As(err, &ae) || !errors.Is(err, ErrAddressRefused) {
			t.Errorf("hook(%s) = %v, want *AddressError", addr, err)
			continue
		}
		if ae.Host != "api.example.com" || strings.Contains(err.Error(), strings.Trim(strings.Split(addr, "]")[0], "[")) {
			t.Errorf("hook(%s) error %q should name the host, not the address", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:8443", "10.1.2.3:22", "[::ffff:10.1.2.3]:22", "8.8.8.8:443", "[2606:4700::1]:443"} {
		if err := hook(context.Background(), "tcp", addr, nil); err != nil {
			t.Errorf("hook(%s) = %v, want allowed", addr, err)
		}
	}
	if err := hook(context.Background(), "udp", "8.8.8.8:53", nil); !errors.Is(err, ErrAddressRefused) {
		t.Errorf("udp allowed: %v", err)
	}
	if err := hook(context.Background(), "tcp", "example.com:443", nil); !errors.Is(err, ErrAddressRefused) {
		t.Errorf("non-numeric address allowed: %v", err)
	}
}
