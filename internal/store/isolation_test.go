package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// isolationFixture adds to a fixture one row of every tenant-owned kind for
// tenant A, to be attacked with tenant B's credentials.
type isolationFixture struct {
	*fixture
	keyA  APIKey
	refA  BookingReference
	payA  Payment
	callA int64
	whA   Webhook
	dlvA  WebhookDelivery
}

func newIsolationFixture(t *testing.T) *isolationFixture {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	x := &isolationFixture{fixture: f}
	x.keyA, _ = mustKey(t, s, f.a.ID)
	must(s.PutEventTypeSetting(ctx, f.a.ID, EventTypeSetting{EventTypeID: "et1", InstallationID: f.instA.ID, Enabled: true}))(t)
	x.refA = must(s.PutBookingReference(ctx, f.a.ID, BookingReference{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Type: "caldav_calendar", UID: "e"}))(t)
	must(s.PutBookingAppStatus(ctx, f.a.ID, BookingAppStatus{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Step: "calendar.createEvent",
		Status: AppStatusDead}))(t)
	x.payA = must(s.CreatePayment(ctx, f.a.ID, NewPayment{BookingID: f.bookA.ID, InstallationID: f.instA.ID, ExternalID: "pi_a", Amount: 1,
		Currency: "eur", Status: PaymentPending}))(t)
	x.callA = must(s.InsertCallRecord(ctx, CallRecord{TenantID: f.a.ID, InstallationID: f.instA.ID, Method: "m", Outcome: "ok"}))(t)
	x.whA = must(s.CreateWebhook(ctx, f.a.ID, NewWebhook{SubscriberURL: "https://a", Triggers: []string{"BOOKING_CREATED"}, Active: true}))(t)
	x.dlvA = must(s.CreateWebhookDelivery(ctx, f.a.ID, x.whA.ID, "BOOKING_CREATED", []byte("{}")))(t)
	must(s.AppendAudit(ctx, AuditEntry{TenantID: f.a.ID, Actor: "a", Action: "x"}))(t)
	must(s.RecordInboundEvent(ctx, f.a.ID, f.instA.ID, "evt_a"))(t)
	return x
}

