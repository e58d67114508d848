package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	slotbox "github.com/slotbox/slotbox"
)

const wasmDir = "../../testdata/wasm"

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

// running is a server started by run in this process.
type running struct {
	t          *testing.T
	url        string
	dataDir    string
	adminToken string
	cancel     context.CancelFunc
	done       chan int // run's exit code
	logs       *syncBuffer
	shutdown   chan struct{}
	registered chan error
}

// start runs the server on a loopback port with dataDir and extra
// environment, and returns once it listens.
func start(t *testing.T, dataDir string, env []string, h hooks) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{t: t, dataDir: dataDir, cancel: cancel, done: make(chan int, 1), logs: &syncBuffer{},
		shutdown: make(chan struct{}), registered: make(chan error, 1)}
	listening := make(chan net.Addr, 1)
	h.onListen = func(a net.Addr) { listening <- a }
	var once sync.Once
	h.onShutdown = func() { once.Do(func() { close(r.shutdown) }) }
	h.onRegistered = func(_ int, err error) { r.registered <- err }
	env = append([]string{"SLOTBOX_ADDR=127.0.0.1:0", "SLOTBOX_DATA_DIR=" + dataDir, "SLOTBOX_LOG_FORMAT=json", "SLOTBOX_LOG_LEVEL=debug"}, env...)
	go func() { r.done <- run(ctx, nil, env, io.Discard, r.logs, h) }()
	select {
	case a := <-listening:
		r.url = "http://" + a.String()
	case code := <-r.done:
		t.Fatalf("run exited with %d before listening:\n%s", code, r.logs.String())
	}
	tok, err := os.ReadFile(filepath.Join(dataDir, "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	r.adminToken = strings.TrimSpace(string(tok))
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

// stop shuts the server down gracefully and checks it exited cleanly.
func (r *running) stop() {
	r.t.Helper()
	r.cancel()
	if code := <-r.done; code != 0 {
		r.t.Fatalf("run exited with %d:\n%s", code, r.logs.String())
	}
	r.done <- 0 // for the cleanup
}

// call sends a request and decodes a JSON answer into v.
func (r *running) call(method, path, auth, ctype string, body []byte, status int, v any) []byte {
	r.t.Helper()
	req, err := http.NewRequest(method, r.url+path, bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		r.t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, status)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			r.t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return b
}

func (r *running) json(method, path, auth, body string, status int, v any) []byte {
	r.t.Helper()
	ctype := ""
	if body != "" {
		ctype = "application/json"
	}
	return r.call(method, path, auth, ctype, []byte(body), status, v)
}

// upload sends config and module as multipart, enabled.
func (r *running) upload(config, wasm []byte) {
	r.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range []struct {
		name string
		b    []byte
	}{{"config", config}, {"wasm", wasm}} {
		fw, _ := w.CreateFormFile(p.name, p.name)
		_, _ = fw.Write(p.b)
	}
	_ = w.Close()
	r.call("POST", "/api/admin/apps?enabled=true", r.adminToken, w.FormDataContentType(), buf.Bytes(), http.StatusCreated, nil)
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(wasmDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, nil, &out, &errOut, hooks{}); code != 0 {
		t.Fatalf("--help exited %d: %s", code, errOut.String())
	}
	for _, env := range []string{"SLOTBOX_ADDR", "SLOTBOX_DATA_DIR", "SLOTBOX_MASTER_KEY_FILE", "SLOTBOX_ADMIN_TOKEN_FILE", "SLOTBOX_METRICS_ALLOW", "SLOTBOX_CALL_TIMEOUT", ":8080", "./data"} {
		if !strings.Contains(out.String(), env) {
			t.Errorf("--help lacks %s", env)
		}
	}
}

func TestBadConfig(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, []string{"SLOTBOX_LOG_FORMAT=xml"}, &out, &errOut, hooks{})
	if code != 2 || !strings.Contains(errOut.String(), "SLOTBOX_LOG_FORMAT") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	// A master key file that group or others can read is refused.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "master.key"), []byte("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	code = run(context.Background(), nil, []string{"SLOTBOX_DATA_DIR=" + dir, "SLOTBOX_ADDR=127.0.0.1:0"}, &out, &errOut, hooks{skipFirstParty: true})
	if code != 1 || !strings.Contains(errOut.String(), "chmod 600") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}

// TestRestart starts a server on a fresh data folder, checks the embedded
// first-party apps are there, writes data, stops it gracefully, starts a
// new one on the same folder and reads everything back.
func TestRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s1 := start(t, dir, nil, hooks{})
	if err := <-s1.registered; err != nil {
		t.Fatalf("first-party registration: %v", err)
	}
	embedded, err := slotbox.FirstPartyApps()
	if err != nil {
		t.Fatal(err)
	}
	var apps struct {
		Items []struct {
			Slug       string
			Enabled    bool
			FirstParty bool
		}
	}
	s1.json("GET", "/api/admin/apps?limit=500", s1.adminToken, "", 200, &apps)
	have := map[string]bool{}
	for _, a := range apps.Items {
		have[a.Slug] = a.FirstParty && a.Enabled
	}
	for _, a := range embedded {
		if !have[a.Slug] {
			t.Errorf("first-party app %s is not registered and enabled", a.Slug)
		}
	}

	var ten struct{ ID string }
	s1.json("POST", "/api/admin/tenants", s1.adminToken, `{"name":"Acme"}`, 201, &ten)
	var key struct{ Secret string }
	s1.json("POST", "/api/admin/tenants/"+ten.ID+"/keys", s1.adminToken, `{"name":"k"}`, 201, &key)
	s1.upload(readFixture(t, "c-conformance.config.json"), readFixture(t, "c-conformance.wasm"))
	var in struct{ ID string }
	s1.json("POST", "/api/installations", key.Secret, `{"app":"c-conformance","keys":{"api_key":"restart-key"}}`, 201, &in)
	s1.json("POST", "/api/installations/"+in.ID+"/call", key.Secret, `{"method":"test.kv","input":{"key":"k","value":"v"}}`, 200, nil)
	s1.json("PUT", "/api/event-types/et-1/apps/"+in.ID, key.Secret, `{"appData":{}}`, 200, nil)
	s1.stop()

	s2 := start(t, dir, nil, hooks{})
	if err := <-s2.registered; err != nil {
		t.Fatalf("second registration: %v", err)
	}
	if !strings.Contains(s2.logs.String(), `"published_now":0`) {
		t.Error("the restart published first-party apps again")
	}
	if s2.adminToken != s1.adminToken {
		t.Fatal("the admin token changed across restarts")
	}
	s2.json("GET", "/api/admin/tenants/"+ten.ID, s2.adminToken, "", 200, nil)
	s2.json("GET", "/api/installations/"+in.ID, key.Secret, "", 200, nil)
	s2.json("GET", "/api/event-types/et-1/apps/"+in.ID, key.Secret, "", 200, nil)
	var recs struct{ Items []struct{ Method string } }
	s2.json("GET", "/api/call-records?installation="+in.ID, key.Secret, "", 200, &recs)
	if len(recs.Items) != 2 || recs.Items[0].Method != "test.kv" {
		t.Fatalf("call records after restart: %+v", recs.Items)
	}
	// The credential opens with the master key kept in the data folder.
	var res struct {
		Envelope json.RawMessage
	}
	s2.json("POST", "/api/installations/"+in.ID+"/call", key.Secret, `{"method":"test.vault","input":{"fields":["api_key"]}}`, 200, &res)
	if string(res.Envelope) != `{"ok":{"fields":{"api_key":"restart-key"}}}` {
		t.Fatalf("after restart: %s", res.Envelope)
	}
	s2.stop()
}

