// Command server is the Slotbox server: one process serving the app store's
// JSON API, with its SQLite database, compile cache and generated secrets in
// one data folder. `go run ./cmd/server` serves on :8080 with ./data;
// `--help` lists every setting with its environment variable.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr, hooks{})
	stop()
	os.Exit(code)
}
