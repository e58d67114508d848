package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// dbtx is what queries run on: a *sql.DB or a *sql.Tx.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries holds every typed query method. A Store runs them with reads on the
// reader pool and writes on the writer; a Tx runs both on its transaction.
type queries struct {
	r, w dbtx
	// begin starts a write transaction; nil inside a Tx.
	begin func(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
	now   func() time.Time
}

// Tx is a write transaction on the single writer connection. It has every
// query method of Store; all of them run inside the transaction, reads
// included, so they see its own uncommitted writes.
type Tx struct {
	queries
	tx *sql.Tx
}

// SQL returns the underlying *sql.Tx, for River's InsertTx: a job enqueued
// with it commits or rolls back together with the rows that need it.
func (t *Tx) SQL() *sql.Tx { return t.tx }

// RunInTx runs fn in one write transaction: committed if fn returns nil,
// rolled back if it returns an error or panics. Inside fn use only tx: the
// Store's own write methods would wait for the connection tx holds.
func (s *Store) RunInTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.queries.inTx(ctx, func(q *queries) error {
		return fn(&Tx{queries: *q, tx: q.w.(*sql.Tx)})
	})
}

// inTx runs fn in a write transaction, or directly when q already is one, so
// a multi-statement method is atomic both alone and inside RunInTx.
func (q *queries) inTx(ctx context.Context, fn func(q *queries) error) (err error) {
	if q.begin == nil {
		return fn(q)
	}
	tx, err := q.begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			// A rollback of a finished or failed transaction only reports
			// that; the fn error is the one that matters.
			if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) && err == nil {
				err = fmt.Errorf("store: rollback: %w", rerr)
			}
		}
	}()
	if err = fn(&queries{r: tx, w: tx, now: q.now}); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	committed = true
	return nil
}
