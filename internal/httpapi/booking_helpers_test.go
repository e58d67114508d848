package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/kv"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/appstore"
	"github.com/slotbox/slotbox/internal/booking"
	"github.com/slotbox/slotbox/internal/jobs"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/internal/webhook"
	"github.com/slotbox/slotbox/runtime"
)

// peerAppWasm is the booking tests' app: every method forwarded to
// {base_url}/{method} (internal/booking/testdata/peerapp).
const peerAppWasm = "../booking/testdata/peerapp.wasm"

// bookingHarness is the real API with the booking services, on loopback,
// with a peer playing the apps' upstreams.
type bookingHarness struct {
	*harness
	bookings *booking.Service
	peer     *httptest.Server

	mu    sync.Mutex
	calls map[string]int // method -> calls
	fail  map[string]int // method -> status to answer
}

func newBookingHarness(t *testing.T) *bookingHarness {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	st, err := store.Open(ctx, filepath.Join(dir, "slotbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	engine, err := runtime.NewEngine(ctx, runtime.NewConfig().WithCacheDir(filepath.Join(dir, "cache")).WithTimeout(10*time.Second))
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
	policy := hhttp.NewConfig().WithAllowHTTP(true).WithAllowNet("127.0.0.1").WithLogger(logger)
	client, err := hhttp.New(policy)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	var apps *appstore.Service
	v, err := vault.New(st.CredentialStore(), sealer, vault.DefaultConfig().WithLogger(logger).
		WithOAuthApps(func(ctx context.Context, slug string) (*vault.OAuthApp, error) { return apps.OAuthApp(ctx, slug) }))
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
	if apps, err = appstore.New(appstore.Deps{Store: st, Engine: engine, Vault: v, HTTP: client, KV: kvs, Logger: logger, StateKey: stateKey},
		appstore.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { apps.Close(ctx) })
	runner, err := jobs.New(st, jobs.DefaultConfig().WithMaxAttempts(2).WithBackoff(time.Millisecond, 2, 5*time.Millisecond, 0.2).
		WithPollInterval(50*time.Millisecond).WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	hooks, err := webhook.New(webhook.Deps{Store: st, Jobs: runner, Sealer: sealer, HTTP: policy, Logger: logger}, webhook.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hooks.Close)
	bookings, err := booking.New(booking.Deps{Store: st, Apps: apps, Jobs: runner, Webhooks: hooks, Sealer: sealer, Logger: logger},
		booking.DefaultConfig().WithAvailabilityTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		runner.Stop(sctx)
	})
	api, err := New(Deps{Apps: apps, Store: st, Logger: logger, AdminToken: adminToken,
		Booking: BookingDeps{Bookings: bookings, Webhooks: hooks}}, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
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
	h := &harness{t: t, url: "http://" + ln.Addr().String(), srv: srv, api: api, st: st, apps: apps, logs: logs,
		client: &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	h.tenA, h.keyA = h.tenant("Tenant A")
	h.tenB, h.keyB = h.tenant("Tenant B")
	bh := &bookingHarness{harness: h, bookings: bookings, calls: map[string]int{}, fail: map[string]int{}}
	bh.peer = httptest.NewServer(http.HandlerFunc(bh.servePeer))
	t.Cleanup(bh.peer.Close)
	return bh
}

// servePeer answers the apps' upstream calls: /{app}/{method}.
func (b *bookingHarness) servePeer(w http.ResponseWriter, r *http.Request) {
	_, method, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	body, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	b.calls[method]++
	status := b.fail[method]
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if status != 0 {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"code": "PEER_DOWN", "message": "peer down"})
		return
	}
	var in struct {
		Event   abi.CalendarEvent `json:"event"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	}
	json.Unmarshal(body, &in)
	var out any = map[string]any{}
	switch method {
	case "calendar.createEvent", "calendar.updateEvent":
		out = abi.NewCalendarEventType{UID: "cal-" + in.Event.UID, ID: "cal-" + in.Event.UID}
	case "calendar.getAvailability":
		out = []abi.EventBusyDate{{Start: "2030-01-01T10:00:00Z", End: "2030-01-01T11:00:00Z"}}
	case "payment.handleWebhook":
		if in.Headers["x-provider-signature"] != "ok" {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]string{"code": "INVALID_SIGNATURE", "message": "signature does not verify"})
			return
		}
		out = json.RawMessage(in.Body)
	}
	json.NewEncoder(w).Encode(out)
}

// install publishes the peer app as slug in category and installs it for
// tenant A.
func (b *bookingHarness) install(slug, category string) string {
	b.t.Helper()
	m, _ := json.Marshal(map[string]any{
		"name": slug, "slug": slug, "categories": []string{category}, "publisher": "Slotbox tests",
		"email": "tests@slotbox.invalid", "description": "Booking route test app", "abi": "slotbox/1",
		"permissions": map[string]any{
			"http":  map[string]any{"allowedHosts": []string{"{{keys.base_url}}"}},
			"vault": map[string]any{"reveal": []string{"base_url"}},
		},
		"keysSchema": map[string]any{"type": "object", "properties": map[string]any{"base_url": map[string]any{"type": "string"}}},
	})
	if _, err := b.apps.Publish(context.Background(), appstore.Upload{Manifest: m, Wasm: readFile(b.t, peerAppWasm)},
		appstore.PublishOptions{Enabled: true}); err != nil {
		b.t.Fatalf("publish %s: %v", slug, err)
	}
	keys, _ := json.Marshal(map[string]string{"base_url": b.peer.URL + "/" + slug})
	in, err := b.apps.CreateInstallation(context.Background(), b.tenA.ID, appstore.NewInstallation{App: slug, Keys: keys})
	if err != nil {
		b.t.Fatalf("install %s: %v", slug, err)
	}
	return in.ID
}
