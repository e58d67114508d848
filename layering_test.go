package slotbox

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// layers says which of the module's own packages each layer may import
// (non-test code): cmd -> internal -> runtime -> hostfuncs -> abi, and the
// guest side (SDKs, apps) sees only abi and the guest SDK.
var layers = []struct {
	prefix string
	may    []string
}{
	{"abi", []string{"abi"}},
	{"hostfuncs", []string{"abi", "hostfuncs"}},
	{"runtime", []string{"abi", "hostfuncs", "runtime"}},
	{"guest-sdk/go", []string{"abi", "guest-sdk/go"}},
	{"internal", []string{"abi", "hostfuncs", "runtime", "internal", ""}},
}

const module = "github.com/slotbox/slotbox"

// TestImportsPointOneWay fails when a package imports a layer above it.
func TestImportsPointOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := 0
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		for _, l := range layers {
			if rel != l.prefix && !strings.HasPrefix(rel, l.prefix+"/") {
				continue
			}
			checked++
			for _, imp := range p.Imports {
				if !strings.HasPrefix(imp, module) {
					continue
				}
				dep := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
				if !allowed(dep, l.may) {
					t.Errorf("%s imports %s, a layer it may not depend on", rel, dep)
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d packages; go list found too few", checked)
	}
}

func allowed(dep string, may []string) bool {
	for _, m := range may {
		if dep == m || (m != "" && strings.HasPrefix(dep, m+"/")) {
			return true
		}
	}
	return false
}
