// Package config reads the server's configuration from flags and the
// environment, after Miniflux: one table of options, each with its
// environment name, flag, default, parser and a secret mark; a secret X may
// be given as a file named by X_FILE. Parse takes the environment as a
// slice, so tests never touch the process environment.
//
// Precedence: a flag, then the environment variable, then its _FILE
// variant, then the default. Secrets have no value flag (a command line is
// visible to every user of the machine), only the -file flag.
package config

import (
	"errors"
	"log/slog"
	"net/netip"
	"time"
)

// ErrHelp is returned by Parse when -h or --help was given; the caller
// prints Usage and exits 0.
var ErrHelp = errors.New("help requested")

// Config is the parsed configuration. Parse fills every field; the zero
// value is not meant to be used.
type Config struct {
	// Addr is the listen address, host:port.
	Addr string
	// DataDir holds the database, the compile cache and generated secrets.
	DataDir string
	// BaseURL is the server's public URL, for OAuth redirect URLs; derived
	// from Addr when unset.
	BaseURL string

	// MasterKey and MasterKeyFile are passed to the vault as they are
	// (vault.LoadMasterKey reads the file and checks its mode); both empty
	// means the key in DataDir, generated on first start.
	MasterKey     string
	MasterKeyFile string
	// PreviousKeys and PreviousKeysFile name older master keys that still
	// open credentials while a rotation runs.
	PreviousKeys     string
	PreviousKeysFile string

	// AdminToken guards the admin API; empty means the token in DataDir,
	// generated on first start (see LoadAdminToken).
	AdminToken string

	// LogFormat is "text" or "json"; LogLevel the lowest level logged.
	LogFormat string
	LogLevel  slog.Level

	// Metrics turns /metrics on; MetricsAllow lists the networks that may
	// read it.
	Metrics      bool
	MetricsAllow []netip.Prefix

	// AllowNet lists the operator's exemptions from the outbound address
	// policy (hostfuncs/http Config.WithAllowNet); AllowHTTP lets apps reach
	// plain http hosts their allow-list names with http://.
	AllowNet  []string
	AllowHTTP bool

	// Runtime limits of one call.
	MemoryLimit   uint64
	CallTimeout   time.Duration
	Fuel          int64
	MaxModuleSize int
	// IdleMemory caps the memory of all idle instances together;
	// IdleTimeout closes instances idle for longer.
	IdleMemory  uint64
	IdleTimeout time.Duration

	// MaxUploadSize caps an app upload request (multipart or bundle).
	MaxUploadSize int64
	// CallRetention is how long call records are kept; 0 keeps them.
	CallRetention time.Duration
	// ShutdownTimeout bounds how long a graceful shutdown waits for
	// requests in flight.
	ShutdownTimeout time.Duration

	// OAuthClients are the operator's OAuth clients of isOAuth apps, by
	// app slug.
	OAuthClients map[string]OAuthClient
}

// OAuthClient is the client id and secret an operator registered with an
// app's OAuth provider.
type OAuthClient struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// LogValue lists the settings without any secret, for the start-up log.
func (c *Config) LogValue() slog.Value {
	prefixes := make([]string, len(c.MetricsAllow))
	for i, p := range c.MetricsAllow {
		prefixes[i] = p.String()
	}
	clients := make([]string, 0, len(c.OAuthClients))
	for slug := range c.OAuthClients {
		clients = append(clients, slug)
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("data_dir", c.DataDir),
		slog.String("base_url", c.BaseURL),
		slog.Bool("master_key_set", c.MasterKey != "" || c.MasterKeyFile != ""),
		slog.Bool("admin_token_set", c.AdminToken != ""),
		slog.String("log_format", c.LogFormat),
		slog.String("log_level", c.LogLevel.String()),
		slog.Bool("metrics", c.Metrics),
		slog.Any("metrics_allow", prefixes),
		slog.Any("allow_net", c.AllowNet),
		slog.Bool("allow_http", c.AllowHTTP),
		slog.Uint64("memory_limit", c.MemoryLimit),
		slog.Duration("call_timeout", c.CallTimeout),
		slog.Int64("fuel", c.Fuel),
		slog.Int("max_module_size", c.MaxModuleSize),
		slog.Uint64("idle_memory", c.IdleMemory),
		slog.Duration("idle_timeout", c.IdleTimeout),
		slog.Int64("max_upload_size", c.MaxUploadSize),
		slog.Duration("call_retention", c.CallRetention),
		slog.Duration("shutdown_timeout", c.ShutdownTimeout),
		slog.Any("oauth_clients", clients),
	)
}

// Lookup returns the value of one of the vault's environment names
// (SLOTBOX_MASTER_KEY and the like) from c, so vault.LoadMasterKey and
// vault.LoadPreviousKeys read the parsed configuration, not the process.
func (c *Config) Lookup(name string) string {
	switch name {
	case envMasterKey:
		return c.MasterKey
	case envMasterKey + fileSuffix:
		return c.MasterKeyFile
	case envPreviousKeys:
		return c.PreviousKeys
	case envPreviousKeys + fileSuffix:
		return c.PreviousKeysFile
	}
	return ""
}
