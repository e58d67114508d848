package main

import (
	"context"
	"fmt"
	"io"
)

func vaultCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "rotate" {
		fmt.Fprintln(stderr, "slotbox vault: want `slotbox vault rotate [--data DIR]`")
		return exitFailure
	}
	return rotateCmd(ctx, args[1:], stdout, stderr)
}
