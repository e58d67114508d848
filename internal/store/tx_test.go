package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	sqlite3 "modernc.org/sqlite/lib"
)

func TestRunInTxCommits(t *testing.T) {
	f := newFixture(t)
	var ref BookingReference
	ok(t, f.s.RunInTx(f.ctx, func(tx *Tx) error {
		st := BookingAccepted
		if _, err := tx.UpdateBooking(f.ctx, f.a.ID, f.bookA.ID, BookingUpdate{Status: &st}); err != nil {
			return err
		}
		var err error
		ref, err = tx.PutBookingReference(f.ctx, f.a.ID, BookingReference{BookingID: f.bookA.ID, InstallationID: f.instA.ID, Type: "t"})
		if err != nil {
			return err
		}
		// Reads inside the transaction see its own writes.
		refs, err := tx.BookingReferences(f.ctx, f.a.ID, f.bookA.ID, false)
		if err != nil || len(refs) != 1 {
			return fmt.Errorf("in-tx read: %v %v", refs, err)
		}
		if tx.SQL() == nil {
			return errors.New("no *sql.Tx")
		}
		return nil
	}))
	refs := must(f.s.BookingReferences(f.ctx, f.a.ID, f.bookA.ID, false))(t)
	if len(refs) != 1 || refs[0].ID != ref.ID {
		t.Errorf("after commit refs = %+v", refs)
	}
}

func TestRunInTxFailingHalfwayWritesNothing(t *testing.T) {
	tests := []struct {
		name string
		fail func(tx *Tx, f *fixture) error
		want error
	}{
		{"fn returns an error", func(tx *Tx, f *fixture) error { return errBoom }, errBoom},
		{"a statement fails", func(tx *Tx, f *fixture) error {
			_, err := tx.CreateBooking(f.ctx, f.a.ID, f.newBooking("uid-a")) // duplicate uid
			return err
		}, ErrConflict},
		{"a nested multi-statement method fails", func(tx *Tx, f *fixture) error {
			_, err := tx.PublishAppVersion(f.ctx, PublishApp{Slug: "x", Name: "X", Category: "c", Manifest: []byte(`{}`), Wasm: []byte("w")})
			if err != nil {
				return err
			}
			_, err = tx.CreatePayment(f.ctx, f.a.ID, NewPayment{BookingID: f.bookA.ID, InstallationID: f.instB.ID, Amount: 1,
				Currency: "eur", Status: PaymentPending})
			return err
		}, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			before := dumpDB(t, f.s)
			err := f.s.RunInTx(f.ctx, func(tx *Tx) error {
				if _, err := tx.CreateTenant(f.ctx, "half"); err != nil {
					return err
				}
				if _, err := tx.InsertCallRecord(f.ctx, CallRecord{TenantID: f.a.ID, InstallationID: f.instA.ID, Method: "m", Outcome: "ok"}); err != nil {
					return err
				}
				if err := tx.KVSet(f.ctx, f.instA.ID, "k", []byte("v"), 0, 0); err != nil {
					return err
				}
				return tt.fail(tx, f)
			})
			isErr(t, err, tt.want)
			if after := dumpDB(t, f.s); after != before {
				t.Errorf("failed transaction left writes:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestRunInTxRollsBackOnPanic(t *testing.T) {
	f := newFixture(t)
	before := dumpDB(t, f.s)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic did not propagate")
			}
		}()
		_ = f.s.RunInTx(f.ctx, func(tx *Tx) error {
			if _, err := tx.CreateTenant(f.ctx, "panicky"); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if after := dumpDB(t, f.s); after != before {
		t.Error("panicking transaction left writes")
	}
	// The writer connection is free again.
	must(f.s.CreateTenant(f.ctx, "after"))(t)
}

func TestConcurrentWritersNeverBusy(t *testing.T) {
	f := newFixture(t)
	const goroutines, each = 8, 48 // each a multiple of the 4 kinds of work
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var err error
				switch i % 4 {
				case 0:
					_, err = f.s.InsertCallRecord(f.ctx, CallRecord{TenantID: f.a.ID, InstallationID: f.instA.ID, Method: "m", Outcome: "ok"})
				case 1:
					err = f.s.KVSet(f.ctx, f.instA.ID, fmt.Sprintf("g%d-%d", g, i), []byte("v"), 0, 0)
				case 2:
					err = f.s.RunInTx(f.ctx, func(tx *Tx) error {
						b, err := tx.CreateBooking(f.ctx, f.a.ID, f.newBooking(fmt.Sprintf("g%d-%d", g, i)))
						if err != nil {
							return err
						}
						_, err = tx.PutBookingAppStatus(f.ctx, f.a.ID, BookingAppStatus{BookingID: b.ID, InstallationID: f.instA.ID,
							Step: "s", Status: AppStatusPending})
						return err
					})
				case 3:
					// Readers run beside the writer.
					_, _, err = f.s.ListCallRecords(f.ctx, f.a.ID, CallRecordFilter{}, Page{})
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if c := sqliteCode(err) & 0xff; c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED {
			t.Errorf("SQLITE_BUSY/LOCKED: %v", err)
		} else {
			t.Errorf("write failed: %v", err)
		}
	}
	var calls, kv, bookings int
	ok(t, f.s.reader.QueryRowContext(context.Background(), `SELECT
		(SELECT COUNT(*) FROM call_records), (SELECT COUNT(*) FROM kv), (SELECT COUNT(*) FROM bookings WHERE uid LIKE 'g%')`).Scan(&calls, &kv, &bookings))
	want := goroutines * each / 4
	if calls != want || kv != want || bookings != want {
		t.Errorf("rows: calls=%d kv=%d bookings=%d, want %d each", calls, kv, bookings, want)
	}
}

func TestTwoStoresOnOneFile(t *testing.T) {
	// A second process on the same file (for example during a restart
	// overlap) must wait on busy_timeout, not fail.
	s1 := openTest(t)
	s2, err := Open(context.Background(), s1.Path())
	ok(t, err)
	defer s2.Close()
	var wg sync.WaitGroup
	for _, s := range []*Store{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 30 {
				if _, err := s.CreateTenant(context.Background(), "t"); err != nil {
					t.Errorf("CreateTenant: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	ts, _ := must2(s1.ListTenants(context.Background(), Page{Limit: 100}))(t)
	if len(ts) != 60 {
		t.Errorf("%d tenants, want 60", len(ts))
	}
}
