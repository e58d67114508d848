package http

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

func TestParseAllowListRefuses(t *testing.T) {
	for _, e := range []string{
		"", " api.example.com", "*", "*.com", "*.*.example.com", "api.*.example.com", "a*.example.com",
		"*.127.0.0.1", "*.[::1]", "ftp://api.example.com", "*://api.example.com", "https://api.example.com/",
		"https://api.example.com/v1", "user@api.example.com", "api.example.com?x", "api.example.com:*",
		"api.example.com:8000..8100", "api.example.com:0", "api.example.com:65536", "api.example.com:",
		"self", "10.0.0.0/8", "::1", "[::1", "[::1]x", "bücher.example", "2130706433", "0177.0.0.1",
		"127.1", "0x7f.1", "a_b.example.com", "api.example.com:08080",
	} {
		if _, err := ParseAllowList([]string{"ok.example.com", e}); err == nil {
			t.Errorf("ParseAllowList accepted %q", e)
		} else if !strings.Contains(err.Error(), "allowedHosts[1]") {
			t.Errorf("error %q does not name the entry", err)
		}
	}
	many := make([]string, abi.MaxAllowedHosts+1)
	for i := range many {
		many[i] = "a.example.com"
	}
	if _, err := ParseAllowList(many); err == nil {
		t.Error("ParseAllowList accepted too many entries")
	}
}

func TestAllowListAllows(t *testing.T) {
	tests := []struct {
		entry string
		yes   []string
		no    []string
	}{
		{"api.example.com",
			[]string{"https://api.example.com/", "https://API.EXAMPLE.com./x?y", "https://api.example.com:443/"},
			[]string{"http://api.example.com/", "https://api.example.com:8443/", "https://x.api.example.com/", "https://example.com/", "https://api.example.com.evil.com/", "https://user@api.example.com/"}},
		{"api.example.com:8443",
			[]string{"https://api.example.com:8443/"},
			[]string{"https://api.example.com/", "http://api.example.com:8443/"}},
		{"http://api.example.com",
			[]string{"http://api.example.com/", "http://api.example.com:80/"},
			[]string{"https://api.example.com/", "http://api.example.com:8080/"}},
		{"HTTPS://Api.Example.Com.:444",
			[]string{"https://api.example.com:444/"},
			[]string{"https://api.example.com/"}},
		{"*.example.com",
			[]string{"https://a.example.com/", "https://a.b.example.com/", "https://A.Example.com./"},
			[]string{"https://example.com/", "https://example.com./", "https://aexample.com/", "https://a.example.com:444/", "https://a.example.com.evil/", "http://a.example.com/"}},
		{"127.0.0.1:8443",
			[]string{"https://127.0.0.1:8443/", "https://[::ffff:127.0.0.1]:8443/"},
			[]string{"https://127.0.0.1/", "https://127.1:8443/", "https://2130706433:8443/", "https://0177.0.0.1:8443/", "https://[::ffff:7f00:2]:8443/", "https://localhost:8443/"}},
		{"[::1]:8443",
			[]string{"https://[::1]:8443/", "https://[0:0::1]:8443/"},
			[]string{"https://[::1]/", "https://127.0.0.1:8443/", "https://[::1%25lo]:8443/"}},
		{"xn--bcher-kva.example",
			[]string{"https://xn--bcher-kva.example/", "https://XN--BCHER-KVA.example/"},
			[]string{"https://bücher.example/", "https://b%C3%BCcher.example/"}},
	}
	for _, tt := range tests {
		t.Run(tt.entry, func(t *testing.T) {
			l, err := ParseAllowList([]string{tt.entry})
			if err != nil {
				t.Fatal(err)
			}
			for _, raw := range tt.yes {
				if !l.Allows(mustURL(t, raw)) {
					t.Errorf("%q does not allow %q", tt.entry, raw)
				}
			}
			for _, raw := range tt.no {
				if u, err := url.Parse(raw); err == nil && l.Allows(u) {
					t.Errorf("%q allows %q", tt.entry, raw)
				}
			}
		})
	}
}

func TestAllowListZeroDeniesAll(t *testing.T) {
	var l AllowList
	if l.Allows(mustURL(t, "https://api.example.com/")) {
		t.Fatal("zero AllowList allowed a URL")
	}
	if l.Allows(nil) {
		t.Fatal("zero AllowList allowed nil")
	}
}

