package store

import (
	"encoding/json"
	"testing"
	"time"
)

func TestInstallationCRUD(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	got := must(s.Installation(ctx, f.a.ID, f.instA.ID))(t)
	if got != f.instA || got.Status != StatusValid || got.AppVersionID != "" {
		t.Errorf("Installation = %+v, want %+v", got, f.instA)
	}
	c := must(s.InstallationCredential(ctx, f.a.ID, f.instA.ID))(t)
	if string(c.Ciphertext) != "sealed-a" || c.KeyID != "k1" {
		t.Errorf("credential = %+v", c)
	}
	ok(t, s.SetInstallationCredential(ctx, f.a.ID, f.instA.ID, SealedCredential{Ciphertext: []byte("sealed-a2"), KeyID: "k2"}))
	c = must(s.InstallationCredential(ctx, f.a.ID, f.instA.ID))(t)
	if string(c.Ciphertext) != "sealed-a2" || c.KeyID != "k2" {
		t.Errorf("credential after set = %+v", c)
	}

	f.clock.Add(time.Minute)
	ok(t, s.SetInstallationStatus(ctx, f.a.ID, f.instA.ID, StatusInvalid, "invalid_grant"))
	got = must(s.Installation(ctx, f.a.ID, f.instA.ID))(t)
	if got.Status != StatusInvalid || got.StatusReason != "invalid_grant" || !got.StatusChangedAt.Equal(f.clock.Now()) {
		t.Errorf("after invalid = %+v", got)
	}
	f.clock.Add(time.Minute)
	ok(t, s.SetInstallationStatus(ctx, f.a.ID, f.instA.ID, StatusInvalid, "still broken"))
	if got2 := must(s.Installation(ctx, f.a.ID, f.instA.ID))(t); !got2.StatusChangedAt.Equal(got.StatusChangedAt) {
		t.Errorf("status time moved without a status change: %v -> %v", got.StatusChangedAt, got2.StatusChangedAt)
	}
	isErr(t, s.SetInstallationStatus(ctx, f.a.ID, f.instA.ID, "broken", ""), ErrInvalid)

	name := "Work calendar"
	u := must(s.UpdateInstallation(ctx, f.a.ID, f.instA.ID, InstallationUpdate{Name: &name}))(t)
	if u.Name != name || u.Status != StatusInvalid {
		t.Errorf("updated = %+v", u)
	}

	ok(t, s.DeleteInstallation(ctx, f.a.ID, f.instA.ID))
	_, err := s.Installation(ctx, f.a.ID, f.instA.ID)
	isErr(t, err, ErrNotFound)
	isErr(t, s.DeleteInstallation(ctx, f.a.ID, f.instA.ID), ErrNotFound)
}

func TestCreateInstallationRejects(t *testing.T) {
	f := newFixture(t)
	other := must(f.s.PublishAppVersion(f.ctx, PublishApp{Slug: "zoom", Name: "Zoom", Category: "conferencing",
		Manifest: []byte(`{}`), Wasm: []byte("zoom")}))(t)
	tests := []struct {
		name   string
		tenant string
		in     NewInstallation
		want   error
	}{
		{"unknown app", f.a.ID, NewInstallation{AppID: "app_missing", Name: "x"}, ErrNotFound},
		{"unknown tenant", "ten_missing", NewInstallation{AppID: f.app.ID, Name: "x"}, ErrNotFound},
		{"version of another app", f.a.ID, NewInstallation{AppID: f.app.ID, AppVersionID: other.Version.ID, Name: "x"}, ErrNotFound},
		{"unknown version", f.a.ID, NewInstallation{AppID: f.app.ID, AppVersionID: "ver_missing", Name: "x"}, ErrNotFound},
		{"no name", f.a.ID, NewInstallation{AppID: f.app.ID}, ErrInvalid},
		{"huge credential", f.a.ID, NewInstallation{AppID: f.app.ID, Name: "x", Credential: make([]byte, MaxCredentialSize+1)}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.CreateInstallation(f.ctx, tt.tenant, tt.in)
			isErr(t, err, tt.want)
		})
	}
}

