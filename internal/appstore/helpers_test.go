package appstore

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/kv"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

// wasmDir holds the test modules.
const wasmDir = "../../testdata/wasm"

// syncBuffer is a bytes.Buffer safe for concurrent writes (a log sink).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testEnv is a Service on a real store, engine and vault in a temporary
// folder, with two tenants.
type testEnv struct {
	t      *testing.T
	dir    string
	svc    *Service
	st     *store.Store
	engine *runtime.Engine
	vault  *vault.Vault
	key    vault.Key
	logs   *syncBuffer
	a, b   store.Tenant
}

type envOptions struct {
	cfg     func(Config) Config
	httpCfg func(hhttp.Config) hhttp.Config
	dir     string
	key     *vault.Key
}

func newEnv(t *testing.T, opts ...func(*envOptions)) *testEnv {
	t.Helper()
	var o envOptions
	for _, f := range opts {
		f(&o)
	}
	ctx := context.Background()
	dir := o.dir
	if dir == "" {
		dir = t.TempDir()
	}
	st, err := store.Open(ctx, filepath.Join(dir, "slotbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	engine, err := runtime.NewEngine(ctx, runtime.NewConfig().WithCacheDir(filepath.Join(dir, "cache")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close(ctx) })
	key := vault.Key{}
	if o.key != nil {
		key = *o.key
	} else if key, err = vault.GenerateKey(); err != nil {
		t.Fatal(err)
	}
	sealer, err := vault.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var svc *Service
	v, err := vault.New(st.CredentialStore(), sealer, vault.DefaultConfig().WithLogger(logger).
		WithOAuthApps(func(ctx context.Context, slug string) (*vault.OAuthApp, error) { return svc.OAuthApp(ctx, slug) }))
	if err != nil {
		t.Fatal(err)
	}
	hc := hhttp.NewConfig().WithLogger(logger)
	if o.httpCfg != nil {
		hc = o.httpCfg(hc)
	}
	client, err := hhttp.New(hc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	kvs, err := kv.New(st.KVStore(), kv.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	stateKey, err := DeriveStateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	if o.cfg != nil {
		cfg = o.cfg(cfg)
	}
	svc, err = New(Deps{Store: st, Engine: engine, Vault: v, HTTP: client, KV: kvs, Logger: logger, StateKey: stateKey}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(ctx) })
	e := &testEnv{t: t, dir: dir, svc: svc, st: st, engine: engine, vault: v, key: key, logs: logs}
	if e.a, err = st.CreateTenant(ctx, "Tenant A"); err != nil {
		t.Fatal(err)
	}
	if e.b, err = st.CreateTenant(ctx, "Tenant B"); err != nil {
		t.Fatal(err)
	}
	return e
}

// readFixture returns a file under testdata/wasm.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(wasmDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixture returns the upload of testdata/wasm/<name>.wasm with its config,
// the config changed by edit when given.
func fixture(t testing.TB, name string, edit func(m map[string]any)) Upload {
	t.Helper()
	cfg := readFixture(t, name+".config.json")
	if edit != nil {
		var m map[string]any
		if err := json.Unmarshal(cfg, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		var err error
		if cfg, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	}
	return Upload{Manifest: cfg, Wasm: readFixture(t, name+".wasm")}
}

// publish uploads a fixture as an enabled app.
func (e *testEnv) publish(name string, edit func(map[string]any)) store.Published {
	e.t.Helper()
	pub, err := e.svc.Publish(context.Background(), fixture(e.t, name, edit), PublishOptions{Enabled: true})
	if err != nil {
		e.t.Fatalf("publish %s: %v", name, err)
	}
	return pub
}

// install creates an installation of slug for tenant with keys.
func (e *testEnv) install(tenant store.Tenant, slug, keys string) store.Installation {
	e.t.Helper()
	in, err := e.svc.CreateInstallation(context.Background(), tenant.ID, NewInstallation{App: slug, Keys: json.RawMessage(keys)})
	if err != nil {
		e.t.Fatalf("install %s: %v", slug, err)
	}
	return in
}

// mustNotContain fails when any of the texts holds secret.
func mustNotContain(t *testing.T, secret string, where map[string]string) {
	t.Helper()
	for name, text := range where {
		if strings.Contains(text, secret) {
			t.Errorf("%s holds the secret: %s", name, text)
		}
	}
}

func mustKey(t testing.TB) vault.Key {
	t.Helper()
	k, err := vault.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
