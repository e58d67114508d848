package abi_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

// FuzzParseManifest feeds hostile config.json documents to ParseManifest: it
// must never panic, must report problems with JSON pointer paths, and what
// it accepts must survive a marshal and a second parse.
func FuzzParseManifest(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "manifests", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{}`, `[]`, `null`, `{"name":"a","categories":["crm"],"credential":{"inject":{"header":""}}}`,
		`{"name":"a","categories":["video"],"keysSchema":{"type":"object","properties":{"k":{"$ref":"#"}}}}`,
		`{"name":"a","categories":["crm"],"permissions":{"http":{"allowedHosts":["[::1]:0","*.*"]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := abi.ParseManifest(data)
		if err != nil {
			var ps abi.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty Problems", err, err)
			}
			if m != nil {
				t.Fatal("manifest returned with an error")
			}
			for _, p := range ps {
				if p.Path != "" && !strings.HasPrefix(p.Path, "/") || p.Message == "" {
					t.Fatalf("bad problem %+v", p)
				}
			}
			return
		}
		if ps := m.Validate(); ps != nil {
			t.Fatalf("accepted manifest fails Validate: %v", ps)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("marshal accepted manifest: %v", err)
		}
		again, err := abi.ParseManifest(b)
		if err != nil {
			t.Fatalf("marshalled manifest %s does not parse: %v", b, err)
		}
		if again.Slug != m.Slug || again.Type != m.Type || again.Category() != m.Category() {
			t.Fatalf("re-parse changed identity: %+v vs %+v", again, m)
		}
	})
}
