package store

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCallRecords(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	rec := CallRecord{TenantID: f.a.ID, InstallationID: f.instA.ID, AppVersionID: f.ver.ID, Method: "calendar.createEvent",
		Outcome: OutcomeOK, DurationUS: 1234, FuelUsed: 99, Log: json.RawMessage(`[{"level":"info","msg":"hi"}]`)}
	id := must(s.InsertCallRecord(ctx, rec))(t)
	got := must(s.CallRecord(ctx, f.a.ID, id))(t)
	if got.Method != rec.Method || got.DurationUS != 1234 || got.FuelUsed != 99 || string(got.Log) != string(rec.Log) ||
		!got.CreatedAt.Equal(f.clock.Now()) {
		t.Errorf("record = %+v", got)
	}

	big := CallRecord{TenantID: f.a.ID, InstallationID: f.instA.ID, Method: "m", Outcome: "TIMEOUT", Message: strings.Repeat("e", 10000),
		Log: json.RawMessage(`"` + strings.Repeat("x", MaxCallLogSize) + `"`)}
	got = must(s.CallRecord(ctx, f.a.ID, must(s.InsertCallRecord(ctx, big))(t)))(t)
	if string(got.Log) != `{"truncated":true,"size":65538}` || len(got.Message) != MaxCallMessageSize {
		t.Errorf("capped log = %s, message %d bytes", got.Log, len(got.Message))
	}
	got = must(s.CallRecord(ctx, f.a.ID, must(s.InsertCallRecord(ctx, CallRecord{TenantID: f.a.ID, InstallationID: f.instA.ID,
		Method: "m", Outcome: "ok", Log: json.RawMessage(`{not json`)}))(t)))(t)
	if !json.Valid(got.Log) {
		t.Errorf("invalid log stored: %s", got.Log)
	}

	for _, bad := range []CallRecord{
		{TenantID: f.a.ID, InstallationID: f.instA.ID, Outcome: "ok"},
		{TenantID: f.a.ID, InstallationID: f.instA.ID, Method: "m"},
		{TenantID: f.a.ID, InstallationID: f.instA.ID, Method: "m", Outcome: "ok", DurationUS: -1},
	} {
		_, err := s.InsertCallRecord(ctx, bad)
		isErr(t, err, ErrInvalid)
	}
	_, err := s.InsertCallRecord(ctx, CallRecord{TenantID: f.a.ID, InstallationID: f.instB.ID, Method: "m", Outcome: "ok"})
	isErr(t, err, ErrNotFound) // another tenant's installation

	must(s.InsertCallRecord(ctx, CallRecord{TenantID: f.b.ID, InstallationID: f.instB.ID, Method: "m", Outcome: "ok"}))(t)
	var ids []int64
	p := Page{Limit: 2}
	for {
		rs, next := must2(s.ListCallRecords(ctx, f.a.ID, CallRecordFilter{InstallationID: f.instA.ID}, p))(t)
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		if next == "" {
			break
		}
		p.After = next
	}
	if len(ids) != 3 || ids[0] < ids[1] || ids[1] < ids[2] {
		t.Errorf("paged ids = %v, want 3 newest first", ids)
	}
	if all, _ := must2(s.ListCallRecords(ctx, f.a.ID, CallRecordFilter{}, Page{}))(t); len(all) != 3 {
		t.Errorf("tenant A sees %d records, want 3", len(all))
	}
}

func TestPruneCallRecords(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	old := f.clock.Now().Add(-40 * 24 * time.Hour)
	n := pruneBatch*2 + 10 // more than one batch
	ok(t, s.RunInTx(ctx, func(tx *Tx) error {
		for i := range n {
			if _, err := tx.InsertCallRecord(ctx, CallRecord{TenantID: f.a.ID, InstallationID: f.instA.ID, Method: "m",
				Outcome: "ok", CreatedAt: old.Add(time.Duration(i) * time.Millisecond)}); err != nil {
				return err
			}
		}
		return nil
	}))
	recent := must(s.InsertCallRecord(ctx, CallRecord{TenantID: f.a.ID, InstallationID: f.instA.ID, Method: "m", Outcome: "ok"}))(t)
	pruned := must(s.PruneCallRecords(ctx, f.clock.Now().Add(-30*24*time.Hour)))(t)
	if pruned != int64(n) {
		t.Errorf("pruned %d, want %d", pruned, n)
	}
	left, _ := must2(s.ListCallRecords(ctx, f.a.ID, CallRecordFilter{}, Page{}))(t)
	if len(left) != 1 || left[0].ID != recent {
		t.Errorf("left = %+v", left)
	}
}
