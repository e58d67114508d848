package store

import (
	"context"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

type hookArgs struct {
	BookingID string `json:"bookingId"`
}

func (hookArgs) Kind() string { return "test_hook" }

// TestRiverSharesTheWriter checks the contract DB and Tx.SQL exist for:
// River migrates its own tables through the writer pool, and a job enqueued
// with InsertTx commits or rolls back with the store rows of the same
// transaction.
func TestRiverSharesTheWriter(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	driver := riversqlite.New(f.s.DB())
	migrator := must(rivermigrate.New(driver, nil))(t)
	must(migrator.Migrate(ctx, rivermigrate.DirectionUp, nil))(t)
	client := must(river.NewClient(driver, &river.Config{}))(t) // insert-only: no queues

	ok(t, f.s.RunInTx(ctx, func(tx *Tx) error {
		b, err := tx.CreateBooking(ctx, f.a.ID, f.newBooking("with-job"))
		if err != nil {
			return err
		}
		_, err = client.InsertTx(ctx, tx.SQL(), hookArgs{BookingID: b.ID}, nil)
		return err
	}))
	err := f.s.RunInTx(ctx, func(tx *Tx) error {
		b, err := tx.CreateBooking(ctx, f.a.ID, f.newBooking("rolled-back"))
		if err != nil {
			return err
		}
		if _, err := client.InsertTx(ctx, tx.SQL(), hookArgs{BookingID: b.ID}, nil); err != nil {
			return err
		}
		return errBoom
	})
	isErr(t, err, errBoom)

	var jobs int
	ok(t, f.s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind = 'test_hook'`).Scan(&jobs))
	if jobs != 1 {
		t.Errorf("%d jobs, want 1 (the rolled-back one must be gone)", jobs)
	}
	if _, err := f.s.BookingByUID(ctx, f.a.ID, "rolled-back"); err == nil {
		t.Error("rolled-back booking exists")
	}
	must(f.s.BookingByUID(ctx, f.a.ID, "with-job"))(t)
}
