package attio_test

// The harness (apps/internal/apptest) runs the BUILT module
// testdata/wasm/apps/attio.wasm in runtime.Engine with the real host functions.
// api.attio.com cannot resolve to the loopback fake, so every http_request the
// guest makes must name https://api.attio.com and is re-pointed at the fake; what
// differs from production is only the manifest:
//   - testManifest: config.json with allowedHosts ["{{keys.apiBase}}"] and an
//     apiBase key naming the fake, so the real allow-list admits it;
//   - config.json itself, under which the redirected request is refused with
//     PERMISSION_DENIED (TestRealManifestRefusesOtherHosts).

import (
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/internal/apptest"
)

const (
	slug = "attio"
	// realOrigin is the only origin the app may name.
	realOrigin = "https://api.attio.com"
	// testAPIKey is the installation's key; it must never reach the guest.
	testAPIKey = "b5e1d7c3a9f2e4b6d8c0a2e4f6b8d0c2e4a6b8d0f2c4e6a8b0d2f4a6c8e0b2d4"
)

// modules holds the module compiled once per manifest for the test binary.
var modules = apptest.Modules{Slug: slug}

// realManifest parses config.json as an upload does.
func realManifest(tb testing.TB) *abi.Manifest { return apptest.Manifest(tb, apptest.ConfigPath) }

// testManifest is config.json with the HTTP grant pointed at an apiBase key.
func testManifest(tb testing.TB) *abi.Manifest {
	return apptest.KeyHostManifest(tb, apptest.ConfigPath, "apiBase")
}

// env is one installation of the app against a fresh fake Attio.
type env struct {
	*apptest.Redirected
	fake *fakeAttio
}

// newEnv installs the app under the test manifest against a new fake.
func newEnv(tb testing.TB) *env {
	tb.Helper()
	return newEnvWith(tb, "test", testManifest(tb), false)
}

// newEnvWith installs the app under manifest m (compiled as name); with
// unthrottled, the per-installation request rate limit is off.
func newEnvWith(tb testing.TB, name string, m *abi.Manifest, unthrottled bool) *env {
	tb.Helper()
	fake := newFakeAttio(testAPIKey)
	r := apptest.NewRedirected(tb, modules.Compile(tb, name, m), m, realOrigin, map[string]string{"api_key": testAPIKey}, fake, unthrottled)
	return &env{Redirected: r, fake: fake}
}
