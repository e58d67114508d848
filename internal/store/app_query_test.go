package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

func TestAppCRUD(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	a := must(s.CreateApp(ctx, NewApp{Slug: "google-calendar", Name: "Google Calendar", Category: "calendar"}))(t)
	if a.Enabled || a.CurrentVersionID != "" {
		t.Errorf("new app = %+v, want disabled without version", a)
	}
	if got := must(s.App(ctx, a.ID))(t); got != a {
		t.Errorf("App = %+v, want %+v", got, a)
	}
	if got := must(s.AppBySlug(ctx, "google-calendar"))(t); got.ID != a.ID {
		t.Errorf("AppBySlug = %s", got.ID)
	}
	_, err := s.CreateApp(ctx, NewApp{Slug: "google-calendar", Name: "Dup", Category: "calendar"})
	isErr(t, err, ErrConflict)

	ok(t, s.SetAppEnabled(ctx, a.ID, true))
	name := "GCal"
	u := must(s.UpdateApp(ctx, a.ID, AppUpdate{Name: &name}))(t)
	if !u.Enabled || u.Name != "GCal" || u.Category != "calendar" {
		t.Errorf("updated = %+v", u)
	}
	_, err = s.UpdateApp(ctx, "app_missing", AppUpdate{Name: &name})
	isErr(t, err, ErrNotFound)

	b := must(s.CreateApp(ctx, NewApp{Slug: "zoom", Name: "Zoom", Category: "conferencing"}))(t)
	all, _ := must2(s.ListApps(ctx, false, Page{}))(t)
	enabled, _ := must2(s.ListApps(ctx, true, Page{}))(t)
	if len(all) != 2 || len(enabled) != 1 || enabled[0].ID != a.ID {
		t.Errorf("ListApps all=%d enabled=%v", len(all), enabled)
	}
	ok(t, s.DeleteApp(ctx, b.ID))
	_, err = s.App(ctx, b.ID)
	isErr(t, err, ErrNotFound)
	isErr(t, s.DeleteApp(ctx, b.ID), ErrNotFound)
}

func TestAppValidation(t *testing.T) {
	s := openTest(t)
	tests := []struct {
		name string
		app  NewApp
	}{
		{"empty slug", NewApp{Slug: "", Name: "n", Category: "c"}},
		{"upper slug", NewApp{Slug: "Zoom", Name: "n", Category: "c"}},
		{"path slug", NewApp{Slug: "../x", Name: "n", Category: "c"}},
		{"long slug", NewApp{Slug: strings.Repeat("a", 65), Name: "n", Category: "c"}},
		{"no name", NewApp{Slug: "a", Category: "c"}},
		{"no category", NewApp{Slug: "a", Name: "n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateApp(context.Background(), tt.app)
			isErr(t, err, ErrInvalid)
		})
	}
}

