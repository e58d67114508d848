package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/slotbox/slotbox/internal/conformance"
)

// conformanceCmd runs the SDK conformance suite against a module: it is for
// SDK authors (a new guest language) more than for app authors.
func conformanceCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "slotbox conformance: want WASM (a module implementing the conformance methods)")
		return exitFailure
	}
	wasm, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "slotbox conformance: %v\n", err)
		return exitFailure
	}
	outcomes, err := conformance.Run(ctx, wasm)
	if err != nil {
		fmt.Fprintf(stderr, "slotbox conformance: %v\n", err)
		return exitFailure
	}
	failed := 0
	for _, o := range outcomes {
		if o.Err != nil {
			failed++
			fmt.Fprintf(stdout, "FAIL %s: %v\n", o.Case, o.Err)
		} else {
			fmt.Fprintf(stdout, "ok   %s\n", o.Case)
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", len(outcomes)-failed, failed)
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}
