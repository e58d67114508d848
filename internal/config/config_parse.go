package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"text/tabwriter"
)

// maxSecretFileSize caps a file read through a _FILE variable.
const maxSecretFileSize = 64 << 10

// Parse reads the configuration from args (without the program name) and
// env (KEY=value strings, as os.Environ returns). It returns ErrHelp for -h
// or --help and otherwise the first problem, naming the variable or flag.
func Parse(args, env []string) (*Config, error) {
	envs := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "SLOTBOX_") {
			envs[k] = v
		}
	}

	fs := flag.NewFlagSet("slotbox-server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	values := make([]*string, len(options))
	files := make([]*string, len(options))
	for i, o := range options {
		if o.secret {
			files[i] = fs.String(o.flag+"-file", "", "")
			continue
		}
		values[i] = fs.String(o.flag, "", "")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, ErrHelp
		}
		return nil, fmt.Errorf("flags: %w", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("flags: unexpected argument %q (see --help)", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	c := &Config{}
	for i, o := range options {
		if err := apply(c, o, envs, given, values[i], files[i]); err != nil {
			return nil, err
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = defaultBaseURL(c.Addr)
	}
	return c, nil
}

// apply sets one option from the first source that has it.
func apply(c *Config, o option, envs map[string]string, given map[string]bool, value, file *string) error {
	fileEnv := o.env + fileSuffix
	if o.secret {
		inline, hasInline := envs[o.env]
		path, hasPath := envs[fileEnv]
		if given[o.flag+"-file"] {
			path, hasPath, hasInline = *file, true, false
		}
		switch {
		case hasInline && hasPath:
			return fmt.Errorf("%s and %s are both set; set one", o.env, fileEnv)
		case hasPath && o.passFile:
			return o.fileSet(c, path)
		case hasPath:
			v, err := readSecretFile(path)
			if err != nil {
				return fmt.Errorf("%s: %w", fileEnv, err)
			}
			if err := o.set(c, v); err != nil {
				return fmt.Errorf("%s (from file [%s]): %w", o.env, path, err)
			}
			return nil
		case hasInline:
			if err := o.set(c, inline); err != nil {
				return fmt.Errorf("%s: %w", o.env, err)
			}
			return nil
		}
		return o.set(c, o.def)
	}
	v, source := o.def, "default of "+o.env
	if ev, ok := envs[o.env]; ok {
		v, source = ev, o.env
	}
	if given[o.flag] {
		v, source = *value, "--"+o.flag
	}
	if err := o.set(c, v); err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	return nil
}

// readSecretFile reads a secret from a file, without its trailing newline.
func readSecretFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFileSize+1))
	if err != nil {
		return "", fmt.Errorf("read [%s]: %w", path, err)
	}
	if len(b) > maxSecretFileSize {
		return "", fmt.Errorf("file [%s] is larger than %d bytes", path, maxSecretFileSize)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// defaultBaseURL is http://localhost:PORT, or http://HOST:PORT when Addr
// names a host.
func defaultBaseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Usage writes every option with its flag, environment name and default.
func Usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: slotbox-server [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every flag has an environment variable; a flag wins over its variable.")
	fmt.Fprintln(w, "Secrets have no value flag: set the variable, or name a file with")
	fmt.Fprintln(w, "NAME_FILE or --flag-file.")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FLAG\tENVIRONMENT\tDEFAULT\tMEANING")
	for _, o := range options {
		flagName, env := "--"+o.flag, o.env
		if o.secret {
			flagName += "-file"
			env += " | " + o.env + fileSuffix
		}
		def := o.def
		if def == "" {
			def = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", flagName, env, def, o.usage)
	}
	_ = tw.Flush()
}
