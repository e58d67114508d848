package booking

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
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
	"github.com/slotbox/slotbox/internal/jobs"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/internal/webhook"
	"github.com/slotbox/slotbox/runtime"
)

// peerWasm is the test app (testdata/peerapp, built by testdata/build.sh).
var peerWasm = func() []byte {
	b, err := os.ReadFile("testdata/peerapp.wasm")
	if err != nil {
		panic(err)
	}
	return b
}()

// cacheDir is shared by every test's engine, so the test app compiles once.
var cacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "booking-wasm-cache-")
	if err != nil {
		panic(err)
	}
	cacheDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// call is one request the peer received.
type call struct {
	App    string
	Method string
	UID    string
	Body   json.RawMessage
}

// answer is what the peer answers one call with; nil Body answers the
// default.
type answer struct {
	Status int
	Body   any
}

// peer plays every app's upstream: POST /{app}/{method}. It records each
// call, counts the calls it performed (answered 2xx to a client still
// there) by app, method and booking uid, and answers with defaults unless
// a test scripts an answer or holds the call.
type peer struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	calls     []call
	performed map[string]int                     // app/method/uid -> count
	script    map[string][]answer                // app/method -> next answers
	hold      map[string]chan struct{}           // app/method -> closed to release
	arrived   map[string]chan struct{}           // app/method -> closed at the first held call
	seen      chan call                          // every call, for tests that wait on one
	handler   map[string]func(c call) (int, any) // app/method -> custom answer
	busy      map[string][]abi.EventBusyDate     // app -> busy times
	contacts  map[string]map[string]bool         // app -> known contact emails
}

