package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/store"
)

// rotateCmd re-seals every credential under the current master key. The
// server may keep running: it must already run with the new key as
// SLOTBOX_MASTER_KEY and the old one in SLOTBOX_MASTER_KEY_PREVIOUS, so
// it opens rows under either while this runs (docs/security.md).
func rotateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("vault rotate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data", envOr("SLOTBOX_DATA_DIR", "./data"), "the server's data folder")
	if err := fs.Parse(args); err != nil {
		return exitFailure
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	primary, err := vault.LoadMasterKey(os.Getenv, *dataDir, logger)
	if err != nil {
		fmt.Fprintf(stderr, "slotbox vault rotate: %v\n", err)
		return exitFailure
	}
	older, err := vault.LoadPreviousKeys(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "slotbox vault rotate: %v\n", err)
		return exitFailure
	}
	sealer, err := vault.NewSealer(primary, older...)
	if err != nil {
		fmt.Fprintf(stderr, "slotbox vault rotate: %v\n", err)
		return exitFailure
	}
	st, err := store.Open(ctx, filepath.Join(*dataDir, "slotbox.db"))
	if err != nil {
		fmt.Fprintf(stderr, "slotbox vault rotate: %v\n", err)
		return exitFailure
	}
	defer st.Close()
	stats, err := vault.Rotate(ctx, st.CredentialStore(), sealer, vault.RotateOptions{
		Progress: func(s vault.RotateStats) {
			fmt.Fprintf(stderr, "rotated %d, already current %d\n", s.Rotated, s.Current)
		},
	})
	fmt.Fprintf(stdout, "rotated %d credential(s), %d already under key %s, %d pass(es)\n", stats.Rotated, stats.Current, primary.ID(), stats.Passes)
	if err != nil {
		fmt.Fprintf(stderr, "slotbox vault rotate: %v (failed: %v)\n", err, stats.Failed)
		return exitFailure
	}
	return exitOK
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
