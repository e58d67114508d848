package store

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder runs queries on a pool and remembers each text with its last
// arguments.
type recorder struct {
	db   dbtx
	mu   sync.Mutex
	seen map[string][]any
}

func (r *recorder) note(q string, args []any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[q] = args
}

func (r *recorder) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r.note(q, args)
	return r.db.ExecContext(ctx, q, args...)
}

func (r *recorder) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r.note(q, args)
	return r.db.QueryContext(ctx, q, args...)
}

func (r *recorder) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	r.note(q, args)
	return r.db.QueryRowContext(ctx, q, args...)
}

// TestQueriesUseIndexes runs the tenant-scoped reads and single-row writes
// through a recorder and asks SQLite for each one's plan: none may scan a
// whole table. A new query without an index fails here.
func TestQueriesUseIndexes(t *testing.T) {
	x := newIsolationFixture(t)
	s, ctx, a := x.s, x.ctx, x.a.ID
	rec := &recorder{db: s.writer, seen: map[string][]any{}}
	q := &queries{r: rec, w: rec, now: x.clock.Now} // begin nil: no nested transactions, everything recorded
	day := x.clock.Now()
	name, paid := "n", PaymentPaid
	calls := []func() error{
		func() error { _, err := q.Installation(ctx, a, x.instA.ID); return err },
		func() error { _, err := q.InstallationForCall(ctx, a, x.instA.ID); return err },
		func() error { _, err := q.InstallationCredential(ctx, a, x.instA.ID); return err },
		func() error {
			_, _, err := q.ListInstallations(ctx, a, InstallationFilter{Category: "calendar"}, Page{})
			return err
		},
		func() error {
			_, err := q.UpdateInstallation(ctx, a, x.instA.ID, InstallationUpdate{Name: &name})
			return err
		},
		func() error { return q.SetInstallationStatus(ctx, a, x.instA.ID, StatusValid, "") },
		func() error {
			_, err := q.TenantByAPIKey(ctx, "sbk_000000000000_"+strings.Repeat("0", apiKeySecretLen))
			return err
		},
		func() error { _, err := q.ListAPIKeys(ctx, a); return err },
		func() error { _, err := q.EventTypeApps(ctx, a, "et1"); return err },
		func() error { _, err := q.ListEventTypeSettings(ctx, a, "et1"); return err },
		func() error { _, err := q.Booking(ctx, a, x.bookA.ID); return err },
		func() error { _, err := q.BookingByUID(ctx, a, x.bookA.UID); return err },
		func() error {
			_, _, err := q.ListBookings(ctx, a, BookingFilter{Status: BookingAccepted}, Page{})
			return err
		},
		func() error {
			_, err := q.BookingsBetween(ctx, a, day, day.Add(48*time.Hour), BookingAccepted)
			return err
		},
		func() error { _, err := q.BookingReferences(ctx, a, x.bookA.ID, false); return err },
		func() error { _, err := q.BookingAppStatuses(ctx, a, x.bookA.ID); return err },
		func() error { _, _, err := q.ListBookingAppStatuses(ctx, a, AppStatusDead, Page{}); return err },
		func() error { _, err := q.PaymentsForBooking(ctx, a, x.bookA.ID); return err },
		func() error { _, err := q.PaymentByExternalID(ctx, a, x.instA.ID, "pi_a"); return err },
		func() error { _, err := q.UpdatePayment(ctx, a, x.payA.ID, PaymentUpdate{Status: &paid}); return err },
		func() error { _, err := q.CallRecord(ctx, a, x.callA); return err },
		func() error { _, _, err := q.ListCallRecords(ctx, a, CallRecordFilter{}, Page{}); return err },
		func() error {
			_, _, err := q.ListCallRecords(ctx, a, CallRecordFilter{InstallationID: x.instA.ID}, Page{})
			return err
		},
		func() error { _, err := q.WebhooksForTrigger(ctx, a, "BOOKING_CREATED"); return err },
		func() error { _, _, err := q.ListWebhooks(ctx, a, Page{}); return err },
		func() error { _, _, err := q.ListWebhookDeliveries(ctx, a, x.whA.ID, Page{}); return err },
		func() error { _, _, err := q.ListAudit(ctx, a, Page{}); return err },
		func() error { _, _, err := q.KVGet(ctx, x.instA.ID, "k"); return err },
		func() error { _, err := q.KVCount(ctx, x.instA.ID); return err },
		func() error { _, err := q.PruneCallRecords(ctx, day.Add(-time.Hour)); return err },
		func() error { _, err := q.PruneExpiredKV(ctx); return err },
		func() error { _, err := q.PruneInboundEvents(ctx, day.Add(-time.Hour)); return err },
		func() error { _, err := q.PruneWebhookDeliveries(ctx, day.Add(-time.Hour)); return err },
		func() error { _, err := q.PruneAudit(ctx, day.Add(-time.Hour)); return err },
	}
	for i, call := range calls {
		if err := call(); err != nil && !isNotFound(err) {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if len(rec.seen) < len(calls) {
		t.Fatalf("recorded %d queries for %d calls", len(rec.seen), len(calls))
	}
	for query, args := range rec.seen {
		rows, err := s.writer.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
		ok(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			ok(t, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		ok(t, rows.Err())
		rows.Close()
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, "VIRTUAL TABLE") && step != "SCAN CONSTANT ROW" {
				t.Errorf("full scan %q in plan %q of\n%s", step, plan, query)
			}
			// A search bounded only by a range (id > ?) walks every
			// tenant's rows; retention deletes range over time on purpose.
			if strings.HasPrefix(step, "SEARCH ") && !equality.MatchString(step) && !strings.HasPrefix(strings.TrimSpace(query), "DELETE") {
				t.Errorf("range-only search %q in plan %q of\n%s", step, plan, query)
			}
		}
	}
}

// equality matches an equality constraint in a plan step, like (tenant_id=?).
var equality = regexp.MustCompile(`[^<>!]=`)

func isNotFound(err error) bool {
	return err != nil && strings.Contains(err.Error(), ErrNotFound.Error())
}
