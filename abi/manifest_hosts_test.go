package abi_test

import (
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

func TestParseAllowedHost(t *testing.T) {
	valid := []struct {
		in   string
		want string // canonical String()
	}{
		{"api.example.com", "https://api.example.com:443"},
		{"API.Example.COM.", "https://api.example.com:443"},
		{"api.example.com:8443", "https://api.example.com:8443"},
		{"http://api.example.com", "http://api.example.com:80"},
		{"HTTPS://api.example.com:444", "https://api.example.com:444"},
		{"*.example.com", "https://*.example.com:443"},
		{"http://*.svc.example.net:8080", "http://*.svc.example.net:8080"},
		{"localhost:8080", "https://localhost:8080"},
		{"10.0.0.5", "https://10.0.0.5:443"},
		{"http://203.0.113.7:8080", "http://203.0.113.7:8080"},
		{"[2001:db8::1]", "https://[2001:db8::1]:443"},
		{"[2001:db8::1]:8443", "https://[2001:db8::1]:8443"},
		{"[::ffff:10.0.0.1]", "https://10.0.0.1:443"},
		{"xn--bcher-kva.example", "https://xn--bcher-kva.example:443"},
	}
	for _, tt := range valid {
		h, err := abi.ParseAllowedHost(tt.in)
		if err != nil {
			t.Errorf("ParseAllowedHost(%q): %v", tt.in, err)
			continue
		}
		if got := h.String(); got != tt.want {
			t.Errorf("ParseAllowedHost(%q) = %s, want %s", tt.in, got, tt.want)
		}
		if again, err := abi.ParseAllowedHost(h.String()); err != nil || again != h {
			t.Errorf("String() of %q does not parse back: %+v, %v", tt.in, again, err)
		}
	}

	invalid := []struct{ in, why string }{
		{"", "empty"},
		{" api.example.com", "space"},
		{"*", "bare"},
		{"*:443", "bare"},
		{"https://*", "bare"},
		{"*.com", "two labels"},
		{"api.*.example.com", "whole first label"},
		{"*api.example.com", "whole first label"},
		{"*.10.0.0.1", "IP"},
		{"api.example.com/v1", "path"},
		{"api.example.com?x=1", "path"},
		{"user:pass@api.example.com", "user info"},
		{"ftp://files.example.com", "scheme"},
		{"ws://api.example.com", "scheme"},
		{"api.example.com:0", "port"},
		{"api.example.com:65536", "port"},
		{"api.example.com:0443", "leading zeros"},
		{"api.example.com:8000..8100", "port"},
		{"api.example.com:*", "port"},
		{"api.example.com:", "empty port"},
		{"::1", "brackets"},
		{"2001:db8::1", "brackets"},
		{"[::1", "missing ]"},
		{"[::1]x", "after the IPv6"},
		{"[10.0.0.1]", "not an IPv6"},
		{"[fe80::1%eth0]", "not an IPv6"},
		{"self", "self"},
		{"10.0.0.0/8", "path"},
		{"127.1", "neither"},
		{"2130706433", "neither"},
		{"0x7f.1", "neither"},
		{"bücher.example", "non-ASCII"},
		{"-api.example.com", "'-'"},
		{"api..example.com", "empty label"},
		{"api_v2.example.com", "contains"},
		{"{{ api_host }}", "contains"},
		{strings.Repeat("a", 64) + ".example.com", "63"},
	}
	for _, tt := range invalid {
		_, err := abi.ParseAllowedHost(tt.in)
		if err == nil {
			t.Errorf("ParseAllowedHost(%q) accepted it", tt.in)
		} else if !strings.Contains(err.Error(), tt.why) {
			t.Errorf("ParseAllowedHost(%q) = %v, want a reason mentioning %q", tt.in, err, tt.why)
		}
	}
}

func FuzzParseAllowedHost(f *testing.F) {
	for _, s := range []string{"api.example.com", "*.example.com:8443", "http://[2001:db8::1]:80", "127.1", "a:b:c", "https://"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := abi.ParseAllowedHost(s)
		if err != nil {
			return
		}
		again, err := abi.ParseAllowedHost(h.String())
		if err != nil || again != h {
			t.Fatalf("%q parsed to %+v whose String %q parses to %+v, %v", s, h, h.String(), again, err)
		}
	})
}
