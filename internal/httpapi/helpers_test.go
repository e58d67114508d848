package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/kv"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/metrics"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

const (
	wasmDir    = "../../testdata/wasm"
	adminToken = "test-admin-token-0123456789abcdef"
)

// syncBuffer is a log sink safe for concurrent writes.
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

// harness is the real API on a loopback port with a temporary data folder,
// driven over HTTP. It has two tenants with one API key each.
type harness struct {
	t       *testing.T
	url     string
	srv     *http.Server
	api     *Server
	st      *store.Store
	apps    *appstore.Service
	metrics *metrics.Metrics
	logs    *syncBuffer
	client  *http.Client
	// keyA and keyB are the API keys of tenants A and B.
	keyA, keyB string
	tenA, tenB store.Tenant
}

type harnessOptions struct {
	apiCfg     func(Config) Config
	appCfg     func(appstore.Config) appstore.Config
	httpCfg    func(hhttp.Config) hhttp.Config
	vaultCfg   func(vault.Config) vault.Config
	noMetrics  bool
	noTenants  bool
	runtimeCfg func(runtime.Config) runtime.Config
}

func newHarness(t *testing.T, opts ...func(*harnessOptions)) *harness {
	t.Helper()
	var o harnessOptions
	for _, f := range opts {
		f(&o)
	}
	ctx := context.Background()
	dir := t.TempDir()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	st, err := store.Open(ctx, filepath.Join(dir, "slotbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rc := runtime.NewConfig().WithCacheDir(filepath.Join(dir, "cache"))
	if o.runtimeCfg != nil {
		rc = o.runtimeCfg(rc)
	}
	engine, err := runtime.NewEngine(ctx, rc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close(ctx) })
	key, err := vault.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := vault.NewSealer(key)
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
	var svc *appstore.Service
	vc := vault.DefaultConfig().WithLogger(logger).
		WithOAuthApps(func(ctx context.Context, slug string) (*vault.OAuthApp, error) { return svc.OAuthApp(ctx, slug) })
	if o.vaultCfg != nil {
		vc = o.vaultCfg(vc)
	}
	v, err := vault.New(st.CredentialStore(), sealer, vc)
	if err != nil {
		t.Fatal(err)
	}
	kvs, err := kv.New(st.KVStore(), kv.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	stateKey, err := appstore.DeriveStateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	var m *metrics.Metrics
	if !o.noMetrics {
		m = metrics.New()
		_ = m.WatchEngine(engine.Stats)
		_ = m.WatchStore(st.Stats)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ac := appstore.DefaultConfig().WithBaseURL(base)
	if o.appCfg != nil {
		ac = o.appCfg(ac)
	}
	deps := appstore.Deps{Store: st, Engine: engine, Vault: v, HTTP: client, KV: kvs, Logger: logger, StateKey: stateKey}
	if m != nil {
		deps.Observer = m
	}
	svc, err = appstore.New(deps, ac)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(ctx) })
	cfg := DefaultConfig()
	if o.apiCfg != nil {
		cfg = o.apiCfg(cfg)
	}
	api, err := New(Deps{Apps: svc, Store: st, Metrics: m, Logger: logger, AdminToken: adminToken}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	}()
	t.Cleanup(func() { srv.Close() })
	h := &harness{t: t, url: base, srv: srv, api: api, st: st, apps: svc, metrics: m, logs: logs,
		client: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if !o.noTenants {
		h.tenA, h.keyA = h.tenant("Tenant A")
		h.tenB, h.keyB = h.tenant("Tenant B")
	}
	return h
}

// tenant creates a tenant and an API key through the admin API.
func (h *harness) tenant(name string) (store.Tenant, string) {
	h.t.Helper()
	var t store.Tenant
	h.mustJSON(h.do("POST", "/api/admin/tenants", admin(), `{"name":"`+name+`"}`), http.StatusCreated, &t)
	var k newAPIKey
	h.mustJSON(h.do("POST", "/api/admin/tenants/"+t.ID+"/keys", admin(), `{"name":"test"}`), http.StatusCreated, &k)
	return t, k.Secret
}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a JSON request (Content-Type application/json when body is set).
func (h *harness) do(method, path string, headers map[string]string, body string) response {
	h.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.url+path, r)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return h.send(req)
}

func (h *harness) send(req *http.Request) response {
	h.t.Helper()
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// mustJSON checks the status and decodes the body into v (when not nil).
func (h *harness) mustJSON(r response, status int, v any) {
	h.t.Helper()
	if r.status != status {
		h.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			h.t.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

func admin() map[string]string { return map[string]string{"Authorization": "Bearer " + adminToken} }

func bearerOf(key string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + key}
}

// scenario is one request and what its answer must hold, PocketBase-style.
type scenario struct {
	name    string
	method  string
	url     string
	headers map[string]string
	body    string
	status  int
	// want are fragments the body must contain (compact JSON); notWant
	// fragments it must not.
	want    []string
	notWant []string
}

func (h *harness) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			h.t = t
			r := h.do(sc.method, sc.url, sc.headers, sc.body)
			if r.status != sc.status {
				t.Fatalf("%s %s: status %d, want %d: %s", sc.method, sc.url, r.status, sc.status, r.body)
			}
			for _, w := range sc.want {
				if !bytes.Contains(r.body, []byte(w)) {
					t.Errorf("body lacks %s: %s", w, r.body)
				}
			}
			for _, w := range sc.notWant {
				if bytes.Contains(r.body, []byte(w)) {
					t.Errorf("body holds %s: %s", w, r.body)
				}
			}
			if r.status >= 400 && r.header.Get("Content-Type") != "" && !bytes.Contains(r.body, []byte(`"code":"`)) {
				t.Errorf("error without a code: %s", r.body)
			}
		})
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// multipartBody builds a multipart/form-data body of named parts.
func multipartBody(t testing.TB, parts ...[2][]byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		fw, err := w.CreateFormFile(string(p[0]), string(p[0]))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(p[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), buf.Bytes()
}

// upload sends an app's config and module as multipart.
func (h *harness) upload(query string, config, wasm []byte) response {
	h.t.Helper()
	ct, body := multipartBody(h.t, [2][]byte{[]byte("config"), config}, [2][]byte{[]byte("wasm"), wasm})
	return h.raw("POST", "/api/admin/apps"+query, ct, body, admin())
}

// raw sends body with a content type.
func (h *harness) raw(method, path, ctype string, body []byte, headers map[string]string) response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return h.send(req)
}

// fixture reads testdata/wasm/<name>.config.json (edited when edit is set)
// and its module.
func fixture(t testing.TB, name string, edit func(map[string]any)) (config, wasm []byte) {
	t.Helper()
	config = readFile(t, filepath.Join(wasmDir, name+".config.json"))
	if edit != nil {
		var m map[string]any
		if err := json.Unmarshal(config, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		var err error
		if config, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	}
	return config, readFile(t, filepath.Join(wasmDir, name+".wasm"))
}

// publish uploads a fixture enabled and returns its slug.
func (h *harness) publish(name string, edit func(map[string]any)) string {
	h.t.Helper()
	cfg, wasm := fixture(h.t, name, edit)
	var res uploadResult
	h.mustJSON(h.upload("?enabled=true", cfg, wasm), http.StatusCreated, &res)
	return res.App.Slug
}

// install creates an installation for the tenant with key.
func (h *harness) install(key, slug, keys string) installation {
	h.t.Helper()
	var in installation
	h.mustJSON(h.do("POST", "/api/installations", bearerOf(key), `{"app":"`+slug+`","keys":`+keys+`}`), http.StatusCreated, &in)
	return in
}

func mustPrefix(t testing.TB, s string) netip.Prefix {
	t.Helper()
	p, err := netip.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
