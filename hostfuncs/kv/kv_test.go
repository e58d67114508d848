package kv_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	"github.com/slotbox/slotbox/hostfuncs/kv"
	"github.com/slotbox/slotbox/hostfuncs/kv/kvsql"
)

// openStore opens a fresh SQLite database in WAL mode, as the server does.
func openStore(t testing.TB) *kvsql.Store {
	t.Helper()
	dsn := "file:" + filepath.Join(t.TempDir(), "kv.db") +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q, %v; want wal", mode, err)
	}
	s, err := kvsql.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

type funcs struct{ get, set, del hostfuncs.Func }

func newKV(t testing.TB, store kv.Store, cfg kv.Config) *kv.KV {
	t.Helper()
	k, err := kv.New(store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func bind(k *kv.KV, inst string) funcs {
	g, s, d := k.Funcs(kv.Grant{Installation: inst})
	return funcs{g, s, d}
}

func call(t *testing.T, fn hostfuncs.Func, input string) (string, error) {
	t.Helper()
	out, err := fn(context.Background(), []byte(input))
	return string(out), err
}

func mustCall(t *testing.T, fn hostfuncs.Func, input, want string) {
	t.Helper()
	out, err := call(t, fn, input)
	if err != nil || out != want {
		t.Fatalf("%s -> %s, %v; want %s", input, out, err, want)
	}
}

func wantCode(t *testing.T, err error, code abi.Code, msg string) {
	t.Helper()
	var ae *abi.Error
	if !errors.As(err, &ae) || ae.Code != code || !strings.Contains(ae.Message, msg) {
		t.Fatalf("err = %v; want %s containing %q", err, code, msg)
	}
}

func TestFuncs(t *testing.T) {
	f := bind(newKV(t, openStore(t), kv.DefaultConfig()), "inst-a")
	mustCall(t, f.get, `{"key":"cursor"}`, `{"value":null}`)
	mustCall(t, f.set, `{"key":"cursor","value":"abc"}`, `{}`)
	mustCall(t, f.get, `{"key":"cursor"}`, `{"value":"abc"}`)
	mustCall(t, f.set, `{"key":"cursor","value":"def","ttl_seconds":0}`, `{}`)
	mustCall(t, f.get, `{"key":"cursor"}`, `{"value":"def"}`)
	mustCall(t, f.set, `{"key":"empty","value":""}`, `{}`)
	mustCall(t, f.get, `{"key":"empty"}`, `{"value":""}`)
	mustCall(t, f.del, `{"key":"cursor"}`, `{}`)
	mustCall(t, f.get, `{"key":"cursor"}`, `{"value":null}`)
	mustCall(t, f.del, `{"key":"never-set"}`, `{}`)

	// Any string round-trips, NUL and non-ASCII included.
	key, val := "k\u0000é/🙂", "v\u0000\n\"x\"🙂"
	in, _ := json.Marshal(map[string]string{"key": key, "value": val})
	mustCall(t, f.set, string(in), `{}`)
	kin, _ := json.Marshal(map[string]string{"key": key})
	out, err := call(t, f.get, string(kin))
	var res struct{ Value *string }
	if err != nil || json.Unmarshal([]byte(out), &res) != nil || res.Value == nil || *res.Value != val {
		t.Fatalf("round trip: %s, %v", out, err)
	}
	// Keys that differ only after a NUL are distinct.
	mustCall(t, f.get, `{"key":"k"}`, `{"value":null}`)
}

func TestFuncsRejects(t *testing.T) {
	f := bind(newKV(t, openStore(t), kv.DefaultConfig()), "inst-a")
	long := strings.Repeat("k", 257)
	big := strings.Repeat("v", 64<<10+1)
	tests := []struct {
		name  string
		fn    hostfuncs.Func
		input string
		code  abi.Code
		msg   string
	}{
		{"get not json", f.get, `key`, abi.CodeInvalidInput, "kv_get"},
		{"get no key", f.get, `{}`, abi.CodeInvalidInput, `"key"`},
		{"get null key", f.get, `{"key":null}`, abi.CodeInvalidInput, `"key"`},
		{"get number key", f.get, `{"key":1}`, abi.CodeInvalidInput, "kv_get"},
		{"get empty key", f.get, `{"key":""}`, abi.CodeInvalidInput, "empty"},
		{"get unknown field", f.get, `{"key":"a","ns":"inst-b"}`, abi.CodeInvalidInput, "ns"},
		{"get trailing", f.get, `{"key":"a"}{}`, abi.CodeInvalidInput, "after"},
		{"get long key", f.get, `{"key":"` + long + `"}`, abi.CodeLimitExceeded, "256 bytes"},
		{"del long key", f.del, `{"key":"` + long + `"}`, abi.CodeLimitExceeded, "256 bytes"},
		{"del no key", f.del, `{"value":"x"}`, abi.CodeInvalidInput, "kv_delete"},
		{"set no value", f.set, `{"key":"a"}`, abi.CodeInvalidInput, `"value"`},
		{"set null value", f.set, `{"key":"a","value":null}`, abi.CodeInvalidInput, `"value"`},
		{"set object value", f.set, `{"key":"a","value":{}}`, abi.CodeInvalidInput, "kv_set"},
		{"set negative ttl", f.set, `{"key":"a","value":"v","ttl_seconds":-1}`, abi.CodeInvalidInput, "ttl_seconds"},
		{"set fractional ttl", f.set, `{"key":"a","value":"v","ttl_seconds":1.5}`, abi.CodeInvalidInput, "kv_set"},
		{"set string ttl", f.set, `{"key":"a","value":"v","ttl_seconds":"60"}`, abi.CodeInvalidInput, "kv_set"},
		{"set huge ttl", f.set, `{"key":"a","value":"v","ttl_seconds":99999999999}`, abi.CodeLimitExceeded, "31622400"},
		{"set overflowing ttl", f.set, `{"key":"a","value":"v","ttl_seconds":1e30}`, abi.CodeInvalidInput, "kv_set"},
		{"set long key", f.set, `{"key":"` + long + `","value":"v"}`, abi.CodeLimitExceeded, "256 bytes"},
		{"set big value", f.set, `{"key":"a","value":"` + big + `"}`, abi.CodeLimitExceeded, "65536 bytes"},
		{"set huge input", f.set, `{"key":"a","value":"` + strings.Repeat(`\u0000`, 100<<10) + `"}`, abi.CodeLimitExceeded, "input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := call(t, tt.fn, tt.input)
			if out != "" {
				t.Errorf("result %s alongside an error", out)
			}
			wantCode(t, err, tt.code, tt.msg)
		})
	}
	// Nothing was written by the rejected sets.
	mustCall(t, f.get, `{"key":"a"}`, `{"value":null}`)
}

func TestValueAtLimits(t *testing.T) {
	f := bind(newKV(t, openStore(t), kv.DefaultConfig()), "inst-a")
	key := strings.Repeat("k", 256)
	val := strings.Repeat("é", 32<<10) // 64 KiB in bytes exactly
	in, _ := json.Marshal(map[string]string{"key": key, "value": val})
	mustCall(t, f.set, string(in), `{}`)
	want, _ := json.Marshal(map[string]string{"value": val})
	mustCall(t, f.get, `{"key":"`+key+`"}`, string(want))
}

func TestTTL(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	clk := &clock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	k := newKV(t, store, kv.DefaultConfig().WithClock(clk.Now))
	a, b := bind(k, "inst-a"), bind(k, "inst-b")
	mustCall(t, a.set, `{"key":"session","value":"s1","ttl_seconds":10}`, `{}`)
	mustCall(t, a.set, `{"key":"keep","value":"k"}`, `{}`)
	mustCall(t, b.set, `{"key":"session","value":"s2","ttl_seconds":10}`, `{}`)
	clk.Add(9 * time.Second)
	mustCall(t, a.get, `{"key":"session"}`, `{"value":"s1"}`)
	clk.Add(time.Second)
	mustCall(t, a.get, `{"key":"session"}`, `{"value":null}`)
	mustCall(t, a.get, `{"key":"keep"}`, `{"value":"k"}`)
	if n, _ := store.Count(ctx, "inst-a"); n != 2 {
		t.Fatalf("expired row gone before any purge: %d rows", n)
	}
	// A set in A drops A's expired entries, not B's.
	mustCall(t, a.set, `{"key":"other","value":"o"}`, `{}`)
	if n, _ := store.Count(ctx, "inst-a"); n != 2 {
		t.Fatalf("inst-a holds %d rows after lazy purge; want 2", n)
	}
	if n, _ := store.Count(ctx, "inst-b"); n != 1 {
		t.Fatalf("inst-b holds %d rows; want its expired one still there", n)
	}
	n, err := k.Purge(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v; want 1", n, err)
	}
	if n, _ := store.Count(ctx, "inst-b"); n != 0 {
		t.Fatalf("inst-b holds %d rows after Purge", n)
	}
	// Setting without a TTL clears an earlier one.
	mustCall(t, a.set, `{"key":"x","value":"1","ttl_seconds":5}`, `{}`)
	mustCall(t, a.set, `{"key":"x","value":"2"}`, `{}`)
	clk.Add(time.Hour)
	mustCall(t, a.get, `{"key":"x"}`, `{"value":"2"}`)
}

func TestPurgeBatches(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	now := time.Now()
	for i := range 2500 {
		if err := store.Set(ctx, kv.Entry{Installation: fmt.Sprint("i", i%3), Key: fmt.Sprint(i), Value: "v", ExpiresAt: now.Add(time.Second)}, 1<<20, now); err != nil {
			t.Fatal(err)
		}
	}
	n, err := store.Purge(ctx, now.Add(time.Minute))
	if err != nil || n != 2500 {
		t.Fatalf("Purge = %d, %v; want 2500", n, err)
	}
}

func TestKeyLimit(t *testing.T) {
	clk := &clock{t: time.Now()}
	f := bind(newKV(t, openStore(t), kv.DefaultConfig().WithMaxKeys(3).WithClock(clk.Now)), "inst-a")
	for i := range 3 {
		mustCall(t, f.set, fmt.Sprintf(`{"key":"k%d","value":"v"}`, i), `{}`)
	}
	_, err := call(t, f.set, `{"key":"k3","value":"v"}`)
	wantCode(t, err, abi.CodeLimitExceeded, "limit of 3 keys")
	mustCall(t, f.set, `{"key":"k0","value":"replaced"}`, `{}`) // replacing is not adding
	mustCall(t, f.del, `{"key":"k1"}`, `{}`)
	mustCall(t, f.set, `{"key":"k3","value":"v","ttl_seconds":1}`, `{}`)
	_, err = call(t, f.set, `{"key":"k4","value":"v"}`)
	wantCode(t, err, abi.CodeLimitExceeded, "3")
	clk.Add(2 * time.Second) // k3 expired: it no longer counts
	mustCall(t, f.set, `{"key":"k4","value":"v"}`, `{}`)
}

// TestKeyLimitConcurrent races many sets of new keys over a pool of
// connections: exactly the limit succeed.
func TestKeyLimitConcurrent(t *testing.T) {
	const limit, writers = 10, 40
	store := openStore(t)
	f := bind(newKV(t, store, kv.DefaultConfig().WithMaxKeys(limit)), "inst-a")
	var wg sync.WaitGroup
	errs := make([]error, writers)
	start := make(chan struct{})
	for i := range writers {
		wg.Go(func() {
			<-start
			_, errs[i] = f.set(context.Background(), fmt.Appendf(nil, `{"key":"k%d","value":"v"}`, i))
		})
	}
	close(start)
	wg.Wait()
	ok, limited := 0, 0
	for _, err := range errs {
		var ae *abi.Error
		switch {
		case err == nil:
			ok++
		case errors.As(err, &ae) && ae.Code == abi.CodeLimitExceeded:
			limited++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	n, _ := store.Count(context.Background(), "inst-a")
	if ok != limit || limited != writers-limit || n != limit {
		t.Fatalf("%d ok, %d limited, %d rows; want %d, %d, %d", ok, limited, n, limit, writers-limit, limit)
	}
}

// TestIsolation: installation B can neither read nor delete A's keys, and
// the limit counts per installation.
func TestIsolation(t *testing.T) {
	k := newKV(t, openStore(t), kv.DefaultConfig().WithMaxKeys(1))
	a, b := bind(k, "inst-a"), bind(k, "inst-b")
	mustCall(t, a.set, `{"key":"secret","value":"a-only"}`, `{}`)
	mustCall(t, b.get, `{"key":"secret"}`, `{"value":null}`)
	mustCall(t, b.del, `{"key":"secret"}`, `{}`)
	mustCall(t, a.get, `{"key":"secret"}`, `{"value":"a-only"}`)
	mustCall(t, b.set, `{"key":"secret","value":"b-own"}`, `{}`) // B's limit is its own
	mustCall(t, a.get, `{"key":"secret"}`, `{"value":"a-only"}`)
	mustCall(t, b.get, `{"key":"secret"}`, `{"value":"b-own"}`)
	// Namespace-looking keys stay inside the installation.
	mustCall(t, b.get, `{"key":"inst-a/secret"}`, `{"value":null}`)
	mustCall(t, b.get, `{"key":"../inst-a\u0000secret"}`, `{"value":null}`)
}

func TestUnboundGrantRefuses(t *testing.T) {
	get, set, del := newKV(t, openStore(t), kv.DefaultConfig()).Funcs(kv.Grant{})
	for _, fn := range []hostfuncs.Func{get, set, del} {
		_, err := call(t, fn, `{"key":"a","value":"b"}`)
		wantCode(t, err, abi.CodeHostError, "not bound")
	}
}

func TestNewValidates(t *testing.T) {
	s := openStore(t)
	for name, cfg := range map[string]kv.Config{
		"zero":       {},
		"no keys":    kv.DefaultConfig().WithMaxKeys(0),
		"no value":   kv.DefaultConfig().WithMaxValueBytes(0),
		"no key len": kv.DefaultConfig().WithMaxKeyBytes(-1),
		"tiny ttl":   kv.DefaultConfig().WithMaxTTL(time.Millisecond),
		"no clock":   kv.DefaultConfig().WithClock(nil),
	} {
		if _, err := kv.New(s, cfg); err == nil {
			t.Errorf("%s: config accepted", name)
		}
	}
	if _, err := kv.New(nil, kv.DefaultConfig()); err == nil {
		t.Error("nil store accepted")
	}
}

// FuzzKVSet feeds arbitrary kv_set inputs: never a panic, only ABI errors,
// and whatever is accepted reads back.
func FuzzKVSet(f *testing.F) {
	f.Add([]byte(`{"key":"a","value":"b","ttl_seconds":5}`))
	f.Add([]byte(`{"key":"a","value":"b"}`))
	f.Add([]byte(`{"key":"","value":1}`))
	f.Add([]byte(`[]`))
	store := openStore(f)
	k := newKV(f, store, kv.DefaultConfig().WithMaxKeys(1<<20))
	get, set, _ := k.Funcs(kv.Grant{Installation: "fuzz"})
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := set(context.Background(), in)
		if err != nil {
			var ae *abi.Error
			if !errors.As(err, &ae) {
				t.Fatalf("non-ABI error %v", err)
			}
			return
		}
		if string(out) != "{}" {
			t.Fatalf("set result %s", out)
		}
		var req struct{ Key, Value string }
		if err := json.Unmarshal(in, &req); err != nil {
			t.Fatalf("accepted input does not parse: %v", err)
		}
		kin, _ := json.Marshal(map[string]string{"key": req.Key})
		res, err := get(context.Background(), kin)
		want, _ := json.Marshal(map[string]string{"value": req.Value})
		if err != nil || string(res) != string(want) {
			t.Fatalf("read back %s, %v; want %s", res, err, want)
		}
	})
}

func BenchmarkKVGet(b *testing.B) {
	k := newKV(b, openStore(b), kv.DefaultConfig())
	get, set, _ := k.Funcs(kv.Grant{Installation: "bench"})
	if _, err := set(context.Background(), []byte(`{"key":"cursor","value":"`+strings.Repeat("v", 256)+`"}`)); err != nil {
		b.Fatal(err)
	}
	in := []byte(`{"key":"cursor"}`)
	for b.Loop() {
		if _, err := get(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKVSet(b *testing.B) {
	k := newKV(b, openStore(b), kv.DefaultConfig())
	_, set, _ := k.Funcs(kv.Grant{Installation: "bench"})
	i := 0
	for b.Loop() {
		in := fmt.Appendf(nil, `{"key":"k%d","value":"%s"}`, i%512, strings.Repeat("v", 256))
		i++
		if _, err := set(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
