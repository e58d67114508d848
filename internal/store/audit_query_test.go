package store

import (
	"encoding/json"
	"testing"
	"time"
)

func TestAudit(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	id := must(s.AppendAudit(ctx, AuditEntry{TenantID: f.a.ID, Actor: "key:abc", Action: "installation.create",
		InstallationID: f.instA.ID, Detail: json.RawMessage(`{"app":"caldav","keys":["username","password"]}`)}))(t)
	must(s.AppendAudit(ctx, AuditEntry{Actor: "admin", Action: "app.enable", Detail: json.RawMessage(`{"app":"caldav"}`)}))(t)
	must(s.AppendAudit(ctx, AuditEntry{TenantID: f.b.ID, Actor: "key:def", Action: "webhook.create"}))(t)

	mine, _ := must2(s.ListAudit(ctx, f.a.ID, Page{}))(t)
	if len(mine) != 1 || mine[0].ID != id || mine[0].InstallationID != f.instA.ID || !mine[0].At.Equal(f.clock.Now()) {
		t.Errorf("tenant A audit = %+v", mine)
	}
	all, _ := must2(s.AdminListAudit(ctx, Page{}))(t)
	if len(all) != 3 || all[0].Action != "webhook.create" || all[1].TenantID != "" {
		t.Errorf("admin audit = %+v", all)
	}
	for _, bad := range []AuditEntry{
		{Action: "x"},
		{Actor: "x"},
		{Actor: "x", Action: "y", Detail: json.RawMessage(`{`)},
	} {
		_, err := s.AppendAudit(ctx, bad)
		isErr(t, err, ErrInvalid)
	}
	_, err := s.AppendAudit(ctx, AuditEntry{TenantID: "ten_missing", Actor: "x", Action: "y"})
	isErr(t, err, ErrNotFound)
	// The installation id is history: it stays after the installation goes.
	ok(t, s.DeleteInstallation(ctx, f.a.ID, f.instA.ID))
	if again, _ := must2(s.ListAudit(ctx, f.a.ID, Page{}))(t); len(again) != 1 || again[0].InstallationID != f.instA.ID {
		t.Errorf("after installation delete = %+v", again)
	}
	n := must(s.PruneAudit(ctx, f.clock.Now().Add(time.Millisecond)))(t)
	if n != 3 {
		t.Errorf("pruned %d", n)
	}
}
