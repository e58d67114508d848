package store

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testClock is a settable clock for expiry and retention tests.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openTest opens a store in a fresh temporary folder and closes it at the
// end of the test.
func openTest(t testing.TB, opts ...Option) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "data", "slotbox.db"), opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// fixture is a store with two tenants, one app with a version, and one
// installation and one booking per tenant.
type fixture struct {
	s     *Store
	clock *testClock
	a, b  Tenant
	app   App
	ver   AppVersion
	instA Installation
	instB Installation
	bookA Booking
	bookB Booking
	ctx   context.Context
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	clock := newTestClock()
	s := openTest(t, WithClock(clock.Now))
	ctx := context.Background()
	f := &fixture{s: s, clock: clock, ctx: ctx}
	f.a = must(s.CreateTenant(ctx, "Tenant A"))(t)
	f.b = must(s.CreateTenant(ctx, "Tenant B"))(t)
	pub := must(s.PublishAppVersion(ctx, PublishApp{Slug: "caldav", Name: "CalDAV", Category: "calendar", Enabled: true,
		FirstParty: true, Manifest: json.RawMessage(`{"slug":"caldav"}`), Wasm: []byte("\x00asm\x01\x00\x00\x00")}))(t)
	f.app, f.ver = pub.App, pub.Version
	f.instA = must(s.CreateInstallation(ctx, f.a.ID, NewInstallation{AppID: f.app.ID, Name: "A cal", Credential: []byte("sealed-a"), KeyID: "k1"}))(t)
	f.instB = must(s.CreateInstallation(ctx, f.b.ID, NewInstallation{AppID: f.app.ID, Name: "B cal", Credential: []byte("sealed-b"), KeyID: "k1"}))(t)
	f.bookA = must(s.CreateBooking(ctx, f.a.ID, f.newBooking("uid-a")))(t)
	f.bookB = must(s.CreateBooking(ctx, f.b.ID, f.newBooking("uid-b")))(t)
	return f
}

func (f *fixture) newBooking(uid string) NewBooking {
	start := f.clock.Now().Add(24 * time.Hour)
	return NewBooking{UID: uid, EventTypeID: "et1", Status: BookingAccepted, Event: json.RawMessage(`{"title":"Intro"}`),
		StartTime: start, EndTime: start.Add(30 * time.Minute), ICalUID: uid + "@slotbox"}
}

// must passes v through, failing the test on a non-nil error:
// must(f())(t).
func must[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// isErr fails the test unless err matches target.
func isErr(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

// ok fails the test on a non-nil error.
func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// errBoom is the error test transactions fail with.
var errBoom = errors.New("boom")
