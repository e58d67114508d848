package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime"
)

func validateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	files, err := resolveApp(args)
	if err != nil {
		fmt.Fprintf(stderr, "slotbox validate: %v\n", err)
		return exitFailure
	}
	problems := 0
	m, wasm, err := loadApp(files)
	var ps abi.Problems
	switch {
	case errors.As(err, &ps):
		for _, p := range ps {
			fmt.Fprintf(stdout, "%s: %s\n", files.configPath, p)
		}
		problems += len(ps)
	case err != nil:
		fmt.Fprintf(stderr, "slotbox validate: %v\n", err)
		return exitFailure
	}
	if m == nil {
		m = &abi.Manifest{ABI: abi.Version}
	}
	e, err := runtime.NewEngine(ctx, runtime.NewConfig())
	if err != nil {
		fmt.Fprintf(stderr, "slotbox validate: %v\n", err)
		return exitFailure
	}
	defer e.Close(ctx)
	app, err := e.Compile(ctx, wasm, m)
	var ve *runtime.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, v := range ve.Violations {
			name := ""
			if v.Name != "" {
				name = "[" + v.Name + "]"
			}
			fmt.Fprintf(stdout, "%s: %s%s: %s\n", files.wasmPath, v.Rule, name, v.Message)
		}
		problems += len(ve.Violations)
	case err != nil:
		fmt.Fprintf(stderr, "slotbox validate: %v\n", err)
		return exitFailure
	default:
		defer app.Close(ctx)
	}
	if problems > 0 {
		fmt.Fprintf(stdout, "%d problem(s)\n", problems)
		return exitFailure
	}
	fmt.Fprintf(stdout, "ok: %s (%s, %s), module sha256 %s\n", m.Name, m.Slug, m.Category(), app.SHA256())
	for _, d := range m.Permissions.Describe() {
		fmt.Fprintf(stdout, "  - %s\n", d)
	}
	return exitOK
}
