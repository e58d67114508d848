//go:build !wasip1

package abi

import (
	"embed"
	"errors"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The JSON Schemas (draft 2020-12) of every method's input and result and of
// the manifest, generated from the Go types by `go generate ./abi`.
//
//go:embed schema/*.json
var schemaFiles embed.FS

// ErrUnknownMethod is returned for a method name not in the catalogue.
var ErrUnknownMethod = errors.New("unknown method")

// Schema files are compiled on first use, once each. The map is built at
// package initialisation and never written afterwards; each entry guards its
// own compiled, read-only schema.
var compiled = func() map[string]*lazySchema {
	files := map[string]*lazySchema{manifestSchemaFile: {file: manifestSchemaFile}}
	for _, m := range methods {
		for _, f := range []string{inputFile(m.Name), resultFile(m.Name)} {
			files[f] = &lazySchema{file: f}
		}
	}
	return files
}()

const manifestSchemaFile = "manifest.json"

func inputFile(method string) string  { return method + ".input.json" }
func resultFile(method string) string { return method + ".result.json" }

// lazySchema is one schema file, compiled on first use.
type lazySchema struct {
	file string
	once sync.Once
	sch  *jsonschema.Schema
	err  error
}

func (l *lazySchema) get() (*jsonschema.Schema, error) {
	l.once.Do(func() {
		raw, err := schemaFiles.ReadFile("schema/" + l.file)
		if err != nil {
			l.err = fmt.Errorf("schema[%s] missing: run go generate ./abi: %w", l.file, err)
			return
		}
		l.sch, l.err = compileSchema("https://github.com/slotbox/slotbox/abi/schema/"+l.file, raw)
	})
	return l.sch, l.err
}

// InputSchema returns the JSON Schema of a method's input, nil for an unknown
// method. The slice is the caller's.
func InputSchema(method string) []byte { return readSchema(method, inputFile) }

// ResultSchema returns the JSON Schema of a method's ok result, nil for an
// unknown method. The slice is the caller's.
func ResultSchema(method string) []byte { return readSchema(method, resultFile) }

// ManifestSchema returns the JSON Schema of config.json's structure. Rules
// across fields (type from slug, hosts, keys) are Manifest.Validate's.
func ManifestSchema() []byte {
	b, _ := schemaFiles.ReadFile("schema/" + manifestSchemaFile)
	return b
}

func readSchema(method string, file func(string) string) []byte {
	if _, ok := LookupMethod(method); !ok {
		return nil
	}
	b, err := schemaFiles.ReadFile("schema/" + file(method))
	if err != nil {
		return nil
	}
	return b
}

// ValidateInput checks a method's input JSON against the method's schema.
// Inputs are closed: an unknown field is a problem. The error is a
// *ValidationError listing every problem, or wraps ErrUnknownMethod.
func ValidateInput(method string, input []byte) error {
	return validate(method, "input", inputFile, input)
}

// ValidateResult checks the ok result a guest returned against the method's
// schema. Results are open: an app may add fields, but the fields the
// contract names must have the right types. The error is a *ValidationError
// listing every problem, or wraps ErrUnknownMethod.
func ValidateResult(method string, result []byte) error {
	return validate(method, "result", resultFile, result)
}

func validate(method, part string, file func(string) string, data []byte) error {
	l, ok := compiled[file(method)]
	if !ok {
		return fmt.Errorf("validate method[%s] %s: %w", method, part, ErrUnknownMethod)
	}
	sch, err := l.get()
	if err != nil {
		return fmt.Errorf("validate method[%s] %s: %w", method, part, err)
	}
	if ps := validateDoc(sch, data); len(ps) > 0 {
		return &ValidationError{Method: method, Part: part, Problems: ps}
	}
	return nil
}

// validateManifestSchema checks a manifest's structure: every field of the
// wrong type, with its path.
func validateManifestSchema(data []byte) Problems {
	sch, err := compiled[manifestSchemaFile].get()
	if err != nil {
		return Problems{{Message: err.Error()}}
	}
	return validateDoc(sch, data)
}
