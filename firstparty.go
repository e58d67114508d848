// Package slotbox embeds the first-party apps into the binary: the manifest
// of every app under apps/ and its module built under testdata/wasm/apps/.
// The server registers them at start (see internal/appstore).
package slotbox

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

//go:embed apps/*/config.json
var appConfigs embed.FS

//go:embed testdata/wasm/apps
var appModules embed.FS

// moduleDir is where the first-party modules are built, as <slug>.wasm.
const moduleDir = "testdata/wasm/apps"

// FirstPartyApp is one embedded first-party app.
type FirstPartyApp struct {
	// Slug is the name of the app's folder under apps/.
	Slug string
	// Config is its config.json.
	Config []byte
	// Wasm is its module, testdata/wasm/apps/<slug>.wasm.
	Wasm []byte
}

// FirstPartyApps returns every app under apps/ whose module is built, in
// slug order. An app folder without a module is left out; the package's
// test makes sure there is none.
func FirstPartyApps() ([]FirstPartyApp, error) {
	return firstPartyApps(appConfigs, appModules)
}

// firstPartyApps reads apps/<slug>/config.json from configs and
// testdata/wasm/apps/<slug>.wasm from modules.
func firstPartyApps(configs, modules fs.FS) ([]FirstPartyApp, error) {
	dirs, err := fs.ReadDir(configs, "apps")
	if err != nil {
		return nil, fmt.Errorf("first-party apps: %w", err)
	}
	var out []FirstPartyApp
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		slug := d.Name()
		cfg, err := fs.ReadFile(configs, path.Join("apps", slug, "config.json"))
		if err != nil {
			return nil, fmt.Errorf("first-party app[%s]: %w", slug, err)
		}
		wasm, err := fs.ReadFile(modules, path.Join(moduleDir, slug+".wasm"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("first-party app[%s] module: %w", slug, err)
		}
		out = append(out, FirstPartyApp{Slug: slug, Config: cfg, Wasm: wasm})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out, nil
}

// missingModules returns the app folders under apps/ in configs that have
// no module in modules.
func missingModules(configs, modules fs.FS) ([]string, error) {
	dirs, err := fs.ReadDir(configs, "apps")
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		if _, err := fs.Stat(modules, path.Join(moduleDir, d.Name()+".wasm")); err != nil {
			missing = append(missing, d.Name())
		}
	}
	return missing, nil
}