// TestTenantIsolationByID calls every tenant-scoped method as tenant B with
// tenant A's ids: each must answer ErrNotFound, exactly as for a missing id,
// and the database must not change.
func TestTenantIsolationByID(t *testing.T) {
	x := newIsolationFixture(t)
	s, ctx, b := x.s, x.ctx, x.b.ID
	name, status, ev, url := "stolen", BookingCancelled, json.RawMessage(`{}`), "https://evil"
	yes := true
	tests := []struct {
		name string
		call func() error
	}{
		{"Installation", func() error { _, err := s.Installation(ctx, b, x.instA.ID); return err }},
		{"InstallationCredential", func() error { _, err := s.InstallationCredential(ctx, b, x.instA.ID); return err }},
		{"InstallationForCall", func() error { _, err := s.InstallationForCall(ctx, b, x.instA.ID); return err }},
		{"UpdateInstallation", func() error {
			_, err := s.UpdateInstallation(ctx, b, x.instA.ID, InstallationUpdate{Name: &name})
			return err
		}},
		{"SetInstallationCredential", func() error {
			return s.SetInstallationCredential(ctx, b, x.instA.ID, SealedCredential{Ciphertext: []byte("x")})
		}},
		{"SetInstallationStatus", func() error { return s.SetInstallationStatus(ctx, b, x.instA.ID, StatusInvalid, "x") }},
		{"DeleteInstallation", func() error { return s.DeleteInstallation(ctx, b, x.instA.ID) }},
		{"EventTypeSetting", func() error { _, err := s.EventTypeSetting(ctx, b, "et1", x.instA.ID); return err }},
		{"PutEventTypeSetting", func() error {
			_, err := s.PutEventTypeSetting(ctx, b, EventTypeSetting{EventTypeID: "et1", InstallationID: x.instA.ID})
			return err
		}},
		{"DeleteEventTypeSetting", func() error { return s.DeleteEventTypeSetting(ctx, b, "et1", x.instA.ID) }},
		{"Booking", func() error { _, err := s.Booking(ctx, b, x.bookA.ID); return err }},
		{"BookingByUID", func() error { _, err := s.BookingByUID(ctx, b, x.bookA.UID+"-missing"); return err }},
		{"UpdateBooking", func() error {
			_, err := s.UpdateBooking(ctx, b, x.bookA.ID, BookingUpdate{Status: &status, Event: &ev})
			return err
		}},
		{"DeleteBooking", func() error { return s.DeleteBooking(ctx, b, x.bookA.ID) }},
		{"PutBookingReference A booking", func() error {
			_, err := s.PutBookingReference(ctx, b, BookingReference{BookingID: x.bookA.ID, InstallationID: x.instB.ID, Type: "caldav_calendar"})
			return err
		}},
		{"PutBookingReference A installation", func() error {
			_, err := s.PutBookingReference(ctx, b, BookingReference{BookingID: x.bookB.ID, InstallationID: x.instA.ID, Type: "caldav_calendar"})
			return err
		}},
		{"PutBookingReference A live key", func() error {
			_, err := s.PutBookingReference(ctx, b, BookingReference{BookingID: x.bookA.ID, InstallationID: x.instA.ID, Type: "caldav_calendar", UID: "evil"})
			return err
		}},
		{"MarkBookingReferenceDeleted", func() error { return s.MarkBookingReferenceDeleted(ctx, b, x.refA.ID) }},
		{"PutBookingAppStatus existing A row", func() error {
			_, err := s.PutBookingAppStatus(ctx, b, BookingAppStatus{BookingID: x.bookA.ID, InstallationID: x.instA.ID,
				Step: "calendar.createEvent", Status: AppStatusSuccess})
			return err
		}},
		{"PutBookingAppStatus A installation", func() error {
			_, err := s.PutBookingAppStatus(ctx, b, BookingAppStatus{BookingID: x.bookB.ID, InstallationID: x.instA.ID,
				Step: "calendar.createEvent", Status: AppStatusSuccess})
			return err
		}},
		{"Payment", func() error { _, err := s.Payment(ctx, b, x.payA.ID); return err }},
		{"PaymentByExternalID", func() error { _, err := s.PaymentByExternalID(ctx, b, x.instA.ID, "pi_a"); return err }},
		{"UpdatePayment", func() error {
			paid := PaymentPaid
			_, err := s.UpdatePayment(ctx, b, x.payA.ID, PaymentUpdate{Status: &paid})
			return err
		}},
		{"CreatePayment", func() error {
			_, err := s.CreatePayment(ctx, b, NewPayment{BookingID: x.bookA.ID, InstallationID: x.instB.ID, Amount: 1, Currency: "eur", Status: PaymentPending})
			return err
		}},
		{"RecordInboundEvent", func() error { _, err := s.RecordInboundEvent(ctx, b, x.instA.ID, "evt_b"); return err }},
		{"CallRecord", func() error { _, err := s.CallRecord(ctx, b, x.callA); return err }},
		{"InsertCallRecord", func() error {
			_, err := s.InsertCallRecord(ctx, CallRecord{TenantID: b, InstallationID: x.instA.ID, Method: "m", Outcome: "ok"})
			return err
		}},
		{"Webhook", func() error { _, err := s.Webhook(ctx, b, x.whA.ID); return err }},
		{"UpdateWebhook", func() error {
			_, err := s.UpdateWebhook(ctx, b, x.whA.ID, WebhookUpdate{SubscriberURL: &url, Active: &yes})
			return err
		}},
		{"DeleteWebhook", func() error { return s.DeleteWebhook(ctx, b, x.whA.ID) }},
		{"CreateWebhookDelivery", func() error {
			_, err := s.CreateWebhookDelivery(ctx, b, x.whA.ID, "BOOKING_CREATED", []byte("{}"))
			return err
		}},
		{"WebhookDelivery", func() error { _, err := s.WebhookDelivery(ctx, b, x.dlvA.ID); return err }},
		{"UpdateWebhookDelivery", func() error {
			_, err := s.UpdateWebhookDelivery(ctx, b, x.dlvA.ID, DeliveryUpdate{Status: DeliverySuccess})
			return err
		}},
		{"DeleteAPIKey", func() error { return s.DeleteAPIKey(ctx, b, x.keyA.ID) }},
	}
	before := dumpDB(t, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			isErr(t, err, ErrNotFound)
			// The message must not reveal that the row exists elsewhere.
			if strings.Contains(err.Error(), x.a.ID) {
				t.Errorf("error names tenant A: %v", err)
			}
		})
	}
	if after := dumpDB(t, s); after != before {
		t.Errorf("tenant B's calls changed the database:\nbefore %s\nafter  %s", before, after)
	}
}

