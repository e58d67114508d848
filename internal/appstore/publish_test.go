package appstore

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

func TestPublish(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pub := e.publish("c-conformance", nil)
	if !pub.Created || pub.App.Slug != "c-conformance" || pub.Version.Version != 1 || !pub.App.Enabled || pub.App.Category != "calendar" {
		t.Fatalf("first publish: %+v", pub)
	}
	again := e.publish("c-conformance", nil)
	if again.Created || again.Version.ID != pub.Version.ID {
		t.Fatalf("same module again: %+v; want the existing version", again)
	}
	// A changed manifest with the same module is still the same version.
	edited := e.publish("c-conformance", func(m map[string]any) { m["description"] = "changed" })
	if edited.Created {
		t.Fatalf("same module, new description: created a version")
	}
	if n := e.svc.cache.len(); n != 1 {
		t.Fatalf("cache holds %d versions, want 1", n)
	}

	d, err := e.svc.App(ctx, "c-conformance", false)
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Join(d.Permissions, "\n")
	for _, want := range []string{"api_key field of its credential in clear", "May store up to", "HTTPS requests to the IP address 127.0.0.1", "attach its api_key key as a bearer token"} {
		if !strings.Contains(words, want) {
			t.Errorf("permissions %q lack %q", words, want)
		}
	}

	if _, err := e.svc.SetAppEnabled(ctx, "c-conformance", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.App(ctx, "c-conformance", true); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("disabled app for tenants: %v, want not found", err)
	}
	if _, err := e.svc.App(ctx, "c-conformance", false); err != nil {
		t.Fatalf("disabled app for the admin: %v", err)
	}
	if err := e.svc.DeleteApp(ctx, "c-conformance"); err != nil {
		t.Fatal(err)
	}
	if n := e.svc.cache.len(); n != 0 {
		t.Fatalf("deleted app still cached (%d)", n)
	}
}

func TestPublishRefusesManifest(t *testing.T) {
	e := newEnv(t)
	up := fixture(t, "c-conformance", func(m map[string]any) {
		m["permissions"] = map[string]any{"http": map[string]any{"allowedHosts": []any{"*", "10.0.0.0/8"}}, "kv": true, "vault": map[string]any{"reveal": []any{"api_key"}}}
		delete(m, "name")
	})
	_, err := e.svc.Publish(context.Background(), up, PublishOptions{})
	var ue *UploadError
	if !errors.As(err, &ue) || len(ue.Violations) != 0 {
		t.Fatalf("err = %v, want manifest problems", err)
	}
	paths := map[string]bool{}
	for _, p := range ue.Problems {
		paths[p.Path] = true
	}
	for _, want := range []string{"/config.json/name", "/config.json/permissions/http/allowedHosts/0", "/config.json/permissions/http/allowedHosts/1"} {
		if !paths[want] {
			t.Errorf("no problem at %s in %v", want, ue.Problems)
		}
	}
}

// hostileCase is one row of testdata/wasm/hostile/cases.json.
type hostileCase struct {
	Name   string `json:"name"`
	Wasm   string `json:"wasm"`
	Config string `json:"config"`
	Phase  string `json:"phase"`
	Expect struct {
		Rule string `json:"rule"`
		Name string `json:"name"`
	} `json:"expect"`
}

// TestPublishHostile uploads every hostile module that validation must
// refuse and checks the rule and name of the violation reported.
func TestPublishHostile(t *testing.T) {
	e := newEnv(t)
	var cases []hostileCase
	if err := json.Unmarshal(readFixture(t, "hostile/cases.json"), &cases); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cases {
		if c.Phase != "validate" {
			continue
		}
		n++
		t.Run(c.Name, func(t *testing.T) {
			up := Upload{Manifest: readFixture(t, "hostile/"+c.Config), Wasm: readFixture(t, "hostile/"+c.Wasm)}
			_, err := e.svc.Publish(context.Background(), up, PublishOptions{})
			var ue *UploadError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want an UploadError", err)
			}
			if len(ue.Violations) == 0 && len(ue.Problems) > 0 {
				// The manifest itself is refused (e.g. an empty allow-list):
				// the module never gets to validation.
				t.Logf("refused by its manifest: %v", ue.Problems)
				return
			}
			found := false
			for _, v := range ue.Violations {
				if v.Rule == c.Expect.Rule && (c.Expect.Name == "" || v.Name == c.Expect.Name) {
					found = true
				}
			}
			if !found {
				t.Fatalf("violations %+v lack rule %s name %s", ue.Violations, c.Expect.Rule, c.Expect.Name)
			}
			all := ue.AllProblems()
			if len(all) == 0 || all[0].Path != "/app.wasm" {
				t.Fatalf("AllProblems = %v", all)
			}
		})
	}
	if n < 20 {
		t.Fatalf("only %d validate cases in cases.json", n)
	}
	apps, _, err := e.st.ListApps(context.Background(), false, store.Page{})
	if err != nil || len(apps) != 0 {
		t.Fatalf("refused uploads left apps behind: %v %v", apps, err)
	}
}

