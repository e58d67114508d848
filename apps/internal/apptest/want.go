package apptest

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime"
)

// WantOK requires an ok envelope that fits method's result schema and
// returns it decoded as an object.
func WantOK(t testing.TB, method string, res *runtime.Result) map[string]any {
	t.Helper()
	if res.Envelope.Error != nil {
		t.Fatalf("%s: %v", method, res.Envelope.Error)
	}
	if err := abi.ValidateResult(method, res.Envelope.OK); err != nil {
		t.Fatalf("%s: result %s breaks its schema: %v", method, res.Envelope.OK, err)
	}
	var v map[string]any
	if err := json.Unmarshal(res.Envelope.OK, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// WantError requires an error envelope with code, appCode and retryable,
// whose message contains msg and is short, clean UTF-8.
func WantError(t testing.TB, res *runtime.Result, code abi.Code, appCode string, retryable bool, msg string) {
	t.Helper()
	e := res.Envelope.Error
	if e == nil {
		t.Fatalf("want %s/%s, got ok %s", code, appCode, res.Envelope.OK)
	}
	if e.Code != code || e.AppCode != appCode || e.Retryable != retryable || !strings.Contains(e.Message, msg) {
		t.Fatalf("want %s/%s retryable=%v message containing %q, got %s/%s retryable=%v: %s",
			code, appCode, retryable, msg, e.Code, e.AppCode, e.Retryable, e.Message)
	}
	if strings.ContainsRune(e.Message, utf8.RuneError) || len(e.Message) > 600 {
		t.Fatalf("message is not clean, short UTF-8: %q", e.Message)
	}
}
