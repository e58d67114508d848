package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/devhost"
	"github.com/slotbox/slotbox/runtime"
)

// invokeFlags are invoke's options; flags may come before or after PATH and METHOD.
type invokeFlags struct {
	input     string
	keys      string
	timeout   time.Duration
	memory    uint64
	fuel      int64
	allowNet  []string
	allowHTTP bool
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseInterleaved parses flags that may stand between positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func invokeCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f invokeFlags
	var allow listFlag
	fs := flag.NewFlagSet("invoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.input, "input", "", "method input JSON file, or - for standard input (default {})")
	fs.StringVar(&f.keys, "keys", "", "the installation's keys as a JSON object file")
	fs.DurationVar(&f.timeout, "timeout", runtime.NewConfig().Timeout(), "wall-clock limit of the call")
	fs.Uint64Var(&f.memory, "memory", runtime.NewConfig().MemoryLimit(), "guest memory limit in bytes")
	fs.Int64Var(&f.fuel, "fuel", runtime.NewConfig().Fuel(), "instruction budget of the call")
	fs.BoolVar(&f.allowHTTP, "allow-http", false, "let the app use plain http:// URLs (https only by default)")
	fs.Var(&allow, "allow-net", "loopback or private HOST:PORT or CIDR the app may reach (repeatable)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitFailure
	}
	f.allowNet = allow
	if len(pos) < 2 {
		fmt.Fprintln(stderr, "slotbox invoke: want PATH METHOD (PATH is a folder, or CONFIG WASM)")
		return exitFailure
	}
	method := pos[len(pos)-1]
	files, err := resolveApp(pos[:len(pos)-1])
	if err != nil {
		fmt.Fprintf(stderr, "slotbox invoke: %v\n", err)
		return exitFailure
	}
	env, logs, err := invoke(ctx, files, method, f, stdin, stderr)
	for _, l := range logs {
		fmt.Fprintf(stderr, "%s %s\n", l.Level, l.Message)
	}
	if err != nil {
		fmt.Fprintf(stderr, "slotbox invoke: %v\n", err)
		return exitFailure
	}
	out, _ := json.MarshalIndent(env, "", "  ")
	fmt.Fprintln(stdout, string(out))
	if env.Error != nil {
		return exitAppError
	}
	return exitOK
}

// invoke loads, binds and calls; an error means the call never ran.
func invoke(ctx context.Context, files appFiles, method string, f invokeFlags, stdin io.Reader, stderr io.Writer) (abi.Envelope, []runtime.LogLine, error) {
	m, wasm, err := loadApp(files)
	if err != nil {
		return abi.Envelope{}, nil, err
	}
	input := []byte("{}")
	switch f.input {
	case "":
	case "-":
		if input, err = io.ReadAll(io.LimitReader(stdin, 64<<20)); err != nil {
			return abi.Envelope{}, nil, fmt.Errorf("read input: %w", err)
		}
	default:
		if input, err = os.ReadFile(f.input); err != nil {
			return abi.Envelope{}, nil, fmt.Errorf("read input: %w", err)
		}
	}
	keys := map[string]string{}
	if f.keys != "" {
		b, err := os.ReadFile(f.keys)
		if err != nil {
			return abi.Envelope{}, nil, fmt.Errorf("read keys: %w", err)
		}
		if err := m.ValidateKeys(b); err != nil {
			return abi.Envelope{}, nil, fmt.Errorf("keys: %w", err)
		}
		if err := json.Unmarshal(b, &keys); err != nil {
			return abi.Envelope{}, nil, fmt.Errorf("keys must be an object of strings: %w", err)
		}
	}
	cfg := runtime.NewConfig().WithTimeout(f.timeout).WithMemoryLimit(f.memory).WithFuel(f.fuel)
	e, err := runtime.NewEngine(ctx, cfg)
	if err != nil {
		return abi.Envelope{}, nil, err
	}
	defer e.Close(ctx)
	app, err := e.Compile(ctx, wasm, m)
	if err != nil {
		return abi.Envelope{}, nil, err
	}
	defer app.Close(ctx)
	h, err := devhost.New(ctx, m, keys, devhost.Options{AllowNet: f.allowNet, AllowHTTP: f.allowHTTP, Audit: stderr})
	if err != nil {
		return abi.Envelope{}, nil, err
	}
	defer h.Close()
	res := app.Call(ctx, runtime.CallRequest{Installation: devhost.Installation, Method: method, Input: input, Funcs: h.Funcs})
	if res.LogsDropped > 0 {
		res.Logs = append(res.Logs, runtime.LogLine{Level: abi.LogWarn, Message: fmt.Sprintf("(%d log lines dropped over the cap)", res.LogsDropped)})
	}
	return res.Envelope, res.Logs, nil
}
