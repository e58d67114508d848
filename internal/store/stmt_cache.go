package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache runs queries on a pool through prepared statements, prepared
// once per query text and reused (database/sql prepares each on every pooled
// connection the first time it runs there). The package's query texts are
// constants, so the cache is bounded by their number. Compiling a statement
// costs more than running most of these queries, so the hot paths halve.
//
// Transactions do not use it: preparing needs a connection, and a write
// transaction holds the only writer connection.
type stmtCache struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}}
}

// stmt returns the prepared statement of query, preparing it on first use.
func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	s := c.stmts[query]
	c.mu.Unlock()
	if s != nil {
		return s, nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev := c.stmts[query]; prev != nil {
		s.Close() // another goroutine prepared it meanwhile
		return prev, nil
	}
	c.stmts[query] = s
	return s, nil
}

// ExecContext runs a statement that returns no rows.
func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

// QueryContext runs a query that returns rows.
func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// QueryRowContext runs a query that returns at most one row. A statement
// that fails to prepare runs unprepared, which reports the same error
// through the *sql.Row.
func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return c.db.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// Close closes every cached statement.
func (c *stmtCache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.Close())
		delete(c.stmts, q)
	}
	return errors.Join(errs...)
}
