package appstore

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

// observer records ObserveCall.
type observer struct {
	mu    sync.Mutex
	calls []string
}

func (o *observer) ObserveCall(app, method, outcome string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, app+" "+method+" "+outcome)
}

func TestCall(t *testing.T) {
	e := newEnv(t)
	obs := &observer{}
	e.svc.observer = obs
	ctx := context.Background()
	e.publish("c-conformance", nil)
	in := e.install(e.a, "c-conformance", `{"api_key":"k-1"}`)

	tests := []struct {
		name    string
		tenant  store.Tenant
		id      string
		method  string
		input   string
		wantOK  string
		wantErr error
		code    abi.Code
	}{
		{"catalogue method", e.a, in.ID, abi.MethodCalendarListCalendars, `{}`, `[]`, nil, ""},
		{"app's own method", e.a, in.ID, "test.echo", `{"x":[1,2]}`, `{"x":[1,2]}`, nil, ""},
		{"kv in its namespace", e.a, in.ID, "test.kv", `{"key":"k","value":"v"}`, `{"value":"v"}`, nil, ""},
		{"app error", e.a, in.ID, "test.error", `{"code":"BOOM","message":"no","retryable":true}`, "", nil, abi.CodeAppError},
		{"not implemented", e.a, in.ID, abi.MethodVideoDeleteMeeting, `{"uid":"m-1"}`, "", nil, abi.CodeNotImplemented},
		// The guest relays the host's refusal as its own error.
		{"vault reveal outside the grant", e.a, in.ID, "test.vault", `{"fields":["password"]}`, "", nil, "APP_ERROR[PERMISSION_DENIED]"},
		{"another tenant's installation", e.b, in.ID, abi.MethodCalendarListCalendars, `{}`, "", store.ErrNotFound, ""},
		{"missing installation", e.a, "ins_nope", abi.MethodCalendarListCalendars, `{}`, "", store.ErrNotFound, ""},
		{"malformed method", e.a, in.ID, "listCalendars", `{}`, "", ErrBadMethod, ""},
		{"method too long", e.a, in.ID, "a." + strings.Repeat("b", 200), `{}`, "", ErrBadMethod, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.svc.Call(ctx, tt.tenant.ID, tt.id, tt.method, []byte(tt.input))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.code != "" {
				if out.Envelope.Error == nil || !strings.HasPrefix(out.Envelope.Error.Error(), string(tt.code)) {
					t.Fatalf("envelope = %+v, want code %s", out.Envelope, tt.code)
				}
			} else if string(out.Envelope.OK) != tt.wantOK {
				t.Fatalf("ok = %s (err %+v), want %s", out.Envelope.OK, out.Envelope.Error, tt.wantOK)
			}
			if out.RecordID == 0 || out.CallID == "" || out.AppSlug != "c-conformance" {
				t.Fatalf("outcome = %+v", out)
			}
			rec, err := e.st.CallRecord(ctx, tt.tenant.ID, out.RecordID)
			if err != nil || rec.Outcome != out.Outcome() || rec.Method != tt.method {
				t.Fatalf("record %+v %v", rec, err)
			}
		})
	}

	t.Run("input must match the schema", func(t *testing.T) {
		_, err := e.svc.Call(ctx, e.a.ID, in.ID, abi.MethodCalendarGetAvailability, []byte(`{"dateFrom":5}`))
		var pe *ProblemsError
		if !errors.As(err, &pe) || len(pe.Problems) == 0 || !strings.HasPrefix(pe.Problems[0].Path, "/input") {
			t.Fatalf("err = %v, want problems under /input", err)
		}
		_, err = e.svc.Call(ctx, e.a.ID, in.ID, "test.echo", []byte(`{not json`))
		if !errors.As(err, &pe) {
			t.Fatalf("err = %v, want problems", err)
		}
	})

	t.Run("logs are captured and recorded", func(t *testing.T) {
		out, err := e.svc.Call(ctx, e.a.ID, in.ID, "test.log", []byte(`{"level":2,"message":"hello from the guest"}`))
		if err != nil || out.Envelope.Error != nil {
			t.Fatalf("%+v %v", out, err)
		}
		if len(out.Logs) != 1 || out.Logs[0].Message != "hello from the guest" || out.Logs[0].Level != abi.LogWarn {
			t.Fatalf("logs = %+v", out.Logs)
		}
		rec, err := e.st.CallRecord(ctx, e.a.ID, out.RecordID)
		if err != nil || !strings.Contains(string(rec.Log), `"level":"warn","message":"hello from the guest"`) {
			t.Fatalf("record log = %s, %v", rec.Log, err)
		}
		if !strings.Contains(e.logs.String(), `"call":"`+out.CallID+`"`) {
			t.Fatal("the call's log line lacks its call id")
		}
	})

	t.Run("disabled app", func(t *testing.T) {
		if _, err := e.svc.SetAppEnabled(ctx, "c-conformance", false); err != nil {
			t.Fatal(err)
		}
		defer e.svc.SetAppEnabled(ctx, "c-conformance", true)
		if _, err := e.svc.Call(ctx, e.a.ID, in.ID, abi.MethodCalendarListCalendars, nil); !errors.Is(err, ErrAppDisabled) {
			t.Fatalf("err = %v, want ErrAppDisabled", err)
		}
	})

	obs.mu.Lock()
	defer obs.mu.Unlock()
	joined := strings.Join(obs.calls, "\n")
	for _, want := range []string{"c-conformance calendar.listCalendars ok", "c-conformance other APP_ERROR", "c-conformance app.checkKeys NOT_IMPLEMENTED"} {
		if !strings.Contains(joined, want) {
			t.Errorf("observed calls lack %q:\n%s", want, joined)
		}
	}
}

