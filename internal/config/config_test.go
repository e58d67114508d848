package config

import (
	"bytes"
	"errors"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slotbox/slotbox/runtime"
)

func TestParseDefaults(t *testing.T) {
	c, err := Parse(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Addr: ":8080", DataDir: "./data", BaseURL: "http://localhost:8080",
		LogFormat: "text", LogLevel: slog.LevelInfo, Metrics: true,
		MemoryLimit: runtime.NewConfig().MemoryLimit(), CallTimeout: runtime.NewConfig().Timeout(), Fuel: runtime.NewConfig().Fuel(), MaxModuleSize: 16 << 20,
		IdleMemory: 1 << 30, IdleTimeout: 5 * time.Minute, MaxUploadSize: 32 << 20,
		CallRetention: 168 * time.Hour, ShutdownTimeout: 30 * time.Second,
	}
	got := *c
	if len(got.MetricsAllow) != 2 || got.MetricsAllow[0] != netip.MustParsePrefix("127.0.0.0/8") || got.MetricsAllow[1] != netip.MustParsePrefix("::1/128") {
		t.Errorf("MetricsAllow = %v", got.MetricsAllow)
	}
	if got.OAuthClients == nil || len(got.OAuthClients) != 0 {
		t.Errorf("OAuthClients = %v, want empty", got.OAuthClients)
	}
	got.MetricsAllow, got.OAuthClients = nil, nil
	if !equalConfig(got, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", got, want)
	}
}

func equalConfig(a, b Config) bool {
	return a.Addr == b.Addr && a.DataDir == b.DataDir && a.BaseURL == b.BaseURL && a.LogFormat == b.LogFormat &&
		a.LogLevel == b.LogLevel && a.Metrics == b.Metrics && a.AllowHTTP == b.AllowHTTP && len(a.AllowNet) == len(b.AllowNet) &&
		a.MemoryLimit == b.MemoryLimit && a.CallTimeout == b.CallTimeout && a.Fuel == b.Fuel && a.MaxModuleSize == b.MaxModuleSize &&
		a.IdleMemory == b.IdleMemory && a.IdleTimeout == b.IdleTimeout && a.MaxUploadSize == b.MaxUploadSize &&
		a.CallRetention == b.CallRetention && a.ShutdownTimeout == b.ShutdownTimeout && a.AdminToken == b.AdminToken &&
		a.MasterKey == b.MasterKey && a.MasterKeyFile == b.MasterKeyFile
}

