// Package schemagen generates the JSON Schemas of package abi from its Go
// types: one input and one result schema per method of abi.Methods, and the
// schema of the manifest. abi embeds what it writes; `go generate ./abi`
// rewrites the files and a test in abi fails when they drift.
package schemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/invopop/jsonschema"
	"github.com/slotbox/slotbox/abi"
)

// BaseID prefixes the $id of every generated schema: the file's place in the
// repository.
const BaseID = "https://github.com/slotbox/slotbox/abi/schema/"

// ManifestFile is the file name of the manifest schema.
const ManifestFile = "manifest.json"

const abiImportPath = "github.com/slotbox/slotbox/abi"

// InputFile and ResultFile name the schema files of a method.
func InputFile(method string) string { return method + ".input.json" }

// ResultFile names the result schema file of a method.
func ResultFile(method string) string { return method + ".result.json" }

// Generate returns every schema file, keyed by file name. srcDir is the abi
// package's directory relative to the working directory ("." when run from
// it); its doc comments become the schemas' descriptions.
func Generate(srcDir string) (map[string][]byte, error) {
	comments := &jsonschema.Reflector{}
	if err := comments.AddGoComments(abiImportPath, srcDir); err != nil {
		return nil, fmt.Errorf("read doc comments in %s: %w", srcDir, err)
	}
	inputs := newReflector(comments.CommentMap, false)
	results := newReflector(comments.CommentMap, true)

	files := map[string][]byte{}
	for _, m := range abi.Methods() {
		in, err := render(inputs, m.Input, InputFile(m.Name), m.Name+" input")
		if err != nil {
			return nil, err
		}
		out, err := render(results, m.Result, ResultFile(m.Name), m.Name+" result")
		if err != nil {
			return nil, err
		}
		files[InputFile(m.Name)], files[ResultFile(m.Name)] = in, out
	}
	man, err := renderManifest(comments.CommentMap)
	if err != nil {
		return nil, err
	}
	files[ManifestFile] = man
	return files, nil
}

// newReflector returns a reflector that requires only fields tagged
// jsonschema:"required", inlines the root type and knows abi's enums. Inputs
// are closed (an unknown field is an error); results are open, so an app
// may add fields of its own.
func newReflector(comments map[string]string, open bool) *jsonschema.Reflector {
	return &jsonschema.Reflector{
		Anonymous:                  true,
		ExpandedStruct:             true,
		RequiredFromJSONSchemaTags: true,
		AllowAdditionalProperties:  open,
		Mapper:                     mapType,
		CommentMap:                 comments,
	}
}

// enumer is implemented by abi's enumerations.
type enumer interface{ EnumValues() []any }

var (
	enumerType     = reflect.TypeFor[enumer]()
	credentialType = reflect.TypeFor[abi.Credential]()
)

// mapType supplies the schemas reflection cannot derive: enumerations and
// the credential's custom JSON.
func mapType(t reflect.Type) *jsonschema.Schema {
	switch {
	case t == credentialType:
		return credentialSchema()
	case t.Implements(enumerType):
		s := &jsonschema.Schema{Enum: reflect.Zero(t).Interface().(enumer).EnumValues()}
		switch t.Kind() {
		case reflect.String:
			s.Type = "string"
		default:
			s.Type = "integer"
		}
		return s
	}
	return nil
}

func credentialSchema() *jsonschema.Schema {
	header := jsonschema.NewProperties()
	header.Set("header", &jsonschema.Schema{Type: "string", Description: "The header the secret is sent in."})
	props := jsonschema.NewProperties()
	props.Set("inject", &jsonschema.Schema{
		Description: `How the host attaches the secret: "bearer", "basic" or {"header": NAME}.`,
		OneOf: []*jsonschema.Schema{
			{Type: "string", Enum: []any{abi.InjectBearer, abi.InjectBasic}},
			{Type: "object", Properties: header, Required: []string{"header"}, AdditionalProperties: jsonschema.FalseSchema},
		},
	})
	props.Set("field", &jsonschema.Schema{Type: "string", Description: "The keysSchema property holding the secret (for basic: the password)."})
	props.Set("usernameField", &jsonschema.Schema{Type: "string", Description: "For basic: the keysSchema property holding the user name."})
	return &jsonschema.Schema{
		Type:                 "object",
		Description:          "How the host attaches an installation's secret to requests the app makes with \"auth\":\"credential\".",
		Properties:           props,
		AdditionalProperties: jsonschema.FalseSchema,
	}
}

// render reflects v into a schema document.
func render(r *jsonschema.Reflector, v any, file, title string) ([]byte, error) {
	s := r.Reflect(v)
	s.ID = jsonschema.ID(BaseID + file)
	s.Title = title
	return marshal(s, file)
}

// renderManifest reflects abi.Manifest: open at the top and in Cal.com's
// blocks (configs carry extra keys), closed in the blocks Slotbox adds, where
// a misspelt key would silently grant nothing.
func renderManifest(comments map[string]string) ([]byte, error) {
	s := newReflector(comments, true).Reflect(abi.Manifest{})
	for _, name := range []string{"Permissions", "HTTPPermission", "VaultPermission", "OAuthConfig"} {
		def, ok := s.Definitions[name]
		if !ok {
			return nil, fmt.Errorf("manifest schema has no definition %s", name)
		}
		def.AdditionalProperties = jsonschema.FalseSchema
	}
	s.ID = jsonschema.ID(BaseID + ManifestFile)
	s.Title = "Slotbox app manifest (config.json)"
	return marshal(s, ManifestFile)
}

func marshal(s *jsonschema.Schema, file string) ([]byte, error) {
	s = nullable(s)
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("marshal %s: %w", file, err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, fmt.Errorf("indent %s: %w", file, err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// nullable rewrites what the "nullable" tag produces, {"oneOf": [T, {"type":
// "null"}]}, into {"type": [T, "null"]} when T is a plain type: shorter, and
// a failure reads "want string or null" instead of two branch errors.
// References keep the oneOf.
func nullable(s *jsonschema.Schema) *jsonschema.Schema {
	if s == nil {
		return nil
	}
	for k, d := range s.Definitions {
		s.Definitions[k] = nullable(d)
	}
	if s.Properties != nil {
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			p.Value = nullable(p.Value)
		}
	}
	s.Items = nullable(s.Items)
	if s.AdditionalProperties != nil && s.AdditionalProperties != jsonschema.FalseSchema && s.AdditionalProperties != jsonschema.TrueSchema {
		s.AdditionalProperties = nullable(s.AdditionalProperties)
	}
	for i, o := range s.OneOf {
		s.OneOf[i] = nullable(o)
	}
	if len(s.OneOf) != 2 || s.OneOf[1].Type != "null" {
		return s
	}
	t := s.OneOf[0]
	if t.Ref != "" || t.Type == "" || len(t.OneOf) > 0 {
		return s
	}
	if t.Extras == nil {
		t.Extras = map[string]any{}
	}
	t.Extras["type"] = []string{t.Type, "null"}
	t.Type = ""
	if t.Enum != nil {
		t.Enum = append(t.Enum, nil)
	}
	return t
}
