package apptest

import (
	"context"
	"net/url"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	httpfn "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/appstore"
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

// HostFuncs binds an installation's host functions with the server's own
// appstore.Binder: http_request through client under m's allow-list
// (expanded with the keys stored in v) with the credential injected from v,
// and vault_get when m grants it (reveals recorded in audit). The apps using
// it grant no kv.
func HostFuncs(tb testing.TB, m *abi.Manifest, keys map[string]string, client *httpfn.Client, v *vault.Vault, ref vault.InstallationRef, audit *AuditLog) map[string]hostfuncs.Func {
	tb.Helper()
	binding := appstore.Binding{Installation: ref.ID, App: ref.App, Manifest: m}
	if keys != nil {
		binding.KeyHosts = true
	} else {
		list, err := httpfn.ParseAllowList(m.Permissions.HTTP.AllowedHosts)
		if err != nil {
			tb.Fatalf("allow-list: %v", err)
		}
		binding.AllowList = list
	}
	fs, err := appstore.NewBinder(client, v, nil, audit).Bind(context.Background(), binding)
	if err != nil {
		tb.Fatalf("bind host functions: %v", err)
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
