package main

// The app runs natively here: slotbox.NewMux drives it and a
// slotboxtest.Host stands in for the host, so an app is unit-tested with
// plain go test. The wasm build of the same code is tested in
// guest-sdk/go/wasm_test.go.

import (
	"encoding/json"
	"testing"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
	"github.com/slotbox/slotbox/guest-sdk/go/slotboxtest"
)

func TestEchoNative(t *testing.T) {
	mux := slotbox.NewMux()
	mux.Register(newApp())
	host := &slotboxtest.Host{Vault: map[string]string{"api_key": "k"}}
	host.SetKV(busyKey, `[{"start":"2026-01-01T10:00:00Z","end":"2026-01-01T11:00:00Z"}]`)
	ctx := host.Context(t.Context())

	tests := []struct {
		method, in, want string
	}{
		{abi.MethodCalendarCreateEvent, `{"event":{"title":"T","startTime":"s","endTime":"e","iCalUID":"u1"}}`,
			`{"ok":{"uid":"u1","id":"echo-u1","type":"go-echo_calendar","password":"","url":"https://echo.slotbox.invalid/events/u1","iCalUID":"u1"}}`},
		{abi.MethodCalendarGetAvailability, `{"dateFrom":"2026-01-01T00:00:00Z","dateTo":"2026-01-02T00:00:00Z"}`,
			`{"ok":[{"start":"2026-01-01T10:00:00Z","end":"2026-01-01T11:00:00Z"}]}`},
		{abi.MethodCalendarGetAvailability, `{"dateFrom":"2026-02-01T00:00:00Z","dateTo":"2026-02-02T00:00:00Z"}`, `{"ok":[]}`},
		{abi.MethodAppCheckKeys, `{}`, `{"ok":{"valid":true}}`},
		{abi.MethodCalendarDeleteEvent, `{"uid":"u1","event":{}}`,
			`{"error":{"code":"NOT_IMPLEMENTED","message":"method \"calendar.deleteEvent\" is not implemented by this app","retryable":false}}`},
	}
	for _, tt := range tests {
		if got := mux.Call(ctx, tt.method, []byte(tt.in)); string(got) != tt.want {
			t.Errorf("%s(%s)\n got %s\nwant %s", tt.method, tt.in, got, tt.want)
		}
	}
	if logs := host.Logs(); len(logs) == 0 || logs[0].Message != "created event uid=u1 attendees=0" {
		t.Errorf("logs = %+v", logs)
	}
}

func TestEchoResultsMatchSchemas(t *testing.T) {
	mux := slotbox.NewMux()
	mux.Register(newApp())
	ctx := (&slotboxtest.Host{Vault: map[string]string{"api_key": "k"}}).Context(t.Context())
	for _, method := range []string{abi.MethodCalendarListCalendars, abi.MethodAppCheckKeys} {
		var env abi.Envelope
		if err := json.Unmarshal(mux.Call(ctx, method, []byte(`{}`)), &env); err != nil || env.OK == nil {
			t.Fatalf("%s: %v %+v", method, err, env.Error)
		}
		if err := abi.ValidateResult(method, env.OK); err != nil {
			t.Errorf("%s result fails its schema: %v", method, err)
		}
	}
}