func newPeer(t testing.TB) *peer {
	p := &peer{t: t, performed: map[string]int{}, script: map[string][]answer{}, hold: map[string]chan struct{}{},
		arrived: map[string]chan struct{}{}, seen: make(chan call, 1024), handler: map[string]func(call) (int, any){},
		busy: map[string][]abi.EventBusyDate{}, contacts: map[string]map[string]bool{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

// uidOf finds the booking uid a call is about.
func uidOf(body []byte) string {
	var in struct {
		Event      struct{ UID string }        `json:"event"`
		Payload    struct{ UID string }        `json:"payload"`
		Data       struct{ BookingUID string } `json:"data"`
		Booking    struct{ UID string }        `json:"booking"`
		EventTitle string                      `json:"eventTitle"`
	}
	_ = json.Unmarshal(body, &in)
	for _, s := range []string{in.Event.UID, in.Payload.UID, in.Data.BookingUID, in.Booking.UID, strings.TrimPrefix(in.EventTitle, "Intro ")} {
		if s != "" {
			return s
		}
	}
	return ""
}

func (p *peer) serve(w http.ResponseWriter, r *http.Request) {
	app, method, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	body, _ := io.ReadAll(r.Body)
	c := call{App: app, Method: method, UID: uidOf(body), Body: body}
	key := app + "/" + method
	p.mu.Lock()
	p.calls = append(p.calls, c)
	hold, held := p.hold[key]
	if held {
		if a, ok := p.arrived[key]; ok {
			close(a)
			delete(p.arrived, key)
		}
	}
	var scripted *answer
	if q := p.script[key]; len(q) > 0 {
		scripted = &q[0]
		p.script[key] = q[1:]
	}
	custom := p.handler[key]
	p.mu.Unlock()
	select {
	case p.seen <- c:
	default:
	}
	if held {
		select {
		case <-hold:
		case <-r.Context().Done():
			return // the caller went away: nothing was done
		}
	}
	status, out := http.StatusOK, any(nil)
	switch {
	case scripted != nil:
		status, out = scripted.Status, scripted.Body
	case custom != nil:
		status, out = custom(c)
	}
	if out == nil && status < 300 {
		out = p.defaultAnswer(c)
	}
	if r.Context().Err() != nil {
		return
	}
	if status < 300 {
		p.mu.Lock()
		p.performed[key+"/"+c.UID]++
		p.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(out)
}

// defaultAnswer is what each method answers when nothing is scripted.
func (p *peer) defaultAnswer(c call) any {
	switch c.Method {
	case "calendar.createEvent", "calendar.updateEvent":
		var in struct{ Event abi.CalendarEvent }
		json.Unmarshal(c.Body, &in)
		return abi.NewCalendarEventType{UID: "cal-" + c.UID, ID: "cal-" + c.UID, Type: c.App, URL: "https://cal.example/" + c.UID}
	case "calendar.getAvailability":
		p.mu.Lock()
		defer p.mu.Unlock()
		if b := p.busy[c.App]; b != nil {
			return b
		}
		return []abi.EventBusyDate{}
	case "video.createMeeting", "video.updateMeeting":
		return abi.VideoCallData{Type: c.App, ID: "meet-" + c.UID, Password: "pw", URL: "https://meet.example/" + c.UID}
	case "crm.getContacts":
		var in abi.CRMGetContactsInput
		json.Unmarshal(c.Body, &in)
		p.mu.Lock()
		defer p.mu.Unlock()
		out := []abi.Contact{}
		for _, e := range in.Emails {
			if p.contacts[c.App][e] {
				out = append(out, abi.Contact{ID: "contact-" + e, Email: e})
			}
		}
		return out
	case "crm.createContacts":
		var in abi.CRMCreateContactsInput
		json.Unmarshal(c.Body, &in)
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.contacts[c.App] == nil {
			p.contacts[c.App] = map[string]bool{}
		}
		out := []abi.Contact{}
		for _, ci := range in.Contacts {
			p.contacts[c.App][ci.Email] = true
			out = append(out, abi.Contact{ID: "contact-" + ci.Email, Email: ci.Email})
		}
		return out
	case "crm.createEvent", "crm.updateEvent":
		return abi.CrmEvent{ID: "crm-" + c.UID}
	case "payment.create":
		return abi.PaymentCreateResult{ID: "pi_" + c.UID, URL: "https://pay.example/" + c.UID}
	case "payment.update":
		var in abi.PaymentUpdateInput
		json.Unmarshal(c.Body, &in)
		return abi.PaymentUpdateResult{ID: in.PaymentID, Success: true}
	case "payment.deletePayment":
		return abi.PaymentDeletePaymentResult{Deleted: true}
	case "payment.handleWebhook":
		var in abi.PaymentHandleWebhookInput
		json.Unmarshal(c.Body, &in)
		if in.Headers["x-test-signature"] != "valid" {
			return nil
		}
		return json.RawMessage(in.Body)
	}
	return map[string]any{}
}

// performedCount is how many calls of app/method about uid the peer did.
func (p *peer) performedCount(app, method, uid string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.performed[app+"/"+method+"/"+uid]
}

// callsOf returns the calls of app/method in order; every call of app
// when method is "".
func (p *peer) callsOf(app, method string) []call {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []call
	for _, c := range p.calls {
		if c.App == app && (method == "" || c.Method == method) {
			out = append(out, c)
		}
	}
	return out
}

// respond scripts the next answers of app/method.
func (p *peer) respond(app, method string, as ...answer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.script[app+"/"+method] = append(p.script[app+"/"+method], as...)
}

// holdCalls makes app/method wait until release is called; arrived is
// closed when the first held call comes in.
func (p *peer) holdCalls(app, method string) (arrived <-chan struct{}, release func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h, a := make(chan struct{}), make(chan struct{})
	p.hold[app+"/"+method], p.arrived[app+"/"+method] = h, a
	var once sync.Once
	return a, func() { once.Do(func() { close(h) }) }
}

// env is a booking Service on the real store, runtime, app store, River
// and webhooks, with one tenant and a peer.
type env struct {
	t      testing.TB
	ctx    context.Context
	st     *store.Store
	apps   *appstore.Service
	runner *jobs.Runner
	hooks  *webhook.Service
	svc    *Service
	tenant store.Tenant
	peer   *peer
}

type envOpts struct {
	maxAttempts int
	cfg         func(Config) Config
	http        func(hhttp.Config) hhttp.Config
}

func newEnv(t testing.TB, opts ...func(*envOpts)) *env {
	t.Helper()
	o := envOpts{maxAttempts: 3}
	for _, f := range opts {
		f(&o)
	}
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "slotbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	engine, err := runtime.NewEngine(ctx, runtime.NewConfig().WithCacheDir(cacheDir).WithTimeout(10*time.Second))
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
	logger := slog.New(slog.DiscardHandler)
	var apps *appstore.Service
	v, err := vault.New(st.CredentialStore(), sealer, vault.DefaultConfig().WithLogger(logger).
		WithOAuthApps(func(ctx context.Context, slug string) (*vault.OAuthApp, error) { return apps.OAuthApp(ctx, slug) }))
	if err != nil {
		t.Fatal(err)
	}
	policy := hhttp.NewConfig().WithAllowHTTP(true).WithAllowNet("127.0.0.1").WithRateLimit(1000, 1000).WithMaxConcurrent(64)
	if o.http != nil {
		policy = o.http(policy)
	}
	client, err := hhttp.New(policy)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	kvs, err := kv.New(st.KVStore(), kv.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	stateKey, err := appstore.DeriveStateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	apps, err = appstore.New(appstore.Deps{Store: st, Engine: engine, Vault: v, HTTP: client, KV: kvs, Logger: logger, StateKey: stateKey},
		appstore.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { apps.Close(ctx) })
	runner, err := jobs.New(st, jobs.DefaultConfig().WithMaxAttempts(o.maxAttempts).
		WithBackoff(time.Millisecond, 2, 5*time.Millisecond, 0.25).WithPollInterval(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	hooks, err := webhook.New(webhook.Deps{Store: st, Jobs: runner, Sealer: sealer, HTTP: policy}, webhook.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hooks.Close)
	cfg := DefaultConfig().WithMaxWait(time.Minute)
	if o.cfg != nil {
		cfg = o.cfg(cfg)
	}
	svc, err := New(Deps{Store: st, Apps: apps, Jobs: runner, Webhooks: hooks, Sealer: sealer, Logger: logger}, cfg)
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
	tenant, err := st.CreateTenant(ctx, "Tenant")
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, st: st, apps: apps, runner: runner, hooks: hooks, svc: svc, tenant: tenant, peer: newPeer(t)}
}

// manifest is the test app's manifest for slug in category, changed by edit.
func manifest(slug, category string, edit func(m map[string]any)) []byte {
	m := map[string]any{
		"name": slug, "slug": slug, "categories": []string{category}, "publisher": "Slotbox tests",
		"email": "tests@slotbox.invalid", "description": "Booking test app " + slug, "abi": "slotbox/1",
		"permissions": map[string]any{
			"http":  map[string]any{"allowedHosts": []string{"{{keys.base_url}}"}},
			"vault": map[string]any{"reveal": []string{"base_url"}},
		},
		"keysSchema": map[string]any{"type": "object", "properties": map[string]any{"base_url": map[string]any{"type": "string"}},
			"required": []string{"base_url"}},
	}
	if category == "conferencing" {
		m["appData"] = map[string]any{"location": map[string]any{"type": "integrations:" + slug, "label": slug, "linkType": "dynamic"}}
	}
	if edit != nil {
		edit(m)
	}
	b, _ := json.Marshal(m)
	return b
}

// install publishes the test app as slug in category and installs it for
// the tenant, its upstream at the peer's /{slug}.
func (e *env) install(slug, category string, edit func(map[string]any)) string {
	e.t.Helper()
	if _, err := e.apps.Publish(e.ctx, appstore.Upload{Manifest: manifest(slug, category, edit), Wasm: peerWasm},
		appstore.PublishOptions{Enabled: true}); err != nil {
		e.t.Fatalf("publish %s: %v", slug, err)
	}
	keys, _ := json.Marshal(map[string]string{"base_url": e.peer.srv.URL + "/" + slug})
	in, err := e.apps.CreateInstallation(e.ctx, e.tenant.ID, appstore.NewInstallation{App: slug, Keys: keys})
	if err != nil {
		e.t.Fatalf("install %s: %v", slug, err)
	}
	return in.ID
}

// enable turns an installation on for an event type with appData.
func (e *env) enable(eventType, installationID, appData string) {
	e.t.Helper()
	if _, err := e.apps.PutSetting(e.ctx, e.tenant.ID, appstore.Setting{EventTypeID: eventType, InstallationID: installationID,
		Enabled: true, AppData: json.RawMessage(appData)}); err != nil {
		e.t.Fatal(err)
	}
}

// event is a CalendarEvent for uid starting at start, 30 minutes long.
func event(uid string, start time.Time, mod func(*abi.CalendarEvent)) json.RawMessage {
	ev := abi.CalendarEvent{Type: "intro", Title: "Intro " + uid, UID: uid,
		StartTime: start.UTC().Format(time.RFC3339), EndTime: start.Add(30 * time.Minute).UTC().Format(time.RFC3339),
		Organizer: abi.Person{Name: "Olivia", Email: "olivia@example.com", TimeZone: "Europe/Paris", Language: abi.Language{Locale: "en"}},
		Attendees: []abi.Person{{Name: "Ada", Email: "ada@example.com", TimeZone: "Europe/London", Language: abi.Language{Locale: "en"}}},
	}
	if mod != nil {
		mod(&ev)
	}
	b, _ := json.Marshal(ev)
	return b
}

// settle waits for a booking's steps to settle and fails the test if they
// do not within a minute.
func (e *env) settle(bookingID string) View {
	e.t.Helper()
	v, err := e.svc.Wait(e.ctx, e.tenant.ID, bookingID, time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	if !v.Settled {
		e.t.Fatalf("booking %s did not settle: %s", bookingID, describe(v))
	}
	return v
}

// describe prints a view's steps for failure messages.
func describe(v View) string {
	var b bytes.Buffer
	for _, a := range v.Apps {
		b.WriteString("\n  " + a.App + " " + a.Step + " " + a.Status + " " + a.State + " " + a.ErrorCode + " " + a.ErrorMessage)
	}
	return b.String()
}

// outcome returns the app outcome of a step, failing when there is none.
func outcomeOf(t *testing.T, v View, installationID, step string) AppOutcome {
	t.Helper()
	for _, a := range v.Apps {
		if a.InstallationID == installationID && a.Step == step {
			return a
		}
	}
	t.Fatalf("no outcome for %s %s: %s", installationID, step, describe(v))
	return AppOutcome{}
}

// unmarshal decodes JSON or fails the test.
func unmarshal(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}
