// Command conformance is the Go SDK's conformance app: it implements the
// methods the language-neutral suite (internal/conformance/cases.json)
// exercises, each a thin layer over one SDK feature, so the suite checks
// the SDK and not app logic. The C and AssemblyScript SDKs have the same app.
//
//	test.echo   the input, decoded and re-encoded by encoding/json
//	test.error  an error {code, message, retryable} taken from the input
//	test.kv     kv_set key=value, kv_get it back, kv_delete; {value}
//	test.http   GET input.url through the host; {status, body}
//	test.vault  vault_get input.fields; {fields}
//	test.log    log input.message at input.level; {}
//	test.big    a string of input.size 'a's
//	calendar.listCalendars []
//
// A host error from any host function is returned as the call's error.
package main

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

func init() {
	slotbox.Register(calendar{})
	slotbox.HandleFunc("test.echo", echo)
	slotbox.HandleFunc("test.error", fail)
	slotbox.HandleFunc("test.kv", kv)
	slotbox.HandleFunc("test.http", fetch)
	slotbox.HandleFunc("test.vault", vault)
	slotbox.HandleFunc("test.log", logLine)
	slotbox.HandleFunc("test.big", big)
}

func main() {}

type calendar struct{}

func (calendar) ListCalendars(context.Context, *abi.CalendarListCalendarsInput) ([]abi.IntegrationCalendar, error) {
	return []abi.IntegrationCalendar{}, nil
}

func decode(in json.RawMessage, v any) error {
	if err := json.Unmarshal(in, v); err != nil {
		return &slotbox.Error{Code: abi.CodeInvalidInput, Message: err.Error()}
	}
	return nil
}

func echo(_ context.Context, in json.RawMessage) (any, error) {
	var v any
	if err := decode(in, &v); err != nil {
		return nil, err
	}
	return v, nil
}

func fail(_ context.Context, in json.RawMessage) (any, error) {
	var e struct {
		Code      abi.Code `json:"code"`
		Message   string   `json:"message"`
		Retryable bool     `json:"retryable"`
	}
	if err := decode(in, &e); err != nil {
		return nil, err
	}
	return nil, &slotbox.Error{Code: e.Code, Message: e.Message, Retryable: e.Retryable}
}

func kv(ctx context.Context, in json.RawMessage) (any, error) {
	var req struct{ Key, Value string }
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	if err := slotbox.KVSet(ctx, req.Key, req.Value, 0); err != nil {
		return nil, err
	}
	v, found, err := slotbox.KVGet(ctx, req.Key)
	if err != nil {
		return nil, err
	}
	if err := slotbox.KVDelete(ctx, req.Key); err != nil {
		return nil, err
	}
	if !found {
		return map[string]any{"value": nil}, nil
	}
	return map[string]string{"value": v}, nil
}

func fetch(ctx context.Context, in json.RawMessage) (any, error) {
	var req struct{ URL string }
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	resp, err := slotbox.Fetch(ctx, &slotbox.FetchRequest{Method: "GET", URL: req.URL})
	if err != nil {
		return nil, err
	}
	return map[string]any{"status": resp.Status, "body": string(resp.Body)}, nil
}

func vault(ctx context.Context, in json.RawMessage) (any, error) {
	var req struct{ Fields []string }
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	fields, err := slotbox.Vault(ctx, req.Fields...)
	if err != nil {
		return nil, err
	}
	return map[string]any{"fields": fields}, nil
}

func logLine(_ context.Context, in json.RawMessage) (any, error) {
	var req struct {
		Level   abi.LogLevel `json:"level"`
		Message string       `json:"message"`
	}
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	if req.Level < abi.LogDebug || req.Level > abi.LogError {
		return nil, &slotbox.Error{Code: abi.CodeInvalidInput, Message: "level must be 0..3"}
	}
	slotbox.Log(req.Level, req.Message)
	return struct{}{}, nil
}

func big(_ context.Context, in json.RawMessage) (any, error) {
	var req struct{ Size int }
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	if req.Size < 0 || req.Size > 1<<30 {
		return nil, &slotbox.Error{Code: abi.CodeInvalidInput, Message: "size must be in 0..2^30"}
	}
	return strings.Repeat("a", req.Size), nil
}
