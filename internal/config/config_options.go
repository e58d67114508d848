package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/runtime"
)

// fileSuffix names the variant of a secret option that reads a file.
const fileSuffix = "_FILE"

const (
	envMasterKey    = vault.EnvMasterKey
	envPreviousKeys = vault.EnvPreviousKeys
)

// option is one row of the table: where a setting comes from and how it is
// parsed into a Config.
type option struct {
	env   string // environment name, e.g. SLOTBOX_ADDR
	flag  string // flag name without dashes, e.g. addr
	def   string // default, as it would be written in the environment
	usage string
	// secret options are never printed, have no value flag, and accept
	// env_FILE and -flag-file naming a file that holds the value.
	secret bool
	// passFile hands the _FILE path to set as it is (with fileSet) instead
	// of reading it: the vault reads key files itself and checks their mode.
	passFile bool
	set      func(c *Config, v string) error
	fileSet  func(c *Config, path string) error
}

// options is the table; Usage prints it in this order.
var options = []option{
	{env: "SLOTBOX_ADDR", flag: "addr", def: ":8080", usage: "address to listen on (host:port)",
		set: func(c *Config, v string) error {
			if _, port, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("want host:port: %w", err)
			} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
				return fmt.Errorf("port %q is not 0 to 65535", port)
			}
			c.Addr = v
			return nil
		}},
	{env: "SLOTBOX_DATA_DIR", flag: "data-dir", def: "./data", usage: "folder of the database, compile cache and generated secrets",
		set: func(c *Config, v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("must not be empty")
			}
			c.DataDir = v
			return nil
		}},
	{env: "SLOTBOX_BASE_URL", flag: "base-url", def: "", usage: "public URL of the server, for OAuth redirect URLs (default http://localhost:PORT)",
		set: setBaseURL},
	{env: envMasterKey, flag: "master-key", def: "", secret: true, passFile: true,
		usage:   "master key (32 bytes, base64 or hex) sealing credentials (default: DATA_DIR/master.key, generated on first start)",
		set:     func(c *Config, v string) error { c.MasterKey = v; return nil },
		fileSet: func(c *Config, p string) error { c.MasterKeyFile = p; return nil }},
	{env: envPreviousKeys, flag: "master-key-previous", def: "", secret: true, passFile: true,
		usage:   "older master keys, comma separated, that still open credentials during a rotation",
		set:     func(c *Config, v string) error { c.PreviousKeys = v; return nil },
		fileSet: func(c *Config, p string) error { c.PreviousKeysFile = p; return nil }},
	{env: "SLOTBOX_ADMIN_TOKEN", flag: "admin-token", def: "", secret: true,
		usage: "bearer token of the admin API, at least 24 characters (default: DATA_DIR/admin.token, generated on first start)",
		set: func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			if v != "" && len(v) < minAdminTokenLen {
				return fmt.Errorf("is %d characters; use at least %d", len(v), minAdminTokenLen)
			}
			c.AdminToken = v
			return nil
		}},
	{env: "SLOTBOX_LOG_FORMAT", flag: "log-format", def: "text", usage: "log format: text or json",
		set: func(c *Config, v string) error {
			if v != "text" && v != "json" {
				return fmt.Errorf("%q is not text or json", v)
			}
			c.LogFormat = v
			return nil
		}},
	{env: "SLOTBOX_LOG_LEVEL", flag: "log-level", def: "info", usage: "lowest level logged: debug, info, warn or error",
		set: func(c *Config, v string) error {
			switch v {
			case "debug", "info", "warn", "error":
				return c.LogLevel.UnmarshalText([]byte(v))
			}
			return fmt.Errorf("%q is not debug, info, warn or error", v)
		}},
	{env: "SLOTBOX_METRICS", flag: "metrics", def: "on", usage: "serve Prometheus metrics at /metrics: on or off",
		set: func(c *Config, v string) (err error) { c.Metrics, err = parseBool(v); return err }},
	{env: "SLOTBOX_METRICS_ALLOW", flag: "metrics-allow", def: "127.0.0.0/8,::1/128",
		usage: "networks (CIDRs or addresses, comma separated) that may read /metrics",
		set:   setMetricsAllow},
	{env: "SLOTBOX_ALLOW_NET", flag: "allow-net", def: "",
		usage: "addresses, CIDRs or host[:port] (comma separated) apps may reach although private or loopback",
		set:   setAllowNet},
	{env: "SLOTBOX_ALLOW_HTTP", flag: "allow-http", def: "off", usage: "let apps send plain http requests to hosts their allow-list names with http://",
		set: func(c *Config, v string) (err error) { c.AllowHTTP, err = parseBool(v); return err }},
	{env: "SLOTBOX_MEMORY_LIMIT", flag: "memory-limit", def: "64MiB", usage: "linear memory of one app instance (64KiB to 4GiB)",
		set: func(c *Config, v string) (err error) { c.MemoryLimit, err = parseBytes(v, 64<<10, 4<<30); return err }},
	{env: "SLOTBOX_CALL_TIMEOUT", flag: "call-timeout", def: runtimeDefaults.Timeout().String(), usage: "wall-clock limit of one app call",
		set: func(c *Config, v string) (err error) {
			c.CallTimeout, err = parseDuration(v, time.Millisecond, 10*time.Minute)
			return err
		}},
	{env: "SLOTBOX_FUEL", flag: "fuel", def: strconv.FormatInt(runtimeDefaults.Fuel(), 10), usage: "instruction budget of one app call (about one unit per Wasm instruction)",
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return fmt.Errorf("%q is not a positive integer", v)
			}
			c.Fuel = n
			return nil
		}},
	{env: "SLOTBOX_MAX_MODULE_SIZE", flag: "max-module-size", def: "16MiB", usage: "largest .wasm module accepted (1KiB to 64MiB)",
		set: func(c *Config, v string) error {
			n, err := parseBytes(v, 1<<10, 64<<20)
			c.MaxModuleSize = int(n)
			return err
		}},
	{env: "SLOTBOX_IDLE_MEMORY", flag: "idle-memory", def: "1GiB", usage: "memory of all idle app instances together; past it the least recently used close",
		set: func(c *Config, v string) (err error) { c.IdleMemory, err = parseBytes(v, 0, 1<<40); return err }},
	{env: "SLOTBOX_IDLE_TIMEOUT", flag: "idle-timeout", def: "5m", usage: "close app instances idle for longer than this",
		set: func(c *Config, v string) (err error) {
			c.IdleTimeout, err = parseDuration(v, time.Second, 24*time.Hour)
			return err
		}},
	{env: "SLOTBOX_MAX_UPLOAD_SIZE", flag: "max-upload-size", def: "32MiB", usage: "largest app upload request, multipart or bundle (64KiB to 256MiB)",
		set: func(c *Config, v string) error {
			n, err := parseBytes(v, 64<<10, 256<<20)
			c.MaxUploadSize = int64(n)
			return err
		}},
	{env: "SLOTBOX_CALL_RETENTION", flag: "call-retention", def: "168h", usage: "how long call records are kept (0 keeps them)",
		set: func(c *Config, v string) (err error) {
			if v == "0" {
				c.CallRetention = 0
				return nil
			}
			c.CallRetention, err = parseDuration(v, time.Minute, 10*365*24*time.Hour)
			return err
		}},
	{env: "SLOTBOX_SHUTDOWN_TIMEOUT", flag: "shutdown-timeout", def: "30s", usage: "how long a graceful shutdown waits for requests and calls in flight",
		set: func(c *Config, v string) (err error) {
			c.ShutdownTimeout, err = parseDuration(v, time.Second, time.Hour)
			return err
		}},
	{env: "SLOTBOX_OAUTH_CLIENTS", flag: "oauth-clients", def: "", secret: true,
		usage: `OAuth clients of isOAuth apps as JSON: {"<slug>":{"client_id":"...","client_secret":"..."}}`,
		set:   setOAuthClients},
}

