package store

import (
	"context"
	"testing"
)

// rowCounts returns the number of rows per table whose tenant_id (or, for
// installation-owned tables, installation) matches.
func rowCounts(t testing.TB, s *Store, tenantID, installationID string) map[string]int {
	t.Helper()
	ctx := context.Background()
	queries := map[string]string{
		"api_keys":            `SELECT COUNT(*) FROM api_keys WHERE tenant_id = ?1`,
		"installations":       `SELECT COUNT(*) FROM installations WHERE tenant_id = ?1`,
		"event_type_settings": `SELECT COUNT(*) FROM event_type_settings WHERE tenant_id = ?1`,
		"bookings":            `SELECT COUNT(*) FROM bookings WHERE tenant_id = ?1`,
		"booking_references":  `SELECT COUNT(*) FROM booking_references WHERE tenant_id = ?1`,
		"booking_app_status":  `SELECT COUNT(*) FROM booking_app_status WHERE tenant_id = ?1`,
		"payments":            `SELECT COUNT(*) FROM payments WHERE tenant_id = ?1`,
		"call_records":        `SELECT COUNT(*) FROM call_records WHERE tenant_id = ?1`,
		"webhooks":            `SELECT COUNT(*) FROM webhooks WHERE tenant_id = ?1`,
		"webhook_deliveries":  `SELECT COUNT(*) FROM webhook_deliveries WHERE tenant_id = ?1`,
		"audit_log":           `SELECT COUNT(*) FROM audit_log WHERE tenant_id = ?1`,
		"kv":                  `SELECT COUNT(*) FROM kv WHERE installation_id = ?2`,
		"inbound_events":      `SELECT COUNT(*) FROM inbound_events WHERE installation_id = ?2`,
	}
	out := map[string]int{}
	for table, q := range queries {
		var n int
		ok(t, s.reader.QueryRowContext(ctx, q, tenantID, installationID).Scan(&n))
		out[table] = n
	}
	return out
}

func fillTenant(t *testing.T, x *isolationFixture, tenantID, instID, bookID string) {
	t.Helper()
	ok(t, x.s.KVSet(x.ctx, instID, "k", []byte("v"), 0, 0))
	if tenantID == x.a.ID {
		return // the isolation fixture already filled tenant A
	}
	s, ctx := x.s, x.ctx
	mustKey(t, s, tenantID)
	must(s.PutEventTypeSetting(ctx, tenantID, EventTypeSetting{EventTypeID: "et1", InstallationID: instID}))(t)
	must(s.PutBookingReference(ctx, tenantID, BookingReference{BookingID: bookID, InstallationID: instID, Type: "t"}))(t)
	must(s.PutBookingAppStatus(ctx, tenantID, BookingAppStatus{BookingID: bookID, InstallationID: instID, Step: "s", Status: AppStatusPending}))(t)
	must(s.CreatePayment(ctx, tenantID, NewPayment{BookingID: bookID, InstallationID: instID, Amount: 1, Currency: "eur", Status: PaymentPending}))(t)
	must(s.InsertCallRecord(ctx, CallRecord{TenantID: tenantID, InstallationID: instID, Method: "m", Outcome: "ok"}))(t)
	w := must(s.CreateWebhook(ctx, tenantID, NewWebhook{SubscriberURL: "https://b", Triggers: []string{"X"}}))(t)
	must(s.CreateWebhookDelivery(ctx, tenantID, w.ID, "X", nil))(t)
	must(s.AppendAudit(ctx, AuditEntry{TenantID: tenantID, Actor: "b", Action: "x"}))(t)
	must(s.RecordInboundEvent(ctx, tenantID, instID, "evt"))(t)
}

func TestDeleteTenantCascades(t *testing.T) {
	x := newIsolationFixture(t)
	fillTenant(t, x, x.a.ID, x.instA.ID, x.bookA.ID)
	fillTenant(t, x, x.b.ID, x.instB.ID, x.bookB.ID)
	for table, n := range rowCounts(t, x.s, x.a.ID, x.instA.ID) {
		if n == 0 {
			t.Fatalf("fixture has no %s row for tenant A", table)
		}
	}
	beforeB := rowCounts(t, x.s, x.b.ID, x.instB.ID)

	ok(t, x.s.DeleteTenant(x.ctx, x.a.ID))
	for table, n := range rowCounts(t, x.s, x.a.ID, x.instA.ID) {
		if n != 0 {
			t.Errorf("%s keeps %d rows of the deleted tenant", table, n)
		}
	}
	for table, n := range rowCounts(t, x.s, x.b.ID, x.instB.ID) {
		if n != beforeB[table] {
			t.Errorf("%s of tenant B went from %d to %d rows", table, beforeB[table], n)
		}
	}
	// Apps are shared, not owned by a tenant.
	must(x.s.App(x.ctx, x.app.ID))(t)
}

func TestDeleteInstallationCascades(t *testing.T) {
	x := newIsolationFixture(t)
	fillTenant(t, x, x.a.ID, x.instA.ID, x.bookA.ID)
	ok(t, x.s.DeleteInstallation(x.ctx, x.a.ID, x.instA.ID))
	got := rowCounts(t, x.s, x.a.ID, x.instA.ID)
	want := map[string]int{
		"installations": 0, "event_type_settings": 0, "kv": 0, "inbound_events": 0, "booking_app_status": 0, "call_records": 0,
		// History that outlives the installation:
		"booking_references": 1, "payments": 1, "bookings": 1, "audit_log": 1,
		// Unrelated to the installation:
		"api_keys": 1, "webhooks": 1, "webhook_deliveries": 1,
	}
	for table, n := range want {
		if got[table] != n {
			t.Errorf("%s: %d rows, want %d", table, got[table], n)
		}
	}
}

func TestDeleteBookingCascades(t *testing.T) {
	x := newIsolationFixture(t)
	ok(t, x.s.DeleteBooking(x.ctx, x.a.ID, x.bookA.ID))
	got := rowCounts(t, x.s, x.a.ID, x.instA.ID)
	for _, table := range []string{"bookings", "booking_references", "booking_app_status", "payments"} {
		if got[table] != 0 {
			t.Errorf("%s keeps %d rows of the deleted booking", table, got[table])
		}
	}
	if got["installations"] != 1 || got["call_records"] != 1 {
		t.Errorf("unrelated rows changed: %v", got)
	}
}
