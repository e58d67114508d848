package appstore

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/store"
)

// refuseUpload is the fixture whose checkKeys refuses every key.
func refuseUpload(t testing.TB) Upload {
	t.Helper()
	cfg, err := os.ReadFile("testdata/refuse.config.json")
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile("testdata/refuse.wasm")
	if err != nil {
		t.Fatal(err)
	}
	return Upload{Manifest: cfg, Wasm: wasm}
}

func TestCreateInstallation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.publish("c-conformance", func(m map[string]any) {
		m["keysSchema"].(map[string]any)["properties"].(map[string]any)["region"] = map[string]any{"type": "string", "enum": []any{"eu", "us"}}
		m["keysSchema"].(map[string]any)["required"] = []any{"api_key"}
	})
	if _, err := e.svc.Publish(ctx, refuseUpload(t), PublishOptions{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Publish(ctx, fixture(t, "small/echo", nil), PublishOptions{}); err != nil { // disabled
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		app, keys string
		paths     []string // problem paths expected
		err       error
		rejected  string // KeysRejectedError message
	}{
		{"valid", "c-conformance", `{"api_key":"k","region":"eu"}`, nil, nil, ""},
		{"missing required key", "c-conformance", `{"region":"eu"}`, []string{"/keys/api_key"}, nil, ""},
		{"unknown key and wrong enum", "c-conformance", `{"api_key":"k","region":"mars-secret-value","extra":"x"}`, []string{"/keys/extra", "/keys/region"}, nil, ""},
		{"wrong type", "c-conformance", `{"api_key":12}`, []string{"/keys/api_key"}, nil, ""},
		{"not an object", "c-conformance", `["api_key"]`, []string{"/keys"}, nil, ""},
		{"unknown app", "nope", `{}`, nil, store.ErrNotFound, ""},
		{"disabled app", "test-echo", `{}`, nil, store.ErrNotFound, ""},
		{"checkKeys refuses", "test-refuse", `{"api_key":"k"}`, nil, nil, "the provider refused this api_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := e.svc.CreateInstallation(ctx, e.a.ID, NewInstallation{App: tt.app, Keys: json.RawMessage(tt.keys)})
			var pe *ProblemsError
			var ke *KeysRejectedError
			switch {
			case tt.paths != nil:
				if !errors.As(err, &pe) {
					t.Fatalf("err = %v, want problems", err)
				}
				got := map[string]bool{}
				for _, p := range pe.Problems {
					got[p.Path] = true
				}
				for _, p := range tt.paths {
					if !got[p] {
						t.Errorf("no problem at %s in %v", p, pe.Problems)
					}
				}
				if strings.Contains(pe.Error(), "mars-secret-value") {
					t.Errorf("problems quote a key value: %v", pe)
				}
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
			case tt.rejected != "":
				if !errors.As(err, &ke) || ke.Message != tt.rejected {
					t.Fatalf("err = %v, want the app's refusal %q", err, tt.rejected)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if in.Status != store.StatusValid || in.Name != "Conformance (C SDK)" {
					t.Fatalf("installation = %+v", in)
				}
			}
		})
	}
	all, _, err := e.st.ListInstallations(ctx, e.a.ID, store.InstallationFilter{}, store.Page{})
	if err != nil || len(all) != 1 {
		t.Fatalf("installations left: %d %v; want only the valid one", len(all), err)
	}
}

func TestUpdateKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.publish("c-conformance", nil)
	in := e.install(e.a, "c-conformance", `{"api_key":"old-key"}`)
	reveal := func() string {
		out, err := e.svc.Call(ctx, e.a.ID, in.ID, "test.vault", []byte(`{"fields":["api_key"]}`))
		if err != nil {
			t.Fatal(err)
		}
		return string(out.Envelope.OK)
	}
	if got := reveal(); got != `{"fields":{"api_key":"old-key"}}` {
		t.Fatalf("reveal = %s", got)
	}
	// Invalid keys change nothing.
	if _, err := e.svc.UpdateKeys(ctx, e.a.ID, in.ID, json.RawMessage(`{"nope":"x"}`)); err == nil {
		t.Fatal("invalid keys accepted")
	}
	if _, err := e.svc.UpdateKeys(ctx, e.b.ID, in.ID, json.RawMessage(`{"api_key":"x"}`)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another tenant's update: %v", err)
	}
	// A credential marked invalid becomes valid with new keys, and the
	// running instance sees the new keys.
	if err := e.st.SetInstallationStatus(ctx, e.a.ID, in.ID, store.StatusInvalid, "revoked"); err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.UpdateKeys(ctx, e.a.ID, in.ID, json.RawMessage(`{"api_key":"new-key"}`))
	if err != nil || got.Status != store.StatusValid {
		t.Fatalf("update: %+v %v", got, err)
	}
	if got := reveal(); got != `{"fields":{"api_key":"new-key"}}` {
		t.Fatalf("reveal after update = %s", got)
	}
}

