// Command schemagen writes the JSON Schemas of package abi into abi/schema.
// Run it through `go generate ./abi`.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/slotbox/slotbox/abi/internal/schemagen"
)

func main() {
	if err := run("schema"); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

// run replaces the .json files in dir with freshly generated ones.
func run(dir string) error {
	files, err := schemagen.Generate(".")
	if err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if _, keep := files[filepath.Base(f)]; !keep {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