func TestAppVersions(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	a := must(s.CreateApp(ctx, NewApp{Slug: "zoom", Name: "Zoom", Category: "conferencing"}))(t)
	v1 := must(s.AddAppVersion(ctx, a.ID, json.RawMessage(`{"v":1}`), []byte("wasm-1")))(t)
	v2 := must(s.AddAppVersion(ctx, a.ID, json.RawMessage(`{"v":2}`), []byte("wasm-2")))(t)
	sum := sha256.Sum256([]byte("wasm-2"))
	if v1.Version != 1 || v2.Version != 2 || v2.SHA256 != hex.EncodeToString(sum[:]) || v2.Size != 6 {
		t.Errorf("versions = %+v %+v", v1, v2)
	}
	if got := must(s.App(ctx, a.ID))(t); got.CurrentVersionID != v2.ID {
		t.Errorf("current = %s, want %s", got.CurrentVersionID, v2.ID)
	}
	_, err := s.AddAppVersion(ctx, a.ID, json.RawMessage(`{}`), []byte("wasm-1"))
	isErr(t, err, ErrConflict)
	_, err = s.AddAppVersion(ctx, "app_missing", json.RawMessage(`{}`), []byte("wasm-x"))
	isErr(t, err, ErrNotFound)
	_, err = s.AddAppVersion(ctx, a.ID, json.RawMessage(`{bad`), []byte("wasm-x"))
	isErr(t, err, ErrInvalid)
	_, err = s.AddAppVersion(ctx, a.ID, json.RawMessage(`{}`), nil)
	isErr(t, err, ErrInvalid)

	got := must(s.AppVersion(ctx, v1.ID))(t)
	if got.Wasm != nil || string(got.Manifest) != `{"v":1}` || got.Version != 1 {
		t.Errorf("AppVersion = %+v", got)
	}
	if w := must(s.AppVersionWasm(ctx, v1.ID))(t); !bytes.Equal(w, []byte("wasm-1")) {
		t.Errorf("wasm = %q", w)
	}
	_, err = s.AppVersionWasm(ctx, "ver_missing")
	isErr(t, err, ErrNotFound)

	vs, next := must2(s.ListAppVersions(ctx, a.ID, Page{Limit: 1}))(t)
	if len(vs) != 1 || vs[0].ID != v2.ID || next == "" {
		t.Fatalf("page 1 = %+v next %q", vs, next)
	}
	vs, next = must2(s.ListAppVersions(ctx, a.ID, Page{Limit: 1, After: next}))(t)
	if len(vs) != 1 || vs[0].ID != v1.ID || next != "" {
		t.Fatalf("page 2 = %+v next %q", vs, next)
	}

	ok(t, s.SetCurrentAppVersion(ctx, a.ID, v1.ID))
	if got := must(s.App(ctx, a.ID))(t); got.CurrentVersionID != v1.ID {
		t.Errorf("rollback current = %s", got.CurrentVersionID)
	}
	other := must(s.CreateApp(ctx, NewApp{Slug: "other", Name: "O", Category: "c"}))(t)
	isErr(t, s.SetCurrentAppVersion(ctx, other.ID, v1.ID), ErrNotFound) // a version of another app

	ok(t, s.DeleteAppVersion(ctx, v1.ID))
	if got := must(s.App(ctx, a.ID))(t); got.CurrentVersionID != "" {
		t.Errorf("current after deleting it = %q, want none", got.CurrentVersionID)
	}
	ok(t, s.DeleteApp(ctx, a.ID))
	_, err = s.AppVersion(ctx, v2.ID)
	isErr(t, err, ErrNotFound)
}

func TestPublishAppVersionIsIdempotent(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	p := PublishApp{Slug: "stripe", Name: "Stripe", Category: "payment", Enabled: true, FirstParty: true,
		Manifest: json.RawMessage(`{"a":1}`), Wasm: []byte("stripe-1")}
	first := must(s.PublishAppVersion(ctx, p))(t)
	if !first.Created || first.Version.Version != 1 || first.App.CurrentVersionID != first.Version.ID || !first.App.Enabled {
		t.Fatalf("first publish = %+v", first)
	}
	again := must(s.PublishAppVersion(ctx, p))(t)
	if again.Created || again.Version.ID != first.Version.ID {
		t.Fatalf("republish = %+v", again)
	}
	p.Wasm, p.Name, p.Enabled = []byte("stripe-2"), "Stripe Payments", false
	second := must(s.PublishAppVersion(ctx, p))(t)
	if !second.Created || second.Version.Version != 2 || second.App.Name != "Stripe Payments" || !second.App.Enabled {
		t.Fatalf("second publish = %+v (Enabled applies only on creation)", second)
	}
	p.Wasm = []byte("stripe-1") // republishing an old build makes it current again
	back := must(s.PublishAppVersion(ctx, p))(t)
	if back.Created || back.Version.ID != first.Version.ID || back.App.CurrentVersionID != first.Version.ID {
		t.Fatalf("republish old = %+v", back)
	}
	_, err := s.PublishAppVersion(ctx, PublishApp{Slug: "Bad Slug", Name: "x", Category: "y", Manifest: []byte(`{}`), Wasm: []byte("w")})
	isErr(t, err, ErrInvalid)
}

// must2 is must for functions returning a page: must2(f())(t).
func must2[T any](v T, next string, err error) func(t testing.TB) (T, string) {
	return func(t testing.TB) (T, string) {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v, next
	}
}
