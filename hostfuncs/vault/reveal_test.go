package vault_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs/vault"
)

func TestVaultGet(t *testing.T) {
	ctx := context.Background()
	v := mustVault(t, newStore(t, openDB(t)), mustSealer(t, mustKey(t)), vault.DefaultConfig())
	if err := v.Put(ctx, instA, vault.Credential{Keys: map[string]string{"webhook_secret": "whsec_1", "api_key": "sk_1", "account": "acct_1"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		input  string
		ok     string   // expected ok result
		code   abi.Code // expected error code
		msg    string   // substring of the error message
		fields []string // expected audited fields
		denied bool
	}{
		{name: "one field", input: `{"fields":["webhook_secret"]}`, ok: `{"fields":{"webhook_secret":"whsec_1"}}`, fields: []string{"webhook_secret"}},
		{name: "two fields", input: `{"fields":["account","webhook_secret"]}`, ok: `{"fields":{"account":"acct_1","webhook_secret":"whsec_1"}}`, fields: []string{"account", "webhook_secret"}},
		{name: "duplicate", input: `{"fields":["account","account"]}`, ok: `{"fields":{"account":"acct_1"}}`, fields: []string{"account"}},
		{name: "revealable but unset", input: `{"fields":["region"]}`, ok: `{"fields":{}}`, fields: nil},
		{name: "not revealable", input: `{"fields":["api_key"]}`, code: abi.CodePermissionDenied, msg: "field [api_key]", fields: []string{"api_key"}, denied: true},
		{name: "one of two not revealable", input: `{"fields":["webhook_secret","api_key"]}`, code: abi.CodePermissionDenied, msg: "field [api_key]", fields: []string{"api_key"}, denied: true},
		{name: "empty list", input: `{"fields":[]}`, code: abi.CodeInvalidInput},
		{name: "no fields key", input: `{}`, code: abi.CodeInvalidInput},
		{name: "unknown key", input: `{"fields":["account"],"all":true}`, code: abi.CodeInvalidInput},
		{name: "trailing data", input: `{"fields":["account"]} {}`, code: abi.CodeInvalidInput},
		{name: "not json", input: `fields`, code: abi.CodeInvalidInput},
		{name: "wrong type", input: `{"fields":"account"}`, code: abi.CodeInvalidInput},
		{name: "empty name", input: `{"fields":[""]}`, code: abi.CodeInvalidInput},
		{name: "too many", input: `{"fields":[` + strings.Repeat(`"a",`, 64) + `"a"]}`, code: abi.CodeInvalidInput},
		{name: "huge input", input: `{"fields":["` + strings.Repeat("a", 20<<10) + `"]}`, code: abi.CodeInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			audit := &auditLog{}
			fn := v.Func(vault.Grant{Installation: instA, Reveal: []string{"webhook_secret", "account", "region"}, Audit: audit, CallID: "call-1"})
			out, err := fn(ctx, []byte(tt.input))
			if tt.code == "" {
				if err != nil || string(out) != tt.ok {
					t.Fatalf("got %s, %v; want %s", out, err, tt.ok)
				}
			} else {
				var ae *abi.Error
				if !errors.As(err, &ae) || ae.Code != tt.code || !strings.Contains(ae.Message, tt.msg) {
					t.Fatalf("got %s, %v; want %s containing %q", out, err, tt.code, tt.msg)
				}
				for _, secret := range []string{"whsec_1", "sk_1", "acct_1"} {
					if strings.Contains(err.Error(), secret) {
						t.Fatalf("error holds a value: %v", err)
					}
				}
			}
			events := audit.all()
			if tt.code == abi.CodeInvalidInput {
				if len(events) != 0 {
					t.Fatalf("malformed input audited: %+v", events)
				}
				return
			}
			if len(events) != 1 {
				t.Fatalf("%d audit events; want 1", len(events))
			}
			e := events[0]
			if e.Installation != instA.ID || e.App != instA.App || e.CallID != "call-1" || e.Denied != tt.denied || !slices.Equal(e.Fields, tt.fields) || e.Time.IsZero() {
				t.Errorf("audit event %+v; want fields %v denied %v", e, tt.fields, tt.denied)
			}
		})
	}
}

func TestVaultGetAuditRequired(t *testing.T) {
	ctx := context.Background()
	v := mustVault(t, newStore(t, openDB(t)), mustSealer(t, mustKey(t)), vault.DefaultConfig())
	if err := v.Put(ctx, instA, vault.Credential{Keys: map[string]string{"s": "value-1"}}); err != nil {
		t.Fatal(err)
	}
	in := []byte(`{"fields":["s"]}`)
	var ae *abi.Error
	out, err := v.Func(vault.Grant{Installation: instA, Reveal: []string{"s"}})(ctx, in)
	if !errors.As(err, &ae) || ae.Code != abi.CodeHostError || out != nil {
		t.Fatalf("no auditor: %s, %v; want HOST_ERROR", out, err)
	}
	failing := &auditLog{err: errors.New("disk full")}
	out, err = v.Func(vault.Grant{Installation: instA, Reveal: []string{"s"}, Audit: failing})(ctx, in)
	if !errors.As(err, &ae) || ae.Code != abi.CodeHostError || out != nil || strings.Contains(err.Error(), "value-1") {
		t.Fatalf("failing auditor: %s, %v; want HOST_ERROR and nothing revealed", out, err)
	}
	// AuditFunc adapts a function.
	var got []vault.Event
	fn := v.Func(vault.Grant{Installation: instA, Reveal: []string{"s"}, Audit: vault.AuditFunc(func(_ context.Context, e vault.Event) error {
		got = append(got, e)
		return nil
	})})
	if _, err := fn(ctx, in); err != nil || len(got) != 1 {
		t.Fatalf("AuditFunc: %v, %d events", err, len(got))
	}
}

func TestVaultGetNoCredential(t *testing.T) {
	v := mustVault(t, newStore(t, openDB(t)), mustSealer(t, mustKey(t)), vault.DefaultConfig())
	_, err := v.Func(vault.Grant{Installation: instA, Reveal: []string{"s"}, Audit: &auditLog{}})(context.Background(), []byte(`{"fields":["s"]}`))
	var ae *abi.Error
	if !errors.As(err, &ae) || ae.Code != abi.CodePermissionDenied || !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("err = %v; want PERMISSION_DENIED wrapping ErrNotFound", err)
	}
}

