//go:build !wasip1

package abi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// ValidationError is a method input or result that does not match the
// method's schema.
type ValidationError struct {
	// Method is the method's wire name.
	Method string
	// Part is "input" or "result".
	Part string
	// Problems lists every mismatch with its JSON pointer into the document.
	Problems Problems
}

// Error implements the error interface.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("method[%s] %s is invalid: %s", e.Method, e.Part, e.Problems.Error())
}

// Unwrap returns the problems.
func (e *ValidationError) Unwrap() error { return e.Problems }

// refuseLoader refuses to load any URL: a schema may not reach files or the
// network. The draft metaschemas are built into the validator.
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema[%s] is not available: schemas must be self-contained", url)
}

// newCompiler returns a compiler for draft 2020-12 that asserts formats and
// loads nothing from outside.
func newCompiler() *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.UseLoader(refuseLoader{})
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	return c
}

// compileSchema compiles one self-contained schema document under url.
func compileSchema(url string, raw []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("decode schema[%s]: %w", url, err)
	}
	c := newCompiler()
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("add schema[%s]: %w", url, err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile schema[%s]: %w", url, err)
	}
	return sch, nil
}

// appSchemaURL is where an app's own schema (keysSchema, appDataSchema) is
// compiled; relative references resolve against it and go nowhere.
const appSchemaURL = "urn:slotbox:app-schema"

// compileAppSchema compiles a schema an app supplied. Problems carry JSON
// pointers into the schema document when the metaschema rejects it.
func compileAppSchema(raw []byte) (*jsonschema.Schema, Problems) {
	sch, err := compileSchema(appSchemaURL, raw)
	if err == nil {
		return sch, nil
	}
	var sve *jsonschema.SchemaValidationError
	var ve *jsonschema.ValidationError
	if errors.As(err, &sve) && errors.As(sve.Err, &ve) {
		return nil, flatten(ve)
	}
	msg := err.Error()
	if _, after, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "compile schema[") {
		msg = after
	}
	return nil, Problems{{Message: "does not compile: " + msg}}
}

// validateDoc decodes data and validates it against sch.
func validateDoc(sch *jsonschema.Schema, data []byte) Problems {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return Problems{{Message: "not valid JSON: " + err.Error()}}
	}
	err = sch.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		return flatten(ve)
	}
	return Problems{{Message: err.Error()}}
}

var printer = message.NewPrinter(language.English)

// leaf is one failed keyword at an instance location.
type leaf struct {
	path string
	kind jsonschema.ErrorKind
}

// flatten turns a validation error tree into one problem per failure, each
// at the JSON pointer of the offending value.
func flatten(e *jsonschema.ValidationError) Problems {
	var leaves []leaf
	collect(e, &leaves)
	var ps Problems
	for i, lf := range leaves {
		switch k := lf.kind.(type) {
		case *kind.Required:
			for _, name := range k.Missing {
				ps = append(ps, Problem{Path: lf.path + pointer(name), Message: "required"})
			}
		case *kind.AdditionalProperties:
			for _, name := range k.Properties {
				ps = append(ps, Problem{Path: lf.path + pointer(name), Message: "unknown field"})
			}
		case *kind.Type:
			if slices.ContainsFunc(leaves[:i], func(o leaf) bool { _, ok := o.kind.(*kind.Type); return ok && o.path == lf.path }) {
				continue // merged into the first type error at this path
			}
			ps = append(ps, Problem{Path: lf.path, Message: typeMessage(leaves[i:], lf.path)})
		// Messages never quote the value that failed: installation keys are
		// validated here too, and a key may be a secret.
		case *kind.Enum:
			ps = append(ps, Problem{Path: lf.path, Message: fmt.Sprintf("want one of %s", jsonList(k.Want))})
		case *kind.Const:
			ps = append(ps, Problem{Path: lf.path, Message: fmt.Sprintf("want %s", jsonText(k.Want))})
		case *kind.Pattern:
			ps = append(ps, Problem{Path: lf.path, Message: fmt.Sprintf("does not match the pattern %s", k.Want)})
		case *kind.Format:
			ps = append(ps, Problem{Path: lf.path, Message: fmt.Sprintf("is not a valid %s", k.Want)})
		default:
			ps = append(ps, Problem{Path: lf.path, Message: lf.kind.LocalizedString(printer)})
		}
	}
	ps = slices.CompactFunc(ps, func(a, b Problem) bool { return a == b })
	sortProblems(ps)
	return ps
}

// typeMessage merges the type errors at one path (from the branches of a
// oneOf) into "got number, want string or object".
func typeMessage(leaves []leaf, path string) string {
	var got string
	var want []string
	for _, lf := range leaves {
		if k, ok := lf.kind.(*kind.Type); ok && lf.path == path {
			got = k.Got
			for _, w := range k.Want {
				if !slices.Contains(want, w) {
					want = append(want, w)
				}
			}
		}
	}
	return fmt.Sprintf("got %s, want %s", got, strings.Join(want, " or "))
}

// collect gathers the leaves of an error tree. In a oneOf or anyOf, a branch
// that failed only on "type" is noise when another branch accepted the type
// and failed deeper: a nullable object that fails its schema should not also
// report "want null". When every branch failed on type, all are kept and
// flatten merges them into one "want A or B".
func collect(e *jsonschema.ValidationError, out *[]leaf) {
	causes := e.Causes
	switch e.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		if rest := slices.DeleteFunc(slices.Clone(causes), isTypeOnly); len(rest) > 0 {
			causes = rest
		}
	}
	if len(causes) == 0 {
		*out = append(*out, leaf{path: pointer(e.InstanceLocation...), kind: e.ErrorKind})
		return
	}
	for _, c := range causes {
		collect(c, out)
	}
}

// isTypeOnly reports whether e, a branch's error, is a lone type mismatch of
// the value itself (not of something inside it).
func isTypeOnly(e *jsonschema.ValidationError) bool {
	at := len(e.InstanceLocation)
	for len(e.Causes) == 1 {
		e = e.Causes[0]
	}
	_, ok := e.ErrorKind.(*kind.Type)
	return ok && len(e.Causes) == 0 && len(e.InstanceLocation) == at
}

// jsonText renders a decoded JSON value for a message, cut at 64 bytes.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 64 {
		return string(b[:61]) + "..."
	}
	return string(b)
}

func jsonList(vs []any) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = jsonText(v)
	}
	return strings.Join(s, ", ")
}
