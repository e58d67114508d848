package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestOpenSetsPragmasOnEveryConnection(t *testing.T) {
	s := openTest(t, WithReadConns(3), WithBusyTimeout(7*time.Second))
	ctx := context.Background()
	tests := []struct {
		name   string
		db     *sql.DB
		pragma string
		want   string
	}{
		{"writer busy_timeout", s.writer, "busy_timeout", "7000"},
		{"writer journal_mode", s.writer, "journal_mode", "wal"},
		{"writer synchronous", s.writer, "synchronous", "1"},
		{"writer foreign_keys", s.writer, "foreign_keys", "1"},
		{"writer query_only", s.writer, "query_only", "0"},
		{"reader busy_timeout", s.reader, "busy_timeout", "7000"},
		{"reader journal_mode", s.reader, "journal_mode", "wal"},
		{"reader synchronous", s.reader, "synchronous", "1"},
		{"reader foreign_keys", s.reader, "foreign_keys", "1"},
		{"reader query_only", s.reader, "query_only", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Hold several connections at once so the pragma is checked on
			// more than the first pooled one.
			var conns []*sql.Conn
			n := 1
			if tt.db == s.reader {
				n = 3
			}
			for range n {
				c, err := tt.db.Conn(ctx)
				ok(t, err)
				conns = append(conns, c)
			}
			for i, c := range conns {
				var got string
				ok(t, c.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got))
				if !strings.EqualFold(got, tt.want) {
					t.Errorf("conn %d: PRAGMA %s = %s, want %s", i, tt.pragma, got, tt.want)
				}
			}
			for _, c := range conns {
				ok(t, c.Close())
			}
		})
	}
	if got := s.writer.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("writer MaxOpenConnections = %d, want 1", got)
	}
	if got := s.Stats().Reader.MaxOpenConnections; got != 3 {
		t.Errorf("reader MaxOpenConnections = %d, want 3", got)
	}
	if s.DB() != s.writer {
		t.Error("DB() is not the writer pool")
	}
}

func TestReaderRefusesWrites(t *testing.T) {
	s := openTest(t)
	_, err := s.reader.ExecContext(context.Background(), `INSERT INTO tenants (id, name, created_at) VALUES ('x', 'x', 0)`)
	if err == nil {
		t.Fatal("insert through the read pool succeeded")
	}
}

func TestOpenRejects(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts []Option
	}{
		{"empty path", "", nil},
		{"memory", ":memory:", nil},
		{"uri", "file:x.db", nil},
		{"query in path", filepath.Join(dir, "a.db?mode=ro"), nil},
		{"zero readers", filepath.Join(dir, "a.db"), []Option{WithReadConns(0)}},
		{"tiny busy timeout", filepath.Join(dir, "a.db"), []Option{WithBusyTimeout(0)}},
		{"nil clock", filepath.Join(dir, "a.db"), []Option{WithClock(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(context.Background(), tt.path, tt.opts...)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			isErr(t, err, ErrInvalid)
		})
	}
}

func TestOpenCreatesFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "c", "slotbox.db")
	s, err := Open(context.Background(), path)
	ok(t, err)
	ok(t, s.Close())
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
}

func TestMigrationsApplyAndAreIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slotbox.db")
	ctx := context.Background()
	for i := range 3 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		var n, max int
		ok(t, s.reader.QueryRowContext(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &max))
		if n != SchemaVersion() || max != SchemaVersion() {
			t.Errorf("open %d: %d migrations up to %d, want %d", i, n, max, SchemaVersion())
		}
		ok(t, s.Close())
	}
	if SchemaVersion() < 1 {
		t.Fatalf("SchemaVersion = %d", SchemaVersion())
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slotbox.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	ok(t, err)
	_, err = s.writer.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', 0)`,
		SchemaVersion()+1)
	ok(t, err)
	ok(t, s.Close())

	s, err = Open(ctx, path)
	if err == nil {
		s.Close()
		t.Fatal("Open accepted a newer schema")
	}
	isErr(t, err, ErrSchemaTooNew)
}

func TestLoadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		fs      fstest.MapFS
		want    int
		wantErr string
	}{
		{"in order", fstest.MapFS{"migrations/0002_b.sql": file("B"), "migrations/0001_a.sql": file("A")}, 2, ""},
		{"gap", fstest.MapFS{"migrations/0001_a.sql": file("A"), "migrations/0003_c.sql": file("C")}, 0, "without gaps"},
		{"duplicate", fstest.MapFS{"migrations/0001_a.sql": file("A"), "migrations/0001_b.sql": file("B")}, 0, "without gaps"},
		{"bad name", fstest.MapFS{"migrations/1_a.sql": file("A")}, 0, "NNNN_name.sql"},
		{"no folder", fstest.MapFS{}, 0, "read migrations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.fs)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			ok(t, err)
			if len(ms) != tt.want || ms[0].sql != "A" {
				t.Fatalf("got %+v", ms)
			}
		})
	}
}

func TestFailedMigrationLeavesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slotbox.db")
	ctx := context.Background()
	db, err := sql.Open("sqlite", dsn(path, defaultConfig(), false))
	ok(t, err)
	defer db.Close()
	ms := []migration{
		{version: 1, name: "good", sql: `CREATE TABLE a (x INTEGER) STRICT;`},
		{version: 2, name: "bad", sql: `CREATE TABLE b (x INTEGER) STRICT; INSERT INTO nowhere VALUES (1);`},
	}
	if err := applyMigrations(ctx, db, ms, time.Now); err == nil || !strings.Contains(err.Error(), "0002_bad") {
		t.Fatalf("error = %v, want the failing migration named", err)
	}
	cur, err := currentVersion(ctx, db)
	ok(t, err)
	if cur != 1 {
		t.Errorf("version = %d, want 1", cur)
	}
	var n int
	ok(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'b'`).Scan(&n))
	if n != 0 {
		t.Error("table b of the failed migration exists")
	}
}

func TestPing(t *testing.T) {
	s := openTest(t)
	ok(t, s.Ping(context.Background()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping with a cancelled context succeeded")
	}
}

func TestRestartKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slotbox.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	ok(t, err)
	ten := must(s.CreateTenant(ctx, "Acme"))(t)
	_, key := mustKey(t, s, ten.ID)
	pub := must(s.PublishAppVersion(ctx, PublishApp{Slug: "zoom", Name: "Zoom", Category: "conferencing",
		Manifest: []byte(`{}`), Wasm: []byte("wasm")}))(t)
	inst := must(s.CreateInstallation(ctx, ten.ID, NewInstallation{AppID: pub.App.ID, Name: "z", Credential: []byte("c")}))(t)
	ok(t, s.KVSet(ctx, inst.ID, "k", []byte("v"), 0, 0))
	ok(t, s.Close())

	s, err = Open(ctx, path)
	ok(t, err)
	defer s.Close()
	got := must(s.TenantByAPIKey(ctx, key))(t)
	if got.ID != ten.ID {
		t.Errorf("tenant after restart = %s, want %s", got.ID, ten.ID)
	}
	call := must(s.InstallationForCall(ctx, ten.ID, inst.ID))(t)
	if call.Version.ID != pub.Version.ID {
		t.Errorf("version after restart = %s, want %s", call.Version.ID, pub.Version.ID)
	}
	v, found, err := s.KVGet(ctx, inst.ID, "k")
	ok(t, err)
	if !found || string(v) != "v" {
		t.Errorf("kv after restart = %q %v", v, found)
	}
}

func mustKey(t testing.TB, s *Store, tenantID string) (APIKey, string) {
	t.Helper()
	k, key, err := s.CreateAPIKey(context.Background(), tenantID, "test")
	ok(t, err)
	return k, key
}

func TestMapErr(t *testing.T) {
	if err := mapErr("op", sql.ErrNoRows, fkMissing); !errors.Is(err, ErrNotFound) {
		t.Errorf("ErrNoRows -> %v", err)
	}
	other := errors.New("disk on fire")
	if err := mapErr("op", other, fkMissing); !errors.Is(err, other) || !strings.HasPrefix(err.Error(), "op: ") {
		t.Errorf("other -> %v", err)
	}
	if mapErr("op", nil, fkMissing) != nil {
		t.Error("nil -> non-nil")
	}
}