const minAdminTokenLen = 24

// runtimeDefaults are the runtime's own defaults, which the call limits
// start from.
var runtimeDefaults = runtime.NewConfig()

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "on", "true", "1", "yes":
		return true, nil
	case "off", "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("%q is not on or off", v)
}

// parseBytes reads a size such as "64MiB" or "1048576" within [lo, hi].
func parseBytes(v string, lo, hi uint64) (uint64, error) {
	n, err := humanize.ParseBytes(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size such as 64MiB", v)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s is not between %s and %s", v, humanize.IBytes(lo), humanize.IBytes(hi))
	}
	return n, nil
}

func parseDuration(v string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 2s or 5m", v)
	}
	if d < lo || d > hi {
		return 0, fmt.Errorf("%s is not between %s and %s", v, lo, hi)
	}
	return d, nil
}

func splitList(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func setBaseURL(c *Config, v string) error {
	if v == "" {
		c.BaseURL = ""
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q is not an absolute http(s) URL without user, query or fragment", v)
	}
	c.BaseURL = strings.TrimSuffix(u.String(), "/")
	return nil
}

func setMetricsAllow(c *Config, v string) error {
	var out []netip.Prefix
	for _, f := range splitList(v) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return fmt.Errorf("%q is not a CIDR or an IP address", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	c.MetricsAllow = out
	return nil
}

func setAllowNet(c *Config, v string) error {
	entries := splitList(v)
	if _, err := hhttp.SafeTransport(hhttp.NewConfig().WithAllowNet(entries...)); err != nil {
		return err
	}
	c.AllowNet = entries
	return nil
}

// slugPattern is what an app slug looks like (abi's manifest rule).
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

func setOAuthClients(c *Config, v string) error {
	c.OAuthClients = map[string]OAuthClient{}
	if strings.TrimSpace(v) == "" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(v)))
	dec.DisallowUnknownFields()
	var m map[string]OAuthClient
	// The decoder's errors may quote the text; say only where it broke.
	if err := dec.Decode(&m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("not valid JSON (at byte %d)", se.Offset)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return errors.New("not valid JSON (it ends early)")
		}
		return errors.New(`want {"<slug>":{"client_id":"...","client_secret":"..."}}`)
	}
	for slug, cl := range m {
		if !slugPattern.MatchString(slug) {
			return fmt.Errorf("%q is not an app slug", slug)
		}
		if cl.ClientID == "" {
			return fmt.Errorf("app [%s] has no client_id", slug)
		}
	}
	c.OAuthClients = m
	return nil
}