// TestTenantIsolationLists checks that every tenant-scoped list, given
// tenant A's parent ids, shows tenant B nothing.
func TestTenantIsolationLists(t *testing.T) {
	x := newIsolationFixture(t)
	s, ctx, b := x.s, x.ctx, x.b.ID
	day := x.clock.Now().Add(-time.Hour)
	tests := []struct {
		name string
		list func() (int, error)
	}{
		{"ListAPIKeys", func() (int, error) { r, err := s.ListAPIKeys(ctx, b); return len(r), err }},
		{"ListInstallations app", func() (int, error) {
			r, _, err := s.ListInstallations(ctx, b, InstallationFilter{Category: "calendar"}, Page{})
			// B has its own installation of the app; A's must not be there.
			return count(r, func(i Installation) bool { return i.ID == x.instA.ID }), err
		}},
		{"ListEventTypeSettings", func() (int, error) { r, err := s.ListEventTypeSettings(ctx, b, "et1"); return len(r), err }},
		{"EventTypeApps", func() (int, error) { r, err := s.EventTypeApps(ctx, b, "et1"); return len(r), err }},
		{"ListBookings", func() (int, error) {
			r, _, err := s.ListBookings(ctx, b, BookingFilter{}, Page{})
			return count(r, func(v Booking) bool { return v.ID == x.bookA.ID }), err
		}},
		{"BookingsBetween", func() (int, error) {
			r, err := s.BookingsBetween(ctx, b, day, day.Add(72*time.Hour))
			return count(r, func(v Booking) bool { return v.TenantID != b }), err
		}},
		{"BookingReferences", func() (int, error) { r, err := s.BookingReferences(ctx, b, x.bookA.ID, true); return len(r), err }},
		{"BookingAppStatuses", func() (int, error) { r, err := s.BookingAppStatuses(ctx, b, x.bookA.ID); return len(r), err }},
		{"ListBookingAppStatuses", func() (int, error) {
			r, _, err := s.ListBookingAppStatuses(ctx, b, AppStatusDead, Page{})
			return len(r), err
		}},
		{"PaymentsForBooking", func() (int, error) { r, err := s.PaymentsForBooking(ctx, b, x.bookA.ID); return len(r), err }},
		{"ListCallRecords", func() (int, error) {
			r, _, err := s.ListCallRecords(ctx, b, CallRecordFilter{InstallationID: x.instA.ID}, Page{})
			return len(r), err
		}},
		{"ListWebhooks", func() (int, error) { r, _, err := s.ListWebhooks(ctx, b, Page{}); return len(r), err }},
		{"WebhooksForTrigger", func() (int, error) { r, err := s.WebhooksForTrigger(ctx, b, "BOOKING_CREATED"); return len(r), err }},
		{"ListWebhookDeliveries", func() (int, error) {
			r, _, err := s.ListWebhookDeliveries(ctx, b, x.whA.ID, Page{})
			return len(r), err
		}},
		{"ListAudit", func() (int, error) { r, _, err := s.ListAudit(ctx, b, Page{}); return len(r), err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.list()
			ok(t, err)
			if n != 0 {
				t.Errorf("tenant B sees %d of tenant A's rows", n)
			}
		})
	}
}

func count[T any](xs []T, pred func(T) bool) int {
	n := 0
	for _, x := range xs {
		if pred(x) {
			n++
		}
	}
	return n
}

// dumpDB renders every row of every table, for before/after comparisons.
func dumpDB(t testing.TB, s *Store) string {
	t.Helper()
	ctx := context.Background()
	rows, err := s.reader.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	ok(t, err)
	var tables []string
	for rows.Next() {
		var n string
		ok(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	ok(t, rows.Err())
	rows.Close()
	var sb strings.Builder
	for _, table := range tables {
		rows, err := s.reader.QueryContext(ctx, `SELECT * FROM `+table+` ORDER BY 1, 2`)
		ok(t, err)
		cols, err := rows.Columns()
		ok(t, err)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			ok(t, rows.Scan(ptrs...))
			fmt.Fprintf(&sb, "%s%v;", table, vals)
		}
		ok(t, rows.Err())
		rows.Close()
	}
	return sb.String()
}