// TestCallKeyHosts binds an allow-list entry that names a key: the
// installation's own URL is the only host the app may reach.
func TestCallKeyHosts(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("pong")) }))
	defer api.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("the app reached a host it was not allowed") }))
	defer other.Close()
	e := newEnv(t, func(o *envOptions) {
		o.httpCfg = func(c hhttp.Config) hhttp.Config { return c.WithAllowHTTP(true).WithAllowNet("127.0.0.1") }
	})
	ctx := context.Background()
	e.publish("c-conformance", func(m map[string]any) {
		m["permissions"].(map[string]any)["http"] = map[string]any{"allowedHosts": []any{"{{keys.base_url}}"}}
		m["keysSchema"].(map[string]any)["properties"].(map[string]any)["base_url"] = map[string]any{"type": "string"}
	})
	_, err := e.svc.CreateInstallation(ctx, e.a.ID, NewInstallation{App: "c-conformance", Keys: json.RawMessage(`{"base_url":"not a url"}`)})
	var pe *ProblemsError
	if !errors.As(err, &pe) || pe.Problems[0].Path != "/keys/base_url" || strings.Contains(pe.Error(), "not a url") {
		t.Fatalf("bad base_url: %v; want a problem at /keys/base_url that does not quote the value", err)
	}
	in := e.install(e.a, "c-conformance", `{"base_url":"`+api.URL+`/v1/"}`)
	out, err := e.svc.Call(ctx, e.a.ID, in.ID, "test.http", []byte(`{"url":"`+api.URL+`/ping"}`))
	if err != nil || string(out.Envelope.OK) != `{"status":200,"body":"pong"}` {
		t.Fatalf("call to its own host: %+v %v", out, err)
	}
	out, err = e.svc.Call(ctx, e.a.ID, in.ID, "test.http", []byte(`{"url":"`+other.URL+`/"}`))
	if err != nil || out.Envelope.Error == nil || out.Envelope.Error.AppCode != string(abi.CodePermissionDenied) {
		t.Fatalf("call to another port: %+v %v", out, err)
	}
}

// TestCallAfterRestart proves compiled modules are loaded lazily from the
// store by a new Service on the same data.
func TestCallAfterRestart(t *testing.T) {
	dir := t.TempDir()
	key := mustKey(t)
	e := newEnv(t, func(o *envOptions) { o.dir, o.key = dir, &key })
	ctx := context.Background()
	e.publish("c-conformance", nil)
	in := e.install(e.a, "c-conformance", `{"api_key":"k"}`)
	e.svc.Close(ctx)
	e.st.Close()

	e2 := newEnv(t, func(o *envOptions) { o.dir, o.key = dir, &key })
	if e2.svc.cache.len() != 0 {
		t.Fatal("a new service starts with compiled apps")
	}
	out, err := e2.svc.Call(ctx, in.TenantID, in.ID, "test.vault", []byte(`{"fields":["api_key"]}`))
	if err != nil || string(out.Envelope.OK) != `{"fields":{"api_key":"k"}}` {
		t.Fatalf("after restart: %+v %v", out, err)
	}
	if e2.svc.cache.len() != 1 {
		t.Fatal("the version was not cached")
	}
}

// TestCacheEviction keeps one compiled version and checks that calls keep
// working as versions come and go.
func TestCacheEviction(t *testing.T) {
	e := newEnv(t, func(o *envOptions) { o.cfg = func(c Config) Config { return c.WithMaxCachedApps(1) } })
	ctx := context.Background()
	e.publish("c-conformance", nil)
	e.publish("small/echo", nil)
	a := e.install(e.a, "c-conformance", `{}`)
	b := e.install(e.a, "test-echo", `{}`)
	for range 3 {
		for _, id := range []string{a.ID, b.ID} {
			out, err := e.svc.Call(ctx, e.a.ID, id, abi.MethodCalendarListCalendars, nil)
			if err != nil || string(out.Envelope.OK) != `[]` {
				t.Fatalf("call %s: %+v %v", id, out, err)
			}
			if n := e.svc.cache.len(); n != 1 {
				t.Fatalf("cache holds %d, want 1", n)
			}
		}
	}
}

func TestRecordLog(t *testing.T) {
	if recordLog(nil, 0) != nil {
		t.Fatal("an empty log must record nothing")
	}
	long := strings.Repeat("x", 1000)
	lines := make([]runtime.LogLine, 200)
	for i := range lines {
		lines[i] = runtime.LogLine{Level: abi.LogInfo, Message: long}
	}
	b := recordLog(lines, 3)
	if len(b) > store.MaxCallLogSize {
		t.Fatalf("record log of %d bytes, over %d", len(b), store.MaxCallLogSize)
	}
	var rec logRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Lines)+rec.Dropped != 203 || len(rec.Lines) == 0 {
		t.Fatalf("kept %d, dropped %d", len(rec.Lines), rec.Dropped)
	}
}
