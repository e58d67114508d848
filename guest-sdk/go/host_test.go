package slotbox

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
)

func TestKV(t *testing.T) {
	host := &recordingHost{answers: map[string]string{
		abi.ImportKVGet: `{"ok":{"value":"v1"}}`,
	}}
	ctx := host.ctx()

	v, found, err := KVGet(ctx, "k1")
	if err != nil || !found || v != "v1" {
		t.Fatalf("KVGet = %q, %v, %v", v, found, err)
	}
	if c := host.lastCall(t); c.fn != abi.ImportKVGet || !reflect.DeepEqual(c.in, map[string]any{"key": "k1"}) {
		t.Fatalf("kv_get input = %v %v", c.fn, c.in)
	}

	host.answers[abi.ImportKVGet] = `{"ok":{"value":null}}`
	if v, found, err := KVGet(ctx, "k2"); err != nil || found || v != "" {
		t.Fatalf("KVGet of a missing key = %q, %v, %v", v, found, err)
	}

	tests := []struct {
		ttl  time.Duration
		want map[string]any
	}{
		{0, map[string]any{"key": "k", "value": "v"}},
		{time.Second, map[string]any{"key": "k", "value": "v", "ttl_seconds": 1.0}},
		{1500 * time.Millisecond, map[string]any{"key": "k", "value": "v", "ttl_seconds": 2.0}},
		{time.Millisecond, map[string]any{"key": "k", "value": "v", "ttl_seconds": 1.0}},
	}
	for _, tt := range tests {
		if err := KVSet(ctx, "k", "v", tt.ttl); err != nil {
			t.Fatal(err)
		}
		if c := host.lastCall(t); c.fn != abi.ImportKVSet || !reflect.DeepEqual(c.in, tt.want) {
			t.Fatalf("kv_set with ttl %v sent %v, want %v", tt.ttl, c.in, tt.want)
		}
	}

	if err := KVDelete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if c := host.lastCall(t); c.fn != abi.ImportKVDelete || !reflect.DeepEqual(c.in, map[string]any{"key": "k"}) {
		t.Fatalf("kv_delete input = %v %v", c.fn, c.in)
	}
}

func TestVault(t *testing.T) {
	host := &recordingHost{answers: map[string]string{
		abi.ImportVaultGet: `{"ok":{"fields":{"api_key":"s3cret"}}}`,
	}}
	got, err := Vault(host.ctx(), "api_key")
	if err != nil || got["api_key"] != "s3cret" {
		t.Fatalf("Vault = %v, %v", got, err)
	}
	if c := host.lastCall(t); !reflect.DeepEqual(c.in, map[string]any{"fields": []any{"api_key"}}) {
		t.Fatalf("vault_get input = %v", c.in)
	}
	host.answers[abi.ImportVaultGet] = `{"ok":{}}`
	if got, err := Vault(host.ctx()); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("Vault with no fields = %v, %v", got, err)
	}
	if c := host.lastCall(t); !reflect.DeepEqual(c.in, map[string]any{"fields": []any{}}) {
		t.Fatalf("vault_get input without fields = %v", c.in)
	}
}

func TestHostErrors(t *testing.T) {
	tests := []struct {
		name          string
		answer        string
		fail          error
		wantCode      abi.Code
		wantRetryable bool
		wantText      string
	}{
		{"error envelope", `{"error":{"code":"RATE_LIMITED","message":"slow down","retryable":true}}`, nil,
			abi.CodeRateLimited, true, "kv get [k]: kv_get: RATE_LIMITED: slow down"},
		{"error without code", `{"error":{"message":"odd"}}`, nil,
			abi.CodeHostError, false, "kv get [k]: kv_get: HOST_ERROR: odd"},
		{"malformed call", "", errors.New("host rejected the call as malformed (status -1)"), "", false,
			"kv get [k]: kv_get: host rejected the call as malformed (status -1)"},
		{"not JSON", `nope`, nil, "", false, "kv get [k]: kv_get: decode envelope: invalid character 'o' in literal null (expecting 'u')"},
		{"neither ok nor error", `{}`, nil, "", false, "kv get [k]: kv_get: envelope has neither ok nor error"},
		{"wrong result type", `{"ok":{"value":3}}`, nil, "", false,
			"kv get [k]: kv_get: decode result: json: cannot unmarshal number into Go struct field kvValue.value of type string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := &recordingHost{answers: map[string]string{abi.ImportKVGet: tt.answer}, fail: tt.fail}
			_, _, err := KVGet(host.ctx(), "k")
			if err == nil || err.Error() != tt.wantText {
				t.Fatalf("err = %v, want %q", err, tt.wantText)
			}
			var e *Error
			if got := errors.As(err, &e); got != (tt.wantCode != "") {
				t.Fatalf("errors.As(*Error) = %v", got)
			}
			if e != nil && (e.Code != tt.wantCode || e.Retryable != tt.wantRetryable) {
				t.Fatalf("*Error = %+v", e)
			}
		})
	}
}

func TestNoHostOutsideWasm(t *testing.T) {
	_, _, err := KVGet(context.Background(), "k")
	if !errors.Is(err, &Error{Code: abi.CodeHostError}) {
		t.Fatalf("KVGet without a host = %v, want HOST_ERROR", err)
	}
}
