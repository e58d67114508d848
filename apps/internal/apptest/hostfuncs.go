package apptest

import (
	"net/url"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	httpfn "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
)

// NewHTTPClient returns the http_request client built from cfg, closed when tb ends.
func NewHTTPClient(tb testing.TB, cfg httpfn.Config) *httpfn.Client {
	tb.Helper()
	client, err := httpfn.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(client.Close)
	return client
}

// HostFuncs binds an installation's host functions as the server does:
// http_request through client under m's allow-list (expanded with keys) with
// the credential injected from v, and vault_get when m grants it (reveals
// recorded in audit).
func HostFuncs(tb testing.TB, m *abi.Manifest, keys map[string]string, client *httpfn.Client, v *vault.Vault, ref vault.InstallationRef, audit *AuditLog) map[string]hostfuncs.Func {
	tb.Helper()
	hosts, err := abi.ExpandAllowedHosts(m.Permissions.HTTP.AllowedHosts, keys)
	if err != nil {
		tb.Fatalf("expand allowedHosts: %v", err)
	}
	list, err := httpfn.ParseAllowList(hosts)
	if err != nil {
		tb.Fatalf("allow-list %v: %v", hosts, err)
	}
	fs := map[string]hostfuncs.Func{
		abi.ImportHTTPRequest: client.Func(httpfn.Grant{
			Installation:  ref.ID,
			AllowList:     list,
			Authenticator: v.Authenticator(ref, m.Credential),
		}),
	}
	if p := m.Permissions.Vault; p != nil {
		fs[abi.ImportVaultGet] = v.Func(vault.Grant{Installation: ref, Reveal: p.Reveal, Audit: audit})
	}
	return fs
}

// HostPort returns the host:port of a server URL.
func HostPort(tb testing.TB, raw string) string {
	tb.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return u.Host
}