func TestAnyHost(t *testing.T) {
	l := AnyHost()
	if !l.Allows(mustURL(t, "https://hooks.example.org:8443/x")) {
		t.Fatal("AnyHost refused a public URL")
	}
	cfg := NewConfig()
	for raw, code := range map[string]abi.Code{
		"http://hooks.example.org/": abi.CodePermissionDenied,
		"https://127.0.0.1/":        abi.CodePermissionDenied,
		"https://127.1/":            abi.CodeInvalidInput,
		"https://u:p@example.org/":  abi.CodeInvalidInput,
	} {
		if got := errCode(CheckURL(raw, l, cfg)); got != code {
			t.Errorf("CheckURL(%q, AnyHost) = %q, want %q", raw, got, code)
		}
	}
}

func TestCheckURL(t *testing.T) {
	l, err := ParseAllowList([]string{"api.example.com", "http://plain.example.com", "127.0.0.1:8443", "[::1]:8443", "[::ffff:127.0.0.1]:8443"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  Config
		raw  string
		want abi.Code // "" = allowed
	}{
		{"allowed", NewConfig(), "https://api.example.com/v1?q=1", ""},
		{"not listed", NewConfig(), "https://evil.example.com/", abi.CodePermissionDenied},
		{"http refused by default", NewConfig(), "http://plain.example.com/", abi.CodePermissionDenied},
		{"http allowed by operator", NewConfig().WithAllowHTTP(true), "http://plain.example.com/", ""},
		{"http not listed", NewConfig().WithAllowHTTP(true), "http://api.example.com/", abi.CodePermissionDenied},
		{"relative", NewConfig(), "/v1", abi.CodeInvalidInput},
		{"empty", NewConfig(), "", abi.CodeInvalidInput},
		{"too long", NewConfig(), "https://api.example.com/" + strings.Repeat("a", maxURLBytes), abi.CodeInvalidInput},
		{"userinfo", NewConfig(), "https://user:pw@api.example.com/", abi.CodeInvalidInput},
		{"ftp", NewConfig(), "ftp://api.example.com/", abi.CodeInvalidInput},
		{"javascript", NewConfig(), "javascript:alert(1)", abi.CodeInvalidInput},
		{"decimal ip", NewConfig(), "https://2130706433:8443/", abi.CodeInvalidInput},
		{"octal ip", NewConfig(), "https://0177.0.0.1:8443/", abi.CodeInvalidInput},
		{"hex ip", NewConfig(), "https://0x7f.1:8443/", abi.CodeInvalidInput},
		{"short ip", NewConfig(), "https://127.1:8443/", abi.CodeInvalidInput},
		{"loopback literal listed", NewConfig(), "https://127.0.0.1:8443/", abi.CodePermissionDenied},
		{"loopback v6 listed", NewConfig(), "https://[::1]:8443/", abi.CodePermissionDenied},
		{"mapped loopback listed", NewConfig(), "https://[::ffff:127.0.0.1]:8443/", abi.CodePermissionDenied},
		{"loopback exempted", NewConfig().WithAllowNet("127.0.0.1:8443"), "https://127.0.0.1:8443/", ""},
		{"mapped loopback exempted", NewConfig().WithAllowNet("127.0.0.0/8"), "https://[::ffff:127.0.0.1]:8443/", ""},
		{"exemption other port", NewConfig().WithAllowNet("127.0.0.1:9"), "https://127.0.0.1:8443/", abi.CodePermissionDenied},
		{"zone", NewConfig(), "https://[::1%25lo]:8443/", abi.CodeInvalidInput},
		{"empty port", NewConfig(), "https://api.example.com:/", abi.CodeInvalidInput},
		{"leading zero port", NewConfig(), "https://api.example.com:0443/", abi.CodeInvalidInput},
		{"percent host", NewConfig(), "https://%61pi.example.com/", abi.CodeInvalidInput},
		{"backslash", NewConfig(), "https://api.example.com\\@evil.com/", abi.CodeInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errCode(CheckURL(tt.raw, l, tt.cfg)); got != tt.want {
				t.Fatalf("CheckURL(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

// mustURL parses raw or fails the test.
func mustURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// errCode returns err's abi code, "" for nil and "NOT_ABI" otherwise.
func errCode(err error) abi.Code {
	if err == nil {
		return ""
	}
	var ae *abi.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return "NOT_ABI"
}
