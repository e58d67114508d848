package vault

import (
	"context"
	"errors"
	"fmt"
)

// Defaults of Rotate.
const (
	DefaultRotateBatch = 100
	maxRotatePasses    = 5
	maxFailedListed    = 100
)

// RotateOptions tunes Rotate. The zero value is valid.
type RotateOptions struct {
	// BatchSize is how many rows one transaction re-seals; 0 means
	// DefaultRotateBatch.
	BatchSize int
	// Progress, when set, is called after each batch with the totals so far.
	Progress func(RotateStats)
}

// RotateStats counts what Rotate did.
type RotateStats struct {
	// Scanned counts rows read (a row read in two passes counts twice).
	Scanned int
	// Rotated counts rows re-sealed under the primary key.
	Rotated int
	// Current counts rows already under the primary key.
	Current int
	// Conflicts counts rows that changed between read and write; a later
	// pass reads them again.
	Conflicts int
	// Failed lists (up to 100) installations whose row opens with no key of
	// the sealer; they are left as they are.
	Failed []string
	// Passes counts passes over the table.
	Passes int
}

// Rotate re-seals every credential not sealed under sealer's primary key,
// batch by batch, each batch one Swap (one transaction). It runs online:
// sealer must hold the new key as primary and the old keys as older ones,
// and the server should run with the same keys, so readers open rows under
// either key while it runs and new writes use the new key. Stopping it
// (ctx cancelled, a crash) leaves every row readable with both keys;
// running it again finishes the work. Rows that changed while a batch ran
// are read again in another pass. It returns an error wrapping ErrDecrypt
// when some rows open with none of the keys (listed in Failed).
func Rotate(ctx context.Context, store CredentialStore, sealer *Sealer, opts RotateOptions) (RotateStats, error) {
	batch := opts.BatchSize
	if batch <= 0 {
		batch = DefaultRotateBatch
	}
	var st RotateStats
	failed, settled := 0, false
	for !settled && st.Passes < maxRotatePasses {
		st.Passes++
		conflicts := st.Conflicts
		after := ""
		for {
			if err := ctx.Err(); err != nil {
				return st, fmt.Errorf("vault: rotate stopped after %d rows: %w", st.Rotated, err)
			}
			recs, err := store.List(ctx, after, batch)
			if err != nil {
				return st, fmt.Errorf("vault: rotate: list after installation[%s]: %w", after, err)
			}
			if len(recs) == 0 {
				break
			}
			var swaps []Swap
			for _, rec := range recs {
				st.Scanned++
				if sealer.IsCurrent(rec.Ciphertext) {
					st.Current++
					continue
				}
				aad := AAD{App: rec.App, Installation: rec.Installation}
				pt, err := sealer.Open(aad, rec.Ciphertext)
				if err != nil {
					if st.Passes == 1 {
						failed++
						if len(st.Failed) < maxFailedListed {
							st.Failed = append(st.Failed, rec.Installation)
						}
					}
					continue
				}
				next, err := sealer.Seal(aad, pt)
				clear(pt)
				if err != nil {
					return st, fmt.Errorf("vault: rotate installation[%s]: %w", rec.Installation, err)
				}
				swaps = append(swaps, Swap{Installation: rec.Installation, Old: rec.Ciphertext, New: next})
			}
			if len(swaps) > 0 {
				n, err := store.Swap(ctx, swaps)
				if err != nil {
					return st, fmt.Errorf("vault: rotate batch after installation[%s]: %w", after, err)
				}
				st.Rotated += n
				st.Conflicts += len(swaps) - n
			}
			after = recs[len(recs)-1].Installation
			if opts.Progress != nil {
				opts.Progress(st)
			}
			// A short page is not the end: a store may cap its pages below
			// batch. Only an empty page is.
		}
		settled = st.Conflicts == conflicts
	}
	if failed > 0 {
		return st, fmt.Errorf("vault: rotate: %d rows open with none of the keys [%v]: %w", failed, sealer.KeyIDs(), ErrDecrypt)
	}
	if !settled {
		return st, errors.New("vault: rotate: rows kept changing under the rotation; run it again")
	}
	return st, nil
}
