package store

import (
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinel errors. They are never mutated; match them with errors.Is.
var (
	// ErrNotFound means the row does not exist or belongs to another tenant;
	// the two are indistinguishable on purpose.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique constraint was hit, or a row is still in use
	// by others and cannot be deleted.
	ErrConflict = errors.New("conflict")
	// ErrInvalid means an argument was rejected before reaching the database.
	ErrInvalid = errors.New("invalid argument")
	// ErrLimitExceeded means a count cap (for example keys per installation)
	// was reached.
	ErrLimitExceeded = errors.New("limit exceeded")
	// ErrSchemaTooNew means the database was migrated by a newer binary.
	ErrSchemaTooNew = errors.New("database schema is newer than this binary")
)

// fkMeaning tells mapErr what a foreign-key violation means for a statement:
// on insert/update a referenced row is missing (ErrNotFound), on delete the
// row is still referenced (ErrConflict).
type fkMeaning int

const (
	fkMissing fkMeaning = iota
	fkInUse
)

// sqliteCode returns the extended SQLite result code of err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// mapErr turns driver errors into the package's sentinels, keeping the
// driver's message for context: sql.ErrNoRows is ErrNotFound, unique and
// primary-key violations are ErrConflict, foreign-key violations are what fk
// says. op names the operation and the ids involved.
func mapErr(op string, err error, fk fkMeaning) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%s: %w (%v)", op, ErrConflict, err)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		if fk == fkInUse {
			return fmt.Errorf("%s: %w: still referenced by other rows", op, ErrConflict)
		}
		return fmt.Errorf("%s: %w: a referenced row does not exist", op, ErrNotFound)
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL, sqlite3.SQLITE_CONSTRAINT_DATATYPE:
		return fmt.Errorf("%s: %w (%v)", op, ErrInvalid, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// notFound returns an ErrNotFound for op.
func notFound(op string) error { return fmt.Errorf("%s: %w", op, ErrNotFound) }

// invalid returns an ErrInvalid for op with a reason.
func invalid(op, reason string) error { return fmt.Errorf("%s: %w: %s", op, ErrInvalid, reason) }