func TestUpdateKeysRefusedKeepsOld(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// Installed while checkKeys is not implemented, then the app's new
	// version refuses every key.
	pub := e.publish("small/echo", func(m map[string]any) {
		m["slug"], m["name"], m["type"] = "test-refuse", "Refuse (test fixture)", "test-refuse_calendar"
		m["keysSchema"] = map[string]any{"type": "object", "properties": map[string]any{"api_key": map[string]any{"type": "string"}}}
	})
	in := e.install(e.a, "test-refuse", `{"api_key":"old-key"}`)
	if _, err := e.svc.Publish(ctx, refuseUpload(t), PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.UpdateKeys(ctx, e.a.ID, in.ID, json.RawMessage(`{"api_key":"new-key"}`))
	var ke *KeysRejectedError
	if !errors.As(err, &ke) {
		t.Fatalf("err = %v, want the app's refusal", err)
	}
	cred, err := e.vault.Get(ctx, vault.InstallationRef{ID: in.ID, App: pub.App.Slug})
	if err != nil || cred.Keys["api_key"] != "old-key" {
		t.Fatalf("after a refused update the keys are %v (%v); want the old ones", cred.KeyNames(), err)
	}
}

func TestDeleteInstallation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.publish("c-conformance", nil)
	in := e.install(e.a, "c-conformance", `{"api_key":"k"}`)
	if _, err := e.svc.Call(ctx, e.a.ID, in.ID, abi.MethodCalendarListCalendars, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeleteInstallation(ctx, e.b.ID, in.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another tenant's delete: %v", err)
	}
	if err := e.svc.DeleteInstallation(ctx, e.a.ID, in.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Call(ctx, e.a.ID, in.ID, abi.MethodCalendarListCalendars, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("call after delete: %v", err)
	}
	if s := e.engine.Stats(); s.IdleInstances != 0 {
		t.Fatalf("%d idle instances left after delete", s.IdleInstances)
	}
	if err := e.svc.DeleteApp(ctx, "c-conformance"); err != nil {
		t.Fatalf("delete app without installations: %v", err)
	}
}

// TestCanary plants a secret key value and follows it through install,
// calls, a refused update and the audit: it must show up in no error, no
// log line, no call record and no audit entry.
func TestCanary(t *testing.T) {
	const secret = "sk_live_CANARY_6f0c1d2e3a"
	e := newEnv(t)
	ctx := context.Background()
	e.publish("c-conformance", nil)
	if _, err := e.svc.Publish(ctx, refuseUpload(t), PublishOptions{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	in := e.install(e.a, "c-conformance", `{"api_key":"`+secret+`","webhook_secret":"whsec"}`)
	texts := map[string]string{}
	for i, c := range []struct{ method, input string }{
		{abi.MethodCalendarListCalendars, `{}`},
		{"test.vault", `{"fields":["webhook_secret"]}`},
		{"test.vault", `{"fields":["nope"]}`},
		{"test.kv", `{"key":"a","value":"b"}`},
		{"test.http", `{"url":"https://127.0.0.1/"}`},
		{"test.log", `{"level":0,"message":"debug line"}`},
	} {
		out, err := e.svc.Call(ctx, e.a.ID, in.ID, c.method, []byte(c.input))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(out)
		texts["outcome "+c.method+string(rune('0'+i))] = string(b)
	}
	_, err := e.svc.CreateInstallation(ctx, e.a.ID, NewInstallation{App: "test-refuse", Keys: json.RawMessage(`{"api_key":"` + secret + `"}`)})
	texts["refused install"] = errString(err)
	_, err = e.svc.CreateInstallation(ctx, e.a.ID, NewInstallation{App: "c-conformance", Keys: json.RawMessage(`{"api_key":"` + secret + `","x":"` + secret + `"}`)})
	texts["schema-refused install"] = errString(err)
	_, err = e.svc.UpdateKeys(ctx, e.a.ID, in.ID, json.RawMessage(`{"api_key":12,"webhook_secret":"`+secret+`"}`))
	texts["refused update"] = errString(err)

	recs, _, err := e.st.ListCallRecords(ctx, e.a.ID, store.CallRecordFilter{}, store.Page{})
	if err != nil || len(recs) < 6 {
		t.Fatalf("records: %d %v", len(recs), err)
	}
	b, _ := json.Marshal(recs)
	texts["call records"] = string(b)
	audit, _, err := e.st.ListAudit(ctx, e.a.ID, store.Page{})
	if err != nil || len(audit) == 0 {
		t.Fatalf("audit: %v %v", audit, err)
	}
	b, _ = json.Marshal(audit)
	texts["audit"] = string(b)
	texts["logs"] = e.logs.String()
	mustNotContain(t, secret, texts)
	if !strings.Contains(texts["audit"], "vault.reveal") {
		t.Errorf("the reveal was not audited: %s", texts["audit"])
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestPutSetting(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.publish("c-conformance", func(m map[string]any) {
		m["appDataSchema"] = map[string]any{"type": "object", "properties": map[string]any{
			"calendarId": map[string]any{"type": "string"}, "reminders": map[string]any{"type": "integer", "minimum": 0}},
			"additionalProperties": false}
	})
	in := e.install(e.a, "c-conformance", `{}`)
	tests := []struct {
		name   string
		tenant store.Tenant
		data   string
		paths  []string
		err    error
	}{
		{"valid", e.a, `{"calendarId":"work","reminders":2}`, nil, nil},
		{"empty is {}", e.a, ``, nil, nil},
		{"schema problems", e.a, `{"reminders":-1,"color":"red"}`, []string{"/appData/reminders", "/appData/color"}, nil},
		{"not an object", e.a, `[1]`, []string{"/appData"}, nil},
		{"another tenant", e.b, `{}`, nil, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.svc.PutSetting(ctx, tt.tenant.ID, Setting{EventTypeID: "et-1", InstallationID: in.ID, Enabled: true, AppData: json.RawMessage(tt.data)})
			var pe *ProblemsError
			switch {
			case tt.paths != nil:
				if !errors.As(err, &pe) {
					t.Fatalf("err = %v, want problems", err)
				}
				have := map[string]bool{}
				for _, p := range pe.Problems {
					have[p.Path] = true
				}
				for _, p := range tt.paths {
					if !have[p] {
						t.Errorf("no problem at %s: %v", p, pe.Problems)
					}
				}
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
			default:
				if err != nil || !got.Enabled || got.InstallationID != in.ID {
					t.Fatalf("%+v %v", got, err)
				}
			}
		})
	}
}