// TestGracefulShutdownFinishesInFlightCall starts a call that waits on a
// loopback API, asks the server to stop, checks that it no longer accepts
// connections, then releases the API: the call in flight still answers.
func TestGracefulShutdownFinishesInFlightCall(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
		_, _ = w.Write([]byte("released"))
	}))
	defer api.Close()
	apiAddr := strings.TrimPrefix(api.URL, "http://")

	s := start(t, t.TempDir(), []string{"SLOTBOX_ALLOW_NET=" + apiAddr, "SLOTBOX_ALLOW_HTTP=on", "SLOTBOX_CALL_TIMEOUT=60s"}, hooks{skipFirstParty: true})
	cfg := readFixture(t, "c-conformance.config.json")
	var m map[string]any
	_ = json.Unmarshal(cfg, &m)
	m["permissions"].(map[string]any)["http"] = map[string]any{"allowedHosts": []any{api.URL}}
	cfg, _ = json.Marshal(m)
	s.upload(cfg, readFixture(t, "c-conformance.wasm"))
	var ten struct{ ID string }
	s.json("POST", "/api/admin/tenants", s.adminToken, `{"name":"Acme"}`, 201, &ten)
	var key struct{ Secret string }
	s.json("POST", "/api/admin/tenants/"+ten.ID+"/keys", s.adminToken, `{}`, 201, &key)
	var in struct{ ID string }
	s.json("POST", "/api/installations", key.Secret, `{"app":"c-conformance","keys":{}}`, 201, &in)

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("POST", s.url+"/api/installations/"+in.ID+"/call",
			strings.NewReader(`{"method":"test.http","input":{"url":"`+api.URL+`/slow"}}`))
		req.Header.Set("Authorization", "Bearer "+key.Secret)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- result{status: resp.StatusCode, body: string(b)}
	}()
	<-arrived // the call is in flight, inside the app's host call
	s.cancel()
	<-s.shutdown
	if c, err := net.DialTimeout("tcp", strings.TrimPrefix(s.url, "http://"), time.Second); err == nil {
		c.Close()
		t.Fatal("the server still accepts connections while shutting down")
	}
	close(release)
	res := <-got
	if res.err != nil || res.status != 200 || !strings.Contains(res.body, `"envelope":{"ok":{"status":200,"body":"released"}}`) {
		t.Fatalf("the call in flight: %+v", res)
	}
	if code := <-s.done; code != 0 {
		t.Fatalf("run exited with %d:\n%s", code, s.logs.String())
	}
	s.done <- 0
}
