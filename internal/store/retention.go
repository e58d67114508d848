package store

import (
	"context"
	"fmt"
)

// pruneBatch is how many rows one retention statement deletes. Each batch is
// its own short write, so pruning a large table never holds the single
// writer for long.
const pruneBatch = 2000

// pruneBatches runs stmt (a DELETE taking a cutoff and a batch size) until a
// batch deletes fewer rows than the batch size, and returns the total.
func (q *queries) pruneBatches(ctx context.Context, op, stmt string, cutoff int64) (int64, error) {
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("%s: %w", op, err)
		}
		res, err := q.w.ExecContext(ctx, stmt, cutoff, pruneBatch)
		if err != nil {
			return total, mapErr(op, err, fkInUse)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, mapErr(op, err, fkInUse)
		}
		total += n
		if n < pruneBatch {
			return total, nil
		}
	}
}
