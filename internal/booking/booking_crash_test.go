package booking

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slotbox/slotbox/internal/store"
)

// serverProc is cmd/server running as a child process.
type serverProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	done chan struct{}
}

// buildServer builds cmd/server into a temporary folder.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "slotbox-server")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/server").CombinedOutput()
	if err != nil {
		t.Fatalf("build cmd/server: %v\n%s", err, out)
	}
	return bin
}

// startServer runs the server on dataDir, on a free loopback port, and
// waits until it listens and answers /readyz.
func startServer(t *testing.T, bin, dataDir string) *serverProc {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "SLOTBOX_ADDR=127.0.0.1:0", "SLOTBOX_DATA_DIR="+dataDir, "SLOTBOX_ALLOW_NET=127.0.0.1",
		"SLOTBOX_ALLOW_HTTP=true", "SLOTBOX_LOG_FORMAT=json", "SLOTBOX_CALL_TIMEOUT=60s", "SLOTBOX_ADMIN_TOKEN="+crashAdmin)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProc{t: t, cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.kill() })
	select {
	case a := <-addr:
		p.base = "http://" + a
	case <-p.done:
		t.Fatal("the server exited before listening")
	case <-time.After(2 * time.Minute):
		t.Fatal("the server did not listen within 2 minutes")
	}
	if r := p.request("GET", "/readyz", "", ""); r.status != 200 {
		t.Fatalf("readyz: %d %s", r.status, r.body)
	}
	return p
}

// kill sends SIGKILL and waits for the process to end.
func (p *serverProc) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
	}
	<-p.done
}

const crashAdmin = "crash-test-admin-token-0123456789"

type httpResult struct {
	status int
	body   []byte
}

// request sends a JSON request with a bearer token.
func (p *serverProc) request(method, path, token, body string) httpResult {
	p.t.Helper()
	req, err := http.NewRequest(method, p.base+path, strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return p.send(req)
}

func (p *serverProc) send(req *http.Request) httpResult {
	p.t.Helper()
	resp, err := (&http.Client{Timeout: 2 * time.Minute}).Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return httpResult{resp.StatusCode, b}
}

// must checks the status and decodes the body into v.
func (p *serverProc) must(r httpResult, status int, v any) {
	p.t.Helper()
	if r.status != status {
		p.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			p.t.Fatal(err)
		}
	}
}

// upload publishes the test app as slug in category, enabled.
func (p *serverProc) upload(slug, category string) {
	p.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, part := range []struct {
		name string
		data []byte
	}{{"config", manifest(slug, category, nil)}, {"wasm", peerWasm}} {
		fw, _ := w.CreateFormFile(part.name, part.name)
		fw.Write(part.data)
	}
	w.Close()
	req, _ := http.NewRequest("POST", p.base+"/api/admin/apps?enabled=true", &buf)
	req.Header.Set("Authorization", "Bearer "+crashAdmin)
	req.Header.Set("Content-Type", w.FormDataContentType())
	p.must(p.send(req), http.StatusCreated, nil)
}

// TestCrashMidHooks runs cmd/server as a child process, creates a booking
// whose calendar and CRM steps block in their upstream, kills the server
// with SIGKILL while they block, starts it again on the same data folder
// and releases the upstream: every hook is done exactly once (the peer
// counts what it did per booking uid), and the booking settles with every
// step a success.
func TestCrashMidHooks(t *testing.T) {
	bin := buildServer(t)
	dataDir := t.TempDir()
	pr := newPeer(t)
	calArrived, releaseCal := pr.holdCalls("crash-cal", "calendar.createEvent")
	crmArrived, releaseCRM := pr.holdCalls("crash-crm", "crm.createEvent")
	defer releaseCal()
	defer releaseCRM()

	p := startServer(t, bin, dataDir)
	var tenant store.Tenant
	p.must(p.request("POST", "/api/admin/tenants", crashAdmin, `{"name":"crash"}`), 201, &tenant)
	var key struct{ Secret string }
	p.must(p.request("POST", "/api/admin/tenants/"+tenant.ID+"/keys", crashAdmin, `{"name":"k"}`), 201, &key)
	apps := []struct{ slug, category string }{
		{"crash-video", "conferencing"}, {"crash-cal", "calendar"}, {"crash-crm", "crm"}, {"crash-auto", "automation"},
	}
	for _, a := range apps {
		p.upload(a.slug, a.category)
		var in struct{ ID string }
		keys, _ := json.Marshal(map[string]any{"app": a.slug, "keys": map[string]string{"base_url": pr.srv.URL + "/" + a.slug}})
		p.must(p.request("POST", "/api/installations", key.Secret, string(keys)), 201, &in)
		p.must(p.request("PUT", "/api/event-types/et/apps/"+in.ID, key.Secret, `{"appData":{}}`), 200, nil)
	}
	ev := event("crash", time.Now().Add(24*time.Hour), nil)
	ev = bytes.Replace(ev, []byte(`"title"`), []byte(`"location":"integrations:crash-video","title"`), 1)
	var v View
	p.must(p.request("POST", "/api/bookings", key.Secret, `{"eventTypeId":"et","event":`+string(ev)+`}`), 201, &v)
	for _, ch := range []<-chan struct{}{calArrived, crmArrived} {
		select {
		case <-ch:
		case <-time.After(2 * time.Minute):
			t.Fatal("the blocked hooks did not start")
		}
	}
	if n := pr.performedCount("crash-video", "video.createMeeting", "crash"); n != 1 {
		t.Fatalf("video meeting made %d times before the crash", n)
	}
	p.kill() // SIGKILL with the calendar and CRM calls in flight

	p = startServer(t, bin, dataDir)
	releaseCal()
	releaseCRM()
	deadline := time.Now().Add(3 * time.Minute)
	for !v.Settled {
		if time.Now().After(deadline) {
			t.Fatalf("not settled after the restart: %s", describe(v))
		}
		// Long-poll: the server answers when the steps settle or after 20 s.
		p.must(p.request("GET", "/api/bookings/"+v.Booking.ID+"?wait=20s", key.Secret, ""), 200, &v)
	}
	for _, a := range v.Apps {
		if a.Status != store.AppStatusSuccess {
			t.Errorf("%s %s: %s %s %s", a.App, a.Step, a.Status, a.ErrorCode, a.ErrorMessage)
		}
	}
	for _, h := range []struct{ app, method string }{
		{"crash-video", "video.createMeeting"}, {"crash-cal", "calendar.createEvent"}, {"crash-crm", "crm.createEvent"},
		{"crash-auto", "automation.onTrigger"},
	} {
		if n := pr.performedCount(h.app, h.method, "crash"); n != 1 {
			t.Errorf("%s %s done %d times, want exactly once", h.app, h.method, n)
		}
	}
	if len(v.References) != 3 {
		t.Errorf("references %+v", v.References)
	}
	// The blocked calls reached the peer twice (before and after the
	// crash); only the second was done.
	if n := len(pr.callsOf("crash-cal", "calendar.createEvent")); n != 2 {
		t.Errorf("calendar.createEvent reached the peer %d times, want 2", n)
	}
}