func TestRegisterFirstParty(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	echo := fixture(t, "c-echo", nil)
	small := fixture(t, "small/echo", nil)
	broken := Upload{Manifest: []byte(`{"name":"Broken","categories":["calendar"],"abi":"slotbox/1","permissions":{}}`), Wasm: []byte("not wasm")}

	n, err := e.svc.RegisterFirstParty(ctx, []Upload{echo, small, broken})
	if n != 2 || err == nil {
		t.Fatalf("first start: %d published, err %v; want 2 and the broken app's error", n, err)
	}
	a, err := e.st.AppBySlug(ctx, "c-echo")
	if err != nil || !a.FirstParty || !a.Enabled {
		t.Fatalf("c-echo: %+v %v", a, err)
	}
	if n, err := e.svc.RegisterFirstParty(ctx, []Upload{echo, small}); n != 0 || err != nil {
		t.Fatalf("second start: %d published, %v; want nothing to do", n, err)
	}

	// The operator disables an app and uploads a newer build: a restart
	// neither re-enables it nor makes the embedded build current again.
	if _, err := e.svc.SetAppEnabled(ctx, "c-echo", false); err != nil {
		t.Fatal(err)
	}
	newer := fixture(t, "small/passthrough", func(m map[string]any) {
		m["slug"], m["name"], m["type"] = "c-echo", "Echo Video (C)", "c-echo_calendar"
	})
	pub, err := e.svc.Publish(ctx, newer, PublishOptions{})
	if err != nil || !pub.Created {
		t.Fatalf("operator upload: %+v %v", pub, err)
	}
	if n, err := e.svc.RegisterFirstParty(ctx, []Upload{echo}); n != 0 || err != nil {
		t.Fatalf("restart after operator changes: %d, %v", n, err)
	}
	a, _ = e.st.AppBySlug(ctx, "c-echo")
	if a.Enabled || a.CurrentVersionID != pub.Version.ID {
		t.Fatalf("restart changed the operator's choices: %+v", a)
	}

	// An uploaded (not first-party) app with a first-party slug is not taken over.
	if _, err := e.svc.Publish(ctx, fixture(t, "c-conformance", nil), PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	fp := fixture(t, "small/echo", func(m map[string]any) {
		m["slug"], m["name"], m["type"] = "c-conformance", "Conformance (C SDK)", "c-conformance_calendar"
	})
	if n, err := e.svc.RegisterFirstParty(ctx, []Upload{fp}); n != 0 || err != nil {
		t.Fatalf("first-party app on an uploaded slug: %d %v", n, err)
	}
}

func TestDescribePermissions(t *testing.T) {
	tests := []struct {
		manifest string
		want     string
	}{
		{`{"name":"N","categories":["calendar"],"abi":"slotbox/1","permissions":{}}`, "Asks for no permissions"},
		{`{"name":"N","categories":["calendar"],"abi":"slotbox/1","permissions":{"http":{"allowedHosts":["api.example.com"]}},
		  "keysSchema":{"type":"object","properties":{"tok":{"type":"string"}}},"credential":{"inject":{"header":"X-Key"},"field":"tok"}}`,
			"attach its tok key in the X-Key header"},
		{`{"name":"N","categories":["calendar"],"abi":"slotbox/1","permissions":{"http":{"allowedHosts":["*.example.net:8443"]}}}`,
			"any subdomain of example.net on port 8443"},
	}
	for _, tt := range tests {
		m, err := abi.ParseManifest([]byte(tt.manifest))
		if err != nil {
			t.Fatalf("%s: %v", tt.manifest, err)
		}
		if got := strings.Join(DescribePermissions(m), "\n"); !strings.Contains(got, tt.want) {
			t.Errorf("DescribePermissions = %q, want %q", got, tt.want)
		}
	}
}
