package store

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEventTypeSettings(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	zoom := must(s.PublishAppVersion(ctx, PublishApp{Slug: "zoom", Name: "Zoom", Category: "conferencing",
		Manifest: []byte(`{}`), Wasm: []byte("zoom")}))(t)
	z := must(s.CreateInstallation(ctx, f.a.ID, NewInstallation{AppID: zoom.App.ID, Name: "z"}))(t)

	put := must(s.PutEventTypeSetting(ctx, f.a.ID, EventTypeSetting{EventTypeID: "et1", InstallationID: f.instA.ID, Enabled: true,
		AppData: json.RawMessage(`{"calendar":"work"}`)}))(t)
	if put.TenantID != f.a.ID || !put.Enabled || string(put.AppData) != `{"calendar":"work"}` {
		t.Errorf("put = %+v", put)
	}
	must(s.PutEventTypeSetting(ctx, f.a.ID, EventTypeSetting{EventTypeID: "et1", InstallationID: z.ID, Enabled: false}))(t)
	// Replacing keeps one row per (tenant, event type, installation).
	must(s.PutEventTypeSetting(ctx, f.a.ID, EventTypeSetting{EventTypeID: "et1", InstallationID: f.instA.ID, Enabled: true,
		AppData: json.RawMessage(`{"calendar":"home"}`)}))(t)

	got := must(s.EventTypeSetting(ctx, f.a.ID, "et1", f.instA.ID))(t)
	if string(got.AppData) != `{"calendar":"home"}` {
		t.Errorf("setting = %+v", got)
	}
	if d := must(s.EventTypeSetting(ctx, f.a.ID, "et1", z.ID))(t); string(d.AppData) != `{}` || d.Enabled {
		t.Errorf("default appData setting = %+v", d)
	}
	all := must(s.ListEventTypeSettings(ctx, f.a.ID, "et1"))(t)
	if len(all) != 2 {
		t.Errorf("ListEventTypeSettings = %d rows, want 2", len(all))
	}
	apps := must(s.EventTypeApps(ctx, f.a.ID, "et1"))(t)
	if len(apps) != 1 || apps[0].Installation.ID != f.instA.ID || apps[0].AppSlug != "caldav" || apps[0].AppCategory != "calendar" ||
		!apps[0].AppEnabled || string(apps[0].Setting.AppData) != `{"calendar":"home"}` {
		t.Errorf("EventTypeApps = %+v", apps)
	}
	if none := must(s.EventTypeApps(ctx, f.a.ID, "et-other"))(t); len(none) != 0 {
		t.Errorf("other event type apps = %+v", none)
	}

	ok(t, s.DeleteEventTypeSetting(ctx, f.a.ID, "et1", z.ID))
	isErr(t, s.DeleteEventTypeSetting(ctx, f.a.ID, "et1", z.ID), ErrNotFound)
	_, err := s.EventTypeSetting(ctx, f.a.ID, "et1", z.ID)
	isErr(t, err, ErrNotFound)
}

func TestEventTypeSettingRejects(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		set  EventTypeSetting
		want error
	}{
		{"other tenant's installation", EventTypeSetting{EventTypeID: "et1", InstallationID: f.instB.ID}, ErrNotFound},
		{"unknown installation", EventTypeSetting{EventTypeID: "et1", InstallationID: "ins_missing"}, ErrNotFound},
		{"no event type", EventTypeSetting{InstallationID: f.instA.ID}, ErrInvalid},
		{"bad json", EventTypeSetting{EventTypeID: "et1", InstallationID: f.instA.ID, AppData: json.RawMessage(`{`)}, ErrInvalid},
		{"huge json", EventTypeSetting{EventTypeID: "et1", InstallationID: f.instA.ID,
			AppData: json.RawMessage(`"` + strings.Repeat("x", MaxAppDataSize) + `"`)}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.PutEventTypeSetting(f.ctx, f.a.ID, tt.set)
			isErr(t, err, tt.want)
		})
	}
}
