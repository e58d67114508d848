package store

import (
	"strings"
	"testing"
	"time"
)

func TestKV(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	inst := f.instA.ID
	_, found, err := s.KVGet(ctx, inst, "missing")
	ok(t, err)
	if found {
		t.Error("missing key found")
	}
	ok(t, s.KVSet(ctx, inst, "a", []byte("1"), 0, 0))
	ok(t, s.KVSet(ctx, inst, "empty", nil, 0, 0))
	ok(t, s.KVSet(ctx, inst, "a", []byte("2"), 0, 0))
	v, found, err := s.KVGet(ctx, inst, "a")
	ok(t, err)
	if !found || string(v) != "2" {
		t.Errorf("a = %q %v", v, found)
	}
	v, found, err = s.KVGet(ctx, inst, "empty")
	ok(t, err)
	if !found || v == nil || len(v) != 0 {
		t.Errorf("empty = %#v %v, want a found empty value", v, found)
	}
	if _, found, _ := s.KVGet(ctx, f.instB.ID, "a"); found {
		t.Error("installation B sees A's key")
	}
	if n := must(s.KVCount(ctx, inst))(t); n != 2 {
		t.Errorf("count = %d", n)
	}
	ok(t, s.KVDelete(ctx, inst, "a"))
	ok(t, s.KVDelete(ctx, inst, "a")) // deleting twice is fine
	if _, found, _ := s.KVGet(ctx, inst, "a"); found {
		t.Error("deleted key found")
	}
	isErr(t, s.KVSet(ctx, "ins_missing", "a", []byte("1"), 0, 0), ErrNotFound)
	isErr(t, s.KVSet(ctx, inst, "", []byte("1"), 0, 0), ErrInvalid)
	isErr(t, s.KVSet(ctx, inst, strings.Repeat("k", MaxKVKeyLen+1), []byte("1"), 0, 0), ErrInvalid)
	isErr(t, s.KVSet(ctx, inst, "big", make([]byte, MaxKVValueSize+1), 0, 0), ErrInvalid)
	isErr(t, s.KVSet(ctx, inst, "neg", nil, -time.Second, 0), ErrInvalid)
}

func TestKVExpiry(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	inst := f.instA.ID
	ok(t, s.KVSet(ctx, inst, "short", []byte("s"), time.Minute, 0))
	ok(t, s.KVSet(ctx, inst, "long", []byte("l"), time.Hour, 0))
	ok(t, s.KVSet(ctx, inst, "forever", []byte("f"), 0, 0))
	f.clock.Add(time.Minute) // expiry is exclusive: at expires_at the key is gone
	if _, found, _ := s.KVGet(ctx, inst, "short"); found {
		t.Error("expired key found")
	}
	if _, found, _ := s.KVGet(ctx, inst, "long"); !found {
		t.Error("live key missing")
	}
	if n := must(s.KVCount(ctx, inst))(t); n != 2 {
		t.Errorf("live count = %d, want 2", n)
	}
	// Setting an expired key again revives it; a set without ttl clears it.
	ok(t, s.KVSet(ctx, inst, "short", []byte("again"), 0, 0))
	f.clock.Add(365 * 24 * time.Hour)
	if v, found, _ := s.KVGet(ctx, inst, "short"); !found || string(v) != "again" {
		t.Errorf("revived key = %q %v", v, found)
	}
	n := must(s.PruneExpiredKV(ctx))(t)
	if n != 1 {
		t.Errorf("pruned %d, want 1 (long)", n)
	}
}

func TestKVMaxKeys(t *testing.T) {
	f := newFixture(t)
	s, ctx := f.s, f.ctx
	inst := f.instA.ID
	ok(t, s.KVSet(ctx, inst, "a", []byte("1"), 0, 2))
	ok(t, s.KVSet(ctx, inst, "b", []byte("1"), time.Second, 2))
	isErr(t, s.KVSet(ctx, inst, "c", []byte("1"), 0, 2), ErrLimitExceeded)
	ok(t, s.KVSet(ctx, inst, "a", []byte("overwrite"), 0, 2)) // existing key: no new slot needed
	ok(t, s.KVSet(ctx, f.instB.ID, "c", []byte("1"), 0, 2))   // per installation
	f.clock.Add(time.Second)                                  // b expires and frees its slot
	ok(t, s.KVSet(ctx, inst, "c", []byte("1"), 0, 2))
}
