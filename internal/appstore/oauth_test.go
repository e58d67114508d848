package appstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestOAuthState(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	key := bytes.Repeat([]byte{7}, 32)
	o := newOAuthStates(key, clock.now)

	state, verifier, err := o.issue("ten_a", "zoom", "My Zoom", 10*time.Minute)
	if err != nil || verifier == "" {
		t.Fatal(err)
	}
	p, v, err := o.consume(state, "zoom")
	if err != nil || v != verifier || p.Tenant != "ten_a" || p.Name != "My Zoom" {
		t.Fatalf("consume: %+v %q %v", p, v, err)
	}
	if _, _, err := o.consume(state, "zoom"); !errors.Is(err, ErrOAuthState) || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("replay: %v", err)
	}

	fresh := func() string {
		s, _, err := o.issue("ten_a", "zoom", "", 10*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tamper := func(s string) string {
		enc, sig, _ := strings.Cut(s, ".")
		body, _ := base64.RawURLEncoding.DecodeString(enc)
		body = bytes.Replace(body, []byte("ten_a"), []byte("ten_b"), 1)
		return base64.RawURLEncoding.EncodeToString(body) + "." + sig
	}
	other := newOAuthStates(bytes.Repeat([]byte{8}, 32), clock.now)
	otherState, _, _ := other.issue("ten_a", "zoom", "", 10*time.Minute)

	tests := []struct {
		name  string
		state string
		app   string
		want  string
	}{
		{"tampered tenant", tamper(fresh()), "zoom", "bad signature"},
		{"signed by another key", otherState, "zoom", "bad signature"},
		{"another app", fresh(), "stripe", "not app[stripe]"},
		{"no signature", "abc", "zoom", "malformed"},
		{"empty", "", "zoom", "malformed"},
		{"garbage signature", "e30.!!!", "zoom", "bad signature"},
		{"huge", strings.Repeat("a", 5000) + ".b", "zoom", "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := o.consume(tt.state, tt.app)
			if !errors.Is(err, ErrOAuthState) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrOAuthState with %q", err, tt.want)
			}
		})
	}

	t.Run("expired", func(t *testing.T) {
		s := fresh()
		clock.add(11 * time.Minute)
		if _, _, err := o.consume(s, "zoom"); !errors.Is(err, ErrOAuthState) || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("err = %v, want expired", err)
		}
	})

	t.Run("pending authorizations are bounded and pruned", func(t *testing.T) {
		o := newOAuthStates(key, clock.now)
		for range maxPendingAuths {
			if _, _, err := o.issue("t", "a", "", time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := o.issue("t", "a", "", time.Minute); err == nil {
			t.Fatal("issued past the bound")
		}
		clock.add(2 * time.Minute)
		if _, _, err := o.issue("t", "a", "", time.Minute); err != nil {
			t.Fatalf("expired authorizations were not pruned: %v", err)
		}
	})
}

func TestDeriveStateKey(t *testing.T) {
	k1, k2 := mustKey(t), mustKey(t)
	a, err := DeriveStateKey(k1)
	if err != nil || len(a) != 32 {
		t.Fatalf("%x %v", a, err)
	}
	b, _ := DeriveStateKey(k1)
	c, _ := DeriveStateKey(k2)
	if !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Fatal("the state key must be a function of the master key")
	}
	secret, _ := base64.StdEncoding.DecodeString(k1.Encode())
	if bytes.Contains(a, secret[:16]) {
		t.Fatal("the state key repeats the master key")
	}
}

func TestOAuthStartRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.publish("c-conformance", nil)
	if _, err := e.svc.OAuthStart(ctx, e.a.ID, "c-conformance", ""); !errors.Is(err, ErrNotOAuth) {
		t.Fatalf("non-OAuth app: %v", err)
	}
	e.publish("small/echo", func(m map[string]any) {
		m["isOAuth"] = true
		m["oauth"] = map[string]any{"authUrl": "https://auth.example.com/authorize", "tokenUrl": "https://auth.example.com/token"}
	})
	if _, err := e.svc.OAuthStart(ctx, e.a.ID, "test-echo", ""); !errors.Is(err, ErrOAuthNotConfigured) {
		t.Fatalf("no client configured: %v", err)
	}
	if _, err := e.svc.OAuthCallback(ctx, "test-echo", OAuthCallback{State: "x.y", Code: "c"}); !errors.Is(err, ErrOAuthState) {
		t.Fatalf("callback with a forged state: %v", err)
	}
}

// FuzzOAuthState feeds arbitrary states to the callback's parser: it never
// panics and accepts nothing it did not issue.
func FuzzOAuthState(f *testing.F) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	o := newOAuthStates(bytes.Repeat([]byte{9}, 32), clock.now)
	good, _, err := o.issue("ten_a", "zoom", "n", time.Minute)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("")
	f.Add(".")
	f.Add("e30.")
	f.Add(strings.Repeat("A", 100) + "." + strings.Repeat("B", 43))
	f.Fuzz(func(t *testing.T, state string) {
		if state == good {
			return
		}
		if _, _, err := o.consume(state, "zoom"); err == nil {
			t.Fatalf("accepted a state it did not issue: %q", state)
		}
	})
}