// TestVaultGetIsolation: a grant for installation B never reads A's row.
func TestVaultGetIsolation(t *testing.T) {
	ctx := context.Background()
	v := mustVault(t, newStore(t, openDB(t)), mustSealer(t, mustKey(t)), vault.DefaultConfig())
	if err := v.Put(ctx, instA, vault.Credential{Keys: map[string]string{"s": "a-secret"}}); err != nil {
		t.Fatal(err)
	}
	if err := v.Put(ctx, instB, vault.Credential{Keys: map[string]string{"s": "b-secret"}}); err != nil {
		t.Fatal(err)
	}
	out, err := v.Func(vault.Grant{Installation: instB, Reveal: []string{"s"}, Audit: &auditLog{}})(ctx, []byte(`{"fields":["s"]}`))
	if err != nil || string(out) != `{"fields":{"s":"b-secret"}}` {
		t.Fatalf("got %s, %v", out, err)
	}
}

func BenchmarkVaultGet(b *testing.B) {
	ctx := context.Background()
	v := mustVault(b, newStore(b, openDB(b)), mustSealer(b, mustKey(b)), vault.DefaultConfig())
	if err := v.Put(ctx, instA, vault.Credential{Keys: map[string]string{"s": "value", "t": strings.Repeat("x", 200)}}); err != nil {
		b.Fatal(err)
	}
	fn := v.Func(vault.Grant{Installation: instA, Reveal: []string{"s"}, Audit: vault.AuditFunc(func(context.Context, vault.Event) error { return nil })})
	in := []byte(`{"fields":["s"]}`)
	for b.Loop() {
		if _, err := fn(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
