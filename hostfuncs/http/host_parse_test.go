package http

import (
	"testing"
)

func TestParseHost(t *testing.T) {
	tests := []struct {
		in, want string // want "" means refused
	}{
		{"api.example.com", "api.example.com"},
		{"API.Example.COM.", "api.example.com"},
		{"xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"1password.com", "1password.com"},
		{"123.example.com", "123.example.com"},
		{"0x7f.example.com", "0x7f.example.com"},
		{"localhost", "localhost"},
		{"127.0.0.1", "127.0.0.1"},
		{"8.8.8.8.", "8.8.8.8"},
		{"[::1]", "[::1]"},
		{"[::ffff:127.0.0.1]", "[::ffff:127.0.0.1]"},
		{"[2001:DB8::1]", "[2001:db8::1]"},
		{"", ""},
		{".", ""},
		{"bücher.example", ""},
		{"a..b", ""},
		{".example.com", ""},
		{"example.com..", ""},
		{"-a.example.com", ""},
		{"a-.example.com", ""},
		{"a_b.example.com", ""},
		{"exa mple.com", ""},
		{"2130706433", ""},
		{"0177.0.0.1", ""},
		{"0x7f.1", ""},
		{"0x7f000001", ""},
		{"127.1", ""},
		{"127.0.1", ""},
		{"127.000.000.001", ""},
		{"1.2.3.4.5", ""},
		{"256.0.0.1", ""},
		{"example.0x10", ""},
		{"example.123", ""},
		{"::1", ""},
		{"[::1", ""},
		{"[fe80::1%eth0]", ""},
		{"[127.0.0.1]", ""},
		{"[v1.fe]", ""},
		{string(make([]byte, 64)) + ".com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, err := parseHost(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("parseHost(%q) = %q, want error", tt.in, h)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseHost(%q): %v", tt.in, err)
			}
			if h.String() != tt.want {
				t.Fatalf("parseHost(%q) = %q, want %q", tt.in, h, tt.want)
			}
		})
	}
}

func TestParsePort(t *testing.T) {
	for _, s := range []string{"", "0", "0443", "65536", "-1", "+80", "8a", "123456"} {
		if _, err := parsePort(s); err == nil {
			t.Errorf("parsePort(%q) accepted", s)
		}
	}
	for s, want := range map[string]int{"1": 1, "443": 443, "65535": 65535} {
		if got, err := parsePort(s); err != nil || got != want {
			t.Errorf("parsePort(%q) = %d, %v", s, got, err)
		}
	}
}
