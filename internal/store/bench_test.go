package store

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// Benchmarks of the hot paths, on a real database file in a temporary folder
// (WAL, synchronous NORMAL). Run: go test -run '^$' -bench . -benchmem ./internal/store/

func BenchmarkInsertCallRecord(b *testing.B) {
	f := newFixture(b)
	rec := CallRecord{TenantID: f.a.ID, InstallationID: f.instA.ID, AppVersionID: f.ver.ID, Method: "calendar.createEvent",
		Outcome: OutcomeOK, DurationUS: 850, FuelUsed: 120000, Log: json.RawMessage(`[{"level":"info","msg":"created event"}]`)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.s.InsertCallRecord(f.ctx, rec); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInsertCallRecordParallel(b *testing.B) {
	f := newFixture(b)
	rec := CallRecord{TenantID: f.a.ID, InstallationID: f.instA.ID, Method: "calendar.createEvent", Outcome: OutcomeOK, DurationUS: 850}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.s.InsertCallRecord(f.ctx, rec); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkInstallationForCall(b *testing.B) {
	f := newFixture(b)
	// A realistic table: many tenants' installations around the one read.
	for i := range 1000 {
		t := must(f.s.CreateTenant(f.ctx, fmt.Sprint("t", i)))(b)
		must(f.s.CreateInstallation(f.ctx, t.ID, NewInstallation{AppID: f.app.ID, Name: "x", Credential: make([]byte, 200)}))(b)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.s.InstallationForCall(f.ctx, f.a.ID, f.instA.ID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInstallationForCallParallel(b *testing.B) {
	f := newFixture(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.s.InstallationForCall(context.Background(), f.a.ID, f.instA.ID); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkTenantByAPIKey(b *testing.B) {
	f := newFixture(b)
	for range 1000 {
		mustKey(b, f.s, f.b.ID)
	}
	_, key := mustKey(b, f.s, f.a.ID)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.s.TenantByAPIKey(f.ctx, key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTenantByAPIKeyUnknown(b *testing.B) {
	f := newFixture(b)
	_, key := mustKey(b, f.s, f.a.ID)
	ok(b, f.s.DeleteAPIKey(f.ctx, f.a.ID, must(f.s.ListAPIKeys(f.ctx, f.a.ID))(b)[0].ID))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.s.TenantByAPIKey(f.ctx, key); err == nil {
			b.Fatal("revoked key accepted")
		}
	}
}

func BenchmarkKVGet(b *testing.B) {
	f := newFixture(b)
	ok(b, f.s.KVSet(f.ctx, f.instA.ID, "token", []byte(`{"sync":"abc"}`), 0, 0))
	b.ReportAllocs()
	for b.Loop() {
		if _, found, err := f.s.KVGet(f.ctx, f.instA.ID, "token"); err != nil || !found {
			b.Fatal(found, err)
		}
	}
}

func BenchmarkKVSetWithLimit(b *testing.B) {
	f := newFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := f.s.KVSet(f.ctx, f.instA.ID, "token", []byte(`{"sync":"abc"}`), 0, 1000); err != nil {
			b.Fatal(err)
		}
	}
}