func TestInstallationForCallFollowsCurrentOrPinned(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	call := must(s.InstallationForCall(ctx, f.a.ID, f.instA.ID))(t)
	if call.Version.ID != f.ver.ID || call.App.Slug != "caldav" || call.Installation.ID != f.instA.ID ||
		string(call.Version.Manifest) != `{"slug":"caldav"}` || call.Version.Wasm != nil {
		t.Fatalf("call target = %+v", call)
	}
	v2 := must(s.AddAppVersion(ctx, f.app.ID, json.RawMessage(`{"v":2}`), []byte("caldav-2")))(t)
	if got := must(s.InstallationForCall(ctx, f.a.ID, f.instA.ID))(t); got.Version.ID != v2.ID {
		t.Errorf("unpinned runs %s, want new current %s", got.Version.ID, v2.ID)
	}
	pin := f.ver.ID
	must(s.UpdateInstallation(ctx, f.a.ID, f.instA.ID, InstallationUpdate{AppVersionID: &pin}))(t)
	if got := must(s.InstallationForCall(ctx, f.a.ID, f.instA.ID))(t); got.Version.ID != f.ver.ID || got.Installation.AppVersionID != f.ver.ID {
		t.Errorf("pinned runs %s, want %s", got.Version.ID, f.ver.ID)
	}
	isErr(t, s.DeleteAppVersion(ctx, f.ver.ID), ErrConflict) // pinned
	unpin := ""
	must(s.UpdateInstallation(ctx, f.a.ID, f.instA.ID, InstallationUpdate{AppVersionID: &unpin}))(t)
	if got := must(s.InstallationForCall(ctx, f.a.ID, f.instA.ID))(t); got.Version.ID != v2.ID || got.Installation.AppVersionID != "" {
		t.Errorf("unpinned again runs %s", got.Version.ID)
	}
	bad := "ver_missing"
	_, err := s.UpdateInstallation(ctx, f.a.ID, f.instA.ID, InstallationUpdate{AppVersionID: &bad})
	isErr(t, err, ErrNotFound)

	// An app whose every version is gone has nothing to run.
	ok(t, s.DeleteAppVersion(ctx, v2.ID))
	ok(t, s.DeleteAppVersion(ctx, f.ver.ID))
	_, err = s.InstallationForCall(ctx, f.a.ID, f.instA.ID)
	isErr(t, err, ErrNotFound)
}

func TestListInstallationsFilters(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	zoom := must(s.PublishAppVersion(ctx, PublishApp{Slug: "zoom", Name: "Zoom", Category: "conferencing",
		Manifest: []byte(`{}`), Wasm: []byte("zoom")}))(t)
	z := must(s.CreateInstallation(ctx, f.a.ID, NewInstallation{AppID: zoom.App.ID, Name: "z"}))(t)
	ok(t, s.SetInstallationStatus(ctx, f.a.ID, z.ID, StatusInvalid, "expired"))
	ids := func(ins []Installation) []string {
		var out []string
		for _, i := range ins {
			out = append(out, i.ID)
		}
		return out
	}
	tests := []struct {
		name  string
		admin bool
		f     InstallationFilter
		want  int
	}{
		{"tenant all", false, InstallationFilter{}, 2},
		{"tenant calendar", false, InstallationFilter{Category: "calendar"}, 1},
		{"tenant app", false, InstallationFilter{AppID: zoom.App.ID}, 1},
		{"tenant invalid", false, InstallationFilter{Status: StatusInvalid}, 1},
		{"tenant none", false, InstallationFilter{Category: "crm"}, 0},
		{"admin all", true, InstallationFilter{}, 3},
		{"admin calendar", true, InstallationFilter{Category: "calendar"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Installation
			var err error
			if tt.admin {
				got, _, err = s.AdminListInstallations(ctx, tt.f, Page{})
			} else {
				got, _, err = s.ListInstallations(ctx, f.a.ID, tt.f, Page{})
			}
			ok(t, err)
			if len(got) != tt.want {
				t.Errorf("got %v, want %d", ids(got), tt.want)
			}
			for _, in := range got {
				if !tt.admin && in.TenantID != f.a.ID {
					t.Errorf("tenant list returned installation of tenant %s", in.TenantID)
				}
			}
		})
	}
	if got := must(s.AdminInstallation(ctx, f.instB.ID))(t); got.TenantID != f.b.ID {
		t.Errorf("AdminInstallation tenant = %s", got.TenantID)
	}
	isErr(t, s.DeleteApp(ctx, zoom.App.ID), ErrConflict) // installed
}
