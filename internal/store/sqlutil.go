package store

import (
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// idEncoding is Crockford's base32 alphabet in lower case. Its characters are
// in ASCII order, so encoded ids sort like their bytes.
var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// newID returns prefix_ followed by 26 characters: 48 bits of the creation
// time in milliseconds, then 80 random bits. Ids sort by creation time to
// the millisecond (so keyset pages come out in creation order; ids of one
// millisecond in random order) and cannot be guessed.
func newID(prefix string, now time.Time) string {
	var b [16]byte
	ms := uint64(now.UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + "_" + idEncoding.EncodeToString(b[:])
}

// ms converts a time to stored Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// nullMS stores a zero time as NULL.
func nullMS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromNullMS reads a nullable time; NULL is the zero time.
func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// nullStr stores "" as NULL.
func nullStr(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// jsonText binds JSON to a TEXT column; empty JSON becomes def.
func jsonText(j json.RawMessage, def string) string {
	if len(j) == 0 {
		return def
	}
	return string(j)
}

// nullJSON binds optional JSON; empty is NULL.
func nullJSON(j json.RawMessage) sql.NullString {
	if len(j) == 0 {
		return sql.NullString{}
	}
	return sql.NullString{String: string(j), Valid: true}
}

// rawJSON returns stored JSON text, or nil for NULL.
func rawJSON(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}

// b2i stores a bool in an INTEGER 0/1 column.
func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Page asks for one page of a list: at most Limit rows after the cursor
// After (empty for the first page). Limit 0 means DefaultPageLimit; larger
// than MaxPageLimit is capped.
type Page struct {
	Limit int
	After string
}

// Page limits.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
)

// limit returns the effective page size.
func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageLimit
	case p.Limit > MaxPageLimit:
		return MaxPageLimit
	}
	return p.Limit
}

// afterInt parses the cursor of a list keyed by integer ids; the first page of
// a newest-first list starts below the largest int64.
func (p Page) afterInt(op string) (int64, error) {
	if p.After == "" {
		return 1<<63 - 1, nil
	}
	v, err := strconv.ParseInt(p.After, 10, 64)
	if err != nil || v < 0 {
		return 0, invalid(op, "malformed page cursor")
	}
	return v, nil
}

// nextCursor trims a page fetched with limit+1 rows and returns the cursor of
// the next page, "" when there is none.
func nextCursor[T any](items []T, limit int, key func(T) string) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, key(items[limit-1])
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// collect scans every row with scan.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// affectedOne maps the result of a single-row UPDATE or DELETE: no row
// touched is ErrNotFound.
func affectedOne(op string, res sql.Result, err error, fk fkMeaning) error {
	if err != nil {
		return mapErr(op, err, fk)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapErr(op, err, fk)
	}
	if n == 0 {
		return notFound(op)
	}
	return nil
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// qualify prefixes every column of a comma-separated list with alias.
func qualify(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
