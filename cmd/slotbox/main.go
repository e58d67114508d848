// Command slotbox is the app author's tool: it validates an app and invokes
// its methods locally under the same sandbox and host functions the server
// uses.
//
//	slotbox validate PATH
//	slotbox invoke PATH METHOD [--input FILE|-] [--keys FILE] [--timeout D]
//	               [--memory BYTES] [--fuel N] [--allow-net HOST:PORT|CIDR ...]
//	slotbox vault rotate [--data DIR]
//	slotbox conformance WASM
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

// Exit codes of every subcommand.
const (
	exitOK       = 0
	exitFailure  = 1 // usage, load or validation failure
	exitAppError = 2 // the method answered an error envelope
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand; it is main without the process, for tests.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitFailure
	}
	switch args[0] {
	case "validate":
		return validateCmd(ctx, args[1:], stdout, stderr)
	case "invoke":
		return invokeCmd(ctx, args[1:], stdin, stdout, stderr)
	case "vault":
		return vaultCmd(ctx, args[1:], stdout, stderr)
	case "conformance":
		return conformanceCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return exitOK
	}
	fmt.Fprintf(stderr, "slotbox: unknown command %q\n", args[0])
	usage(stderr)
	return exitFailure
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  slotbox validate PATH
      Check an app: PATH is a folder with config.json and app.wasm, or the
      two files. Prints every problem; exits 1 if there is any.
  slotbox invoke PATH METHOD [flags]
      Run one method with the real host functions and print the result
      envelope as JSON. Exit 0 for ok, 2 for an error envelope, 1 for a
      usage or load failure. Flags:
        --input FILE|-      method input JSON (default {})
        --keys FILE         the installation's keys as a JSON object
        --timeout D         wall-clock limit, e.g. 2s
        --memory BYTES      guest memory limit
        --fuel N            instruction budget
        --allow-net ADDR    let the app reach this loopback or private
                            HOST:PORT or CIDR (repeatable); nothing else can
        --allow-http        allow plain http:// URLs (https only by default)
  slotbox vault rotate [--data DIR]
      Re-encrypt every credential under the current master key.
  slotbox conformance WASM
      Run the SDK conformance suite against a module that implements the
      conformance methods (see internal/conformance); exit 1 on a failure.
`)
}
