package slotbox

import (
	"testing"
	"testing/fstest"

	"github.com/slotbox/slotbox/abi"
)

// TestEveryAppHasItsModule fails when an apps/<slug>/ folder with a
// config.json has no built module at testdata/wasm/apps/<slug>.wasm.
func TestEveryAppHasItsModule(t *testing.T) {
	missing, err := missingModules(appConfigs, appModules)
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range missing {
		t.Errorf("apps/%s has no module: build testdata/wasm/apps/%s.wasm (just guests)", slug, slug)
	}
}

// TestFirstPartyApps checks every embedded app: its manifest parses, its
// slug is its folder's name, and its module is not empty.
func TestFirstPartyApps(t *testing.T) {
	apps, err := FirstPartyApps()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		m, err := abi.ParseManifest(a.Config)
		if err != nil {
			t.Errorf("apps/%s/config.json: %v", a.Slug, err)
			continue
		}
		if m.Slug != a.Slug {
			t.Errorf("apps/%s/config.json has slug %q; want the folder's name", a.Slug, m.Slug)
		}
		if len(a.Wasm) < 8 {
			t.Errorf("testdata/wasm/apps/%s.wasm is %d bytes", a.Slug, len(a.Wasm))
		}
	}
}

func TestFirstPartyAppsFS(t *testing.T) {
	configs := fstest.MapFS{
		"apps/zeta/config.json":  {Data: []byte(`{"z":1}`)},
		"apps/alpha/config.json": {Data: []byte(`{"a":1}`)},
		"apps/nomod/config.json": {Data: []byte(`{}`)},
		"apps/README.md":         {Data: []byte(`# apps`)},
	}
	modules := fstest.MapFS{
		"testdata/wasm/apps/zeta.wasm":  {Data: []byte("\x00asm z")},
		"testdata/wasm/apps/alpha.wasm": {Data: []byte("\x00asm a")},
		"testdata/wasm/apps/README.md":  {Data: []byte("# modules")},
	}
	got, err := firstPartyApps(configs, modules)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Slug != "alpha" || got[1].Slug != "zeta" ||
		string(got[0].Config) != `{"a":1}` || string(got[1].Wasm) != "\x00asm z" {
		t.Fatalf("got %+v", got)
	}
	missing, err := missingModules(configs, modules)
	if err != nil || len(missing) != 1 || missing[0] != "nomod" {
		t.Fatalf("missing = %v, %v; want [nomod]", missing, err)
	}
}
