package apptest

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime"
)

// ConfigPath is the app's manifest, relative to its folder.
const ConfigPath = "config.json"

// ModulePath is the built module of app slug, relative to the app's folder.
func ModulePath(slug string) string { return "../../testdata/wasm/apps/" + slug + ".wasm" }

// ReadModule reads the built module of app slug.
func ReadModule(tb testing.TB, slug string) []byte {
	tb.Helper()
	wasm, err := os.ReadFile(ModulePath(slug))
	if err != nil {
		tb.Fatalf("read the built module (run apps/%s/build.sh): %v", slug, err)
	}
	return wasm
}

// EngineConfig is the runtime's default but for a wall-clock limit a loaded CI machine cannot hit.
func EngineConfig() runtime.Config { return runtime.NewConfig().WithTimeout(30 * time.Second) }

// ReadManifest parses the manifest at path as an upload does.
func ReadManifest(path string) (*abi.Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return abi.ParseManifest(b)
}

// Manifest is ReadManifest failing tb on error.
func Manifest(tb testing.TB, path string) *abi.Manifest {
	tb.Helper()
	m, err := ReadManifest(path)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return m
}

// KeyHostManifest is the manifest at path with its HTTP grant pointed at the key field ({{keys.field}}), everything else unchanged.
func KeyHostManifest(tb testing.TB, path, field string) *abi.Manifest {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		tb.Fatal(err)
	}
	perms, ok1 := doc["permissions"].(map[string]any)
	schema, ok2 := doc["keysSchema"].(map[string]any)
	if !ok1 || !ok2 {
		tb.Fatalf("%s: no permissions or keysSchema object", path)
	}
	props, ok := schema["properties"].(map[string]any)
	if !ok {
		tb.Fatalf("%s: keysSchema has no properties object", path)
	}
	perms["http"] = map[string]any{"allowedHosts": []string{fmt.Sprintf("{{keys.%s}}", field)}}
	props[field] = map[string]any{"type": "string"}
	if b, err = json.Marshal(doc); err != nil {
		tb.Fatal(err)
	}
	m, err := abi.ParseManifest(b)
	if err != nil {
		tb.Fatalf("test manifest: %v", err)
	}
	return m
}