func TestParse(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("file-token-0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clientsFile := filepath.Join(dir, "clients.json")
	if err := os.WriteFile(clientsFile, []byte(`{"zoom-video":{"client_id":"id","client_secret":"s"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		env   []string
		check func(*Config) bool
		err   string
	}{
		{"env sets", nil, []string{"SLOTBOX_ADDR=127.0.0.1:9000", "SLOTBOX_LOG_FORMAT=json", "SLOTBOX_LOG_LEVEL=debug"},
			func(c *Config) bool {
				return c.Addr == "127.0.0.1:9000" && c.LogFormat == "json" && c.LogLevel == slog.LevelDebug && c.BaseURL == "http://127.0.0.1:9000"
			}, ""},
		{"flag beats env", []string{"--addr", ":9001"}, []string{"SLOTBOX_ADDR=:9000"},
			func(c *Config) bool { return c.Addr == ":9001" }, ""},
		{"sizes and durations", nil, []string{"SLOTBOX_MEMORY_LIMIT=128MiB", "SLOTBOX_CALL_TIMEOUT=500ms", "SLOTBOX_MAX_MODULE_SIZE=1048576", "SLOTBOX_CALL_RETENTION=0"},
			func(c *Config) bool {
				return c.MemoryLimit == 128<<20 && c.CallTimeout == 500*time.Millisecond && c.MaxModuleSize == 1<<20 && c.CallRetention == 0
			}, ""},
		{"metrics off and allow list", []string{"--metrics=off", "--metrics-allow", "10.0.0.0/8, 192.168.1.7"}, nil,
			func(c *Config) bool {
				return !c.Metrics && len(c.MetricsAllow) == 2 && c.MetricsAllow[1] == netip.MustParsePrefix("192.168.1.7/32")
			}, ""},
		{"allow net", nil, []string{"SLOTBOX_ALLOW_NET=127.0.0.1:8443,10.0.0.0/8", "SLOTBOX_ALLOW_HTTP=true"},
			func(c *Config) bool { return len(c.AllowNet) == 2 && c.AllowHTTP }, ""},
		{"base url trims slash", nil, []string{"SLOTBOX_BASE_URL=https://slots.example.com/"},
			func(c *Config) bool { return c.BaseURL == "https://slots.example.com" }, ""},
		{"admin token inline", nil, []string{"SLOTBOX_ADMIN_TOKEN=inline-token-0123456789abcdef"},
			func(c *Config) bool { return c.AdminToken == "inline-token-0123456789abcdef" }, ""},
		{"admin token file", nil, []string{"SLOTBOX_ADMIN_TOKEN_FILE=" + tokenFile},
			func(c *Config) bool { return c.AdminToken == "file-token-0123456789abcdef" }, ""},
		{"admin token file flag", []string{"--admin-token-file", tokenFile}, []string{"SLOTBOX_ADMIN_TOKEN=inline-token-0123456789abcdef"},
			func(c *Config) bool { return c.AdminToken == "file-token-0123456789abcdef" }, ""},
		{"master key file passes through", nil, []string{"SLOTBOX_MASTER_KEY_FILE=/run/secrets/key"},
			func(c *Config) bool {
				return c.MasterKeyFile == "/run/secrets/key" && c.MasterKey == "" && c.Lookup("SLOTBOX_MASTER_KEY_FILE") == "/run/secrets/key"
			}, ""},
		{"oauth clients file", nil, []string{"SLOTBOX_OAUTH_CLIENTS_FILE=" + clientsFile},
			func(c *Config) bool { return c.OAuthClients["zoom-video"].ClientSecret == "s" }, ""},
		{"other variables ignored", nil, []string{"HOME=/root", "SLOTBOXADDR=x", "BROKEN"},
			func(c *Config) bool { return c.Addr == ":8080" }, ""},

		{"bad addr", nil, []string{"SLOTBOX_ADDR=8080"}, nil, "SLOTBOX_ADDR: want host:port"},
		{"bad port", []string{"--addr", ":99999"}, nil, nil, "--addr: port"},
		{"bad log format", nil, []string{"SLOTBOX_LOG_FORMAT=xml"}, nil, "SLOTBOX_LOG_FORMAT"},
		{"bad level", nil, []string{"SLOTBOX_LOG_LEVEL=loud"}, nil, "SLOTBOX_LOG_LEVEL"},
		{"bad bool", nil, []string{"SLOTBOX_METRICS=maybe"}, nil, "SLOTBOX_METRICS"},
		{"bad cidr", nil, []string{"SLOTBOX_METRICS_ALLOW=10.0.0.0/99"}, nil, "SLOTBOX_METRICS_ALLOW"},
		{"bad allow net", nil, []string{"SLOTBOX_ALLOW_NET=not a host"}, nil, "SLOTBOX_ALLOW_NET"},
		{"memory too small", nil, []string{"SLOTBOX_MEMORY_LIMIT=1KiB"}, nil, "SLOTBOX_MEMORY_LIMIT"},
		{"module too large", nil, []string{"SLOTBOX_MAX_MODULE_SIZE=1GiB"}, nil, "SLOTBOX_MAX_MODULE_SIZE"},
		{"bad duration", nil, []string{"SLOTBOX_CALL_TIMEOUT=soon"}, nil, "SLOTBOX_CALL_TIMEOUT"},
		{"negative fuel", nil, []string{"SLOTBOX_FUEL=-1"}, nil, "SLOTBOX_FUEL"},
		{"both inline and file", nil, []string{"SLOTBOX_ADMIN_TOKEN=inline-token-0123456789abcdef", "SLOTBOX_ADMIN_TOKEN_FILE=" + tokenFile}, nil, "both set"},
		{"short admin token", nil, []string{"SLOTBOX_ADMIN_TOKEN=short"}, nil, "at least 24"},
		{"missing token file", nil, []string{"SLOTBOX_ADMIN_TOKEN_FILE=" + filepath.Join(dir, "nope")}, nil, "SLOTBOX_ADMIN_TOKEN_FILE"},
		{"no value flag for secrets", []string{"--admin-token", "x"}, nil, nil, "flag provided but not defined"},
		{"bad base url", nil, []string{"SLOTBOX_BASE_URL=ftp://x"}, nil, "SLOTBOX_BASE_URL"},
		{"oauth clients bad json", nil, []string{`SLOTBOX_OAUTH_CLIENTS={"a":`}, nil, "not valid JSON"},
		{"oauth clients bad slug", nil, []string{`SLOTBOX_OAUTH_CLIENTS={"Bad Slug":{"client_id":"x"}}`}, nil, "not an app slug"},
		{"oauth clients no id", nil, []string{`SLOTBOX_OAUTH_CLIENTS={"zoom":{"client_secret":"x"}}`}, nil, "no client_id"},
		{"stray argument", []string{"serve"}, nil, nil, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.args, tt.env)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Fatalf("unexpected config %+v", *c)
			}
		})
	}
}

func TestParseSecretsNeverInErrors(t *testing.T) {
	const secret = `{"zoom":{"client_id":"canary-id","client_secret":"canary-secret"`
	_, err := Parse(nil, []string{"SLOTBOX_OAUTH_CLIENTS=" + secret})
	if err == nil || strings.Contains(err.Error(), "canary") {
		t.Fatalf("err = %v; want an error that quotes nothing", err)
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "-help"} {
		if _, err := Parse([]string{arg}, nil); !errors.Is(err, ErrHelp) {
			t.Errorf("%s: err = %v, want ErrHelp", arg, err)
		}
	}
	var buf bytes.Buffer
	Usage(&buf)
	out := buf.String()
	for _, o := range options {
		if !strings.Contains(out, o.env) || !strings.Contains(out, "--"+o.flag) {
			t.Errorf("usage lacks %s / --%s", o.env, o.flag)
		}
		if o.def != "" && !strings.Contains(out, o.def) {
			t.Errorf("usage lacks the default %q of %s", o.def, o.env)
		}
		if o.secret && !strings.Contains(out, o.env+"_FILE") {
			t.Errorf("usage lacks %s_FILE", o.env)
		}
	}
}

func TestLogValueHidesSecrets(t *testing.T) {
	c, err := Parse(nil, []string{"SLOTBOX_ADMIN_TOKEN=canary-admin-token-0123456789", "SLOTBOX_MASTER_KEY=canary-master-key",
		`SLOTBOX_OAUTH_CLIENTS={"zoom":{"client_id":"canary-id","client_secret":"canary-secret"}}`})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "config", c)
	if strings.Contains(buf.String(), "canary") {
		t.Fatalf("log line shows a secret: %s", buf.String())
	}
	if !strings.Contains(buf.String(), `"admin_token_set":true`) || !strings.Contains(buf.String(), `"zoom"`) {
		t.Fatalf("log line lacks settings: %s", buf.String())
	}
}

func TestLoadAdminToken(t *testing.T) {
	dir := t.TempDir()
	c := &Config{DataDir: filepath.Join(dir, "data")}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))

	tok, err := LoadAdminToken(c, logger)
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) < minAdminTokenLen {
		t.Fatalf("generated token of %d characters", len(tok))
	}
	path := filepath.Join(c.DataDir, AdminTokenFile)
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, mode %v", err, st.Mode())
	}
	if strings.Contains(logs.String(), tok) || !strings.Contains(logs.String(), path) {
		t.Fatalf("log must name the path and never the token: %s", logs.String())
	}

	logs.Reset()
	again, err := LoadAdminToken(c, logger)
	if err != nil || again != tok {
		t.Fatalf("second start: %q, %v; want the same token", again, err)
	}
	if logs.Len() != 0 {
		t.Fatalf("second start logged again: %s", logs.String())
	}

	given := &Config{DataDir: c.DataDir, AdminToken: "given-token-0123456789abcdef"}
	if got, err := LoadAdminToken(given, logger); err != nil || got != given.AdminToken {
		t.Fatalf("configured token: %q, %v", got, err)
	}

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAdminToken(c, logger); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("readable token file: err = %v", err)
	}
	if err := os.WriteFile(path, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAdminToken(c, logger); err == nil || !strings.Contains(err.Error(), "at least") {
		t.Fatalf("short token file: err = %v", err)
	}
}
