package main_test

// The harness (apps/internal/apptest) loads the BUILT module
// testdata/wasm/apps/applecalendar.wasm into runtime.Engine and calls it with
// the real host functions: hostfuncs/http, with a resolver the test controls
// so nothing leaves the machine, and hostfuncs/vault over a SQLite
// credential store, which attaches the Apple ID and password as basic auth.

import (
	"context"
	"net"
	"net/netip"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/internal/apptest"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/runtime"
)

const slug = "applecalendar"

// modules holds the module compiled once for the test binary.
var modules = apptest.Modules{Slug: slug}

// loadModule returns the built module compiled under config.json, and the manifest.
func loadModule(tb testing.TB) (*runtime.App, *abi.Manifest) { return modules.Load(tb) }

// readManifest parses config.json as an upload would.
func readManifest() (*abi.Manifest, error) { return apptest.ReadManifest(apptest.ConfigPath) }

// resolver answers names from a table and says "no such host" for the
// rest; it never sends a DNS query.
type resolver map[string][]netip.Addr

// LookupNetIP implements hhttp.Resolver.
func (r resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// harness is one installation of the app with its host functions.
type harness = apptest.Installed

// newHarness installs the app with keys (no credential at all when keys is
// nil) behind an HTTP client resolving names with res.
func newHarness(tb testing.TB, keys map[string]string, res resolver) *harness {
	tb.Helper()
	return modules.Install(tb, keys, hhttp.NewConfig().WithResolver(res).WithRateLimit(1000, 1000))
}
