package store

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs/kv"
)

func TestKVStoreWithRealHostFunctions(t *testing.T) {
	f := newFixture(t)
	k := must(kv.New(f.s.KVStore(), kv.DefaultConfig().WithClock(f.clock.Now).WithMaxKeys(2)))(t)
	getA, setA, delA := k.Funcs(kv.Grant{Installation: f.instA.ID})
	getB, _, _ := k.Funcs(kv.Grant{Installation: f.instB.ID})
	must(setA(f.ctx, []byte(`{"key":"cursor","value":"abc"}`)))(t)
	must(setA(f.ctx, []byte(`{"key":"token","value":"t1","ttl_seconds":60}`)))(t)
	tests := []struct {
		name string
		get  func() (json.RawMessage, error)
		want string
	}{
		{"own key", func() (json.RawMessage, error) { return getA(f.ctx, []byte(`{"key":"cursor"}`)) }, `{"value":"abc"}`},
		{"other installation", func() (json.RawMessage, error) { return getB(f.ctx, []byte(`{"key":"cursor"}`)) }, `{"value":null}`},
		{"missing", func() (json.RawMessage, error) { return getA(f.ctx, []byte(`{"key":"nope"}`)) }, `{"value":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := must(tt.get())(t); string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}

	_, err := setA(f.ctx, []byte(`{"key":"third","value":"x"}`))
	var ae *abi.Error
	if !errors.As(err, &ae) || ae.Code != abi.CodeLimitExceeded {
		t.Fatalf("third key = %v, want LIMIT_EXCEEDED", err)
	}
	f.clock.Add(time.Minute) // token expires and frees a slot
	if got := must(getA(f.ctx, []byte(`{"key":"token"}`)))(t); string(got) != `{"value":null}` {
		t.Errorf("expired token = %s", got)
	}
	must(setA(f.ctx, []byte(`{"key":"third","value":"x"}`)))(t)
	must(delA(f.ctx, []byte(`{"key":"cursor"}`)))(t)
	if got := must(getA(f.ctx, []byte(`{"key":"cursor"}`)))(t); string(got) != `{"value":null}` {
		t.Errorf("deleted key = %s", got)
	}
}

func TestKVStoreContract(t *testing.T) {
	f := newFixture(t)
	st := f.s.KVStore()
	now := f.clock.Now()
	ok(t, st.Set(f.ctx, kv.Entry{Installation: f.instA.ID, Key: "k", Value: "v\x00with nul", ExpiresAt: now.Add(time.Second)}, 10, now))
	v, found, err := st.Get(f.ctx, f.instA.ID, "k", now)
	ok(t, err)
	if !found || v != "v\x00with nul" {
		t.Errorf("Get = %q %v", v, found)
	}
	// Expired at or before now.
	if _, found, _ := st.Get(f.ctx, f.instA.ID, "k", now.Add(time.Second)); found {
		t.Error("found at its expiry time")
	}
	ok(t, st.Set(f.ctx, kv.Entry{Installation: f.instA.ID, Key: "a", Value: "1"}, 1, now.Add(time.Second))) // k expired: room
	err = st.Set(f.ctx, kv.Entry{Installation: f.instA.ID, Key: "b", Value: "1"}, 1, now.Add(time.Second))
	if !errors.Is(err, kv.ErrTooManyKeys) || !errors.Is(err, ErrLimitExceeded) {
		t.Errorf("over the limit = %v", err)
	}
	ok(t, st.Set(f.ctx, kv.Entry{Installation: f.instA.ID, Key: "tmp", Value: "1", ExpiresAt: now.Add(2 * time.Second)}, 0, now))
	n := must(st.Purge(f.ctx, now.Add(time.Hour)))(t)
	if n != 1 {
		t.Errorf("purged %d, want 1", n)
	}
	ok(t, st.Delete(f.ctx, f.instA.ID, "a"))
	ok(t, st.Delete(f.ctx, f.instA.ID, "a"))
	err = st.Set(f.ctx, kv.Entry{Installation: "ins_missing", Key: "k", Value: "v"}, 0, now)
	isErr(t, err, ErrNotFound)
}
