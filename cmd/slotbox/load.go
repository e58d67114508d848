package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/slotbox/slotbox/abi"
)

// appFiles are the two files of an app.
type appFiles struct {
	configPath, wasmPath string
}

// resolveApp turns PATH (a folder, or config.json and app.wasm in any
// order) into the app's two files.
func resolveApp(paths []string) (appFiles, error) {
	switch len(paths) {
	case 1:
		st, err := os.Stat(paths[0])
		if err != nil {
			return appFiles{}, err
		}
		if !st.IsDir() {
			return appFiles{}, fmt.Errorf("%s: give the app folder, or its config.json and .wasm", paths[0])
		}
		return appFiles{configPath: filepath.Join(paths[0], "config.json"), wasmPath: filepath.Join(paths[0], "app.wasm")}, nil
	case 2:
		a, b := paths[0], paths[1]
		if strings.HasSuffix(a, ".wasm") {
			a, b = b, a
		}
		if !strings.HasSuffix(b, ".wasm") {
			return appFiles{}, fmt.Errorf("one of %s and %s must be a .wasm file", paths[0], paths[1])
		}
		return appFiles{configPath: a, wasmPath: b}, nil
	}
	return appFiles{}, fmt.Errorf("want PATH (a folder) or CONFIG WASM, got %d paths", len(paths))
}

// loadApp reads both files; the manifest's problems come back as
// abi.Problems, read errors as plain errors.
func loadApp(f appFiles) (*abi.Manifest, []byte, error) {
	cfg, err := os.ReadFile(f.configPath)
	if err != nil {
		return nil, nil, fmt.Errorf("read manifest: %w", err)
	}
	wasm, err := os.ReadFile(f.wasmPath)
	if err != nil {
		return nil, nil, fmt.Errorf("read module: %w", err)
	}
	m, err := abi.ParseManifest(cfg)
	if err != nil {
		return m, wasm, err
	}
	return m, wasm, nil
}
