package main_test

// The harness (apps/internal/apptest) loads the BUILT module
// testdata/wasm/apps/btcpayserver.wasm into runtime.Engine and calls it with the
// real host functions: hostfuncs/http (the operator allowing the loopback
// peer with WithAllowNet and plain http with WithAllowHTTP, exactly as a
// self-hoster's --allow-net would) and hostfuncs/vault over a SQLite
// credential store, which attaches the installation's API key as the
// Authorization header.

import (
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/internal/apptest"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/runtime"
)

const slug = "btcpayserver"

// modules holds the module compiled once for the test binary.
var modules = apptest.Modules{Slug: slug}

// loadModule returns the built module compiled under config.json, and the manifest.
func loadModule(tb testing.TB) (*runtime.App, *abi.Manifest) { return modules.Load(tb) }

// readManifest parses config.json as an upload would.
func readManifest() (*abi.Manifest, error) { return apptest.ReadManifest(apptest.ConfigPath) }

// harness is one installation of the app with its host functions.
type harness = apptest.Installed

// newHarness installs the app with keys; allowNet are the operator's
// exemptions from the address policy ("127.0.0.1:PORT").
func newHarness(tb testing.TB, keys map[string]string, allowNet ...string) *harness {
	tb.Helper()
	return modules.Install(tb, keys, hhttp.NewConfig().WithAllowHTTP(true).WithAllowNet(allowNet...).
		WithRateLimit(1000, 1000).WithMaxConcurrent(16))
}
