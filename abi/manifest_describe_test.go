package abi_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

func TestPermissionsDescribe(t *testing.T) {
	p := abi.Permissions{
		HTTP: &abi.HTTPPermission{AllowedHosts: []string{
			"api.attio.com", "*.example.net:8443", "http://legacy.example.org", "10.0.0.5", "bad host",
		}},
		Vault: &abi.VaultPermission{Reveal: []string{"webhook_secret"}},
		KV:    true,
	}
	want := []string{
		"May send HTTPS requests to api.attio.com",
		"May send HTTPS requests to any subdomain of example.net on port 8443",
		"May send unencrypted HTTP requests to legacy.example.org",
		"May send HTTPS requests to the IP address 10.0.0.5, if the server's address policy lets it reach that address",
		`May send HTTP requests to "bad host" (an invalid entry, never matched)`,
		"May read the webhook_secret field of its credential in clear",
		fmt.Sprintf("May store up to %d keys of data, %d KiB each at most", abi.KVMaxKeys, abi.KVMaxValueBytes>>10),
	}
	if got := p.Describe(); !slices.Equal(got, want) {
		t.Errorf("Describe() =\n%q\nwant\n%q", got, want)
	}
	if got := (abi.Permissions{}).Describe(); got != nil {
		t.Errorf("Describe() of no permissions = %q, want nil", got)
	}
}
