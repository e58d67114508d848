package conformance

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// sdks are the guest SDKs whose conformance app must be present.
var sdks = []string{"c", "go", "as"}

// TestSDKConformance runs every case against each SDK's conformance app.
func TestSDKConformance(t *testing.T) {
	for _, sdk := range sdks {
		name := sdk + "-conformance.wasm"
		t.Run(name, func(t *testing.T) {
			wasm, err := os.ReadFile(filepath.Join("../../testdata/wasm", name))
			if err != nil {
				t.Fatal(err)
			}
			outcomes, err := Run(context.Background(), wasm)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range outcomes {
				if o.Err != nil {
					t.Errorf("%s: %v", o.Case, o.Err)
				}
			}
		})
	}
}

// TestConformanceCatchesAWrongApp runs the cases against the echo fixture,
// which implements none of the test methods, so most cases must fail: the
// suite can tell a wrong app from a right one.
func TestConformanceCatchesAWrongApp(t *testing.T) {
	wasm, err := os.ReadFile("../../testdata/wasm/small/echo.wasm")
	if err != nil {
		t.Fatal(err)
	}
	outcomes, err := Run(context.Background(), wasm)
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, o := range outcomes {
		if o.Err != nil {
			failed++
		}
	}
	if failed < len(outcomes)/2 {
		t.Fatalf("only %d of %d cases failed against an app that implements none of them", failed, len(outcomes))
	}
}
