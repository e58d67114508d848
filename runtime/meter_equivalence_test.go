package runtime

import (
	"context"
	"encoding/json"
	"testing"
)

// TestMeteringChangesNoResult runs the same calls on every guest fixture
// with and without the metering rewrite and expects the same envelopes and
// logs: the rewriter may only add charges, never change what a guest does.
func TestMeteringChangesNoResult(t *testing.T) {
	event := string(event1KB)
	type call struct{ method, input string }
	fixtures := []struct {
		dir, wasm, config string
		calls             []call
	}{
		{smallDir, "echo.wasm", "echo.config.json", []call{{"test.echo", event}, {"test.error", `{}`}, {"calendar.listCalendars", `{}`}, {"x.y", `{}`}}},
		{smallDir, "hostcalls.wasm", "hostcalls.config.json", []call{{"test.kvroundtrip", `"hello"`}, {"test.log", `"line"`}, {"test.noop_take", `{}`}}},
		{"../testdata/wasm", "c-echo.wasm", "c-echo.config.json", []call{{"video.createMeeting", event}, {"app.checkKeys", `{}`}, {"x.y", `{}`}}},
		{"../testdata/wasm", "as-echo.wasm", "as-echo.config.json", []call{{"video.createMeeting", event}, {"app.checkKeys", `{}`}, {"x.y", `{}`}}},
		{"../testdata/wasm", "c-conformance.wasm", "c-conformance.config.json", []call{{"test.echo", event}, {"test.kv", `{"key":"k","value":"v"}`}, {"test.big", `{"size":70000}`}, {"test.echo", `{"a":`}}},
		{"../testdata/wasm", "as-conformance.wasm", "as-conformance.config.json", []call{{"test.echo", event}, {"test.kv", `{"key":"k","value":"v"}`}, {"test.big", `{"size":70000}`}, {"test.echo", `{"a":`}}},
		{"../testdata/wasm", "go-conformance.wasm", "go-conformance.config.json", []call{{"test.echo", event}, {"test.kv", `{"key":"k","value":"v"}`}, {"test.big", `{"size":70000}`}, {"test.echo", `{"a":`}}},
		{"../testdata/wasm", "go-bench.wasm", "go-bench.config.json", []call{{"calendar.createEvent", event}, {"calendar.createEvent", `{}`}}},
		{"../testdata/wasm", "go-echo.wasm", "go-echo.config.json", []call{{"calendar.createEvent", event}, {"calendar.listCalendars", `{}`}, {"crm.createEvent", `{}`}}},
	}
	metered := newTestEngine(t, NewConfig())
	plainCfg := NewConfig()
	plainCfg.unmetered = true
	plain := newTestEngine(t, plainCfg)
	ctx := context.Background()
	for _, f := range fixtures {
		t.Run(f.wasm, func(t *testing.T) {
			a := compileFixture(t, metered, f.dir, f.wasm, f.config)
			b := compileFixture(t, plain, f.dir, f.wasm, f.config)
			kvA, kvB := &memKV{}, &memKV{}
			funcsA, funcsB := kvA.funcs(), kvB.funcs()
			for _, c := range f.calls {
				ra := a.Call(ctx, CallRequest{Installation: "i", Method: c.method, Input: []byte(c.input), Funcs: funcsA})
				rb := b.Call(ctx, CallRequest{Installation: "i", Method: c.method, Input: []byte(c.input), Funcs: funcsB})
				ea, _ := json.Marshal(ra.Envelope)
				eb, _ := json.Marshal(rb.Envelope)
				if string(ea) != string(eb) {
					t.Errorf("%s: metered %.300s\nunmetered %.300s", c.method, ea, eb)
				}
				if len(ra.Logs) != len(rb.Logs) {
					t.Errorf("%s: metered logged %d lines, unmetered %d", c.method, len(ra.Logs), len(rb.Logs))
				}
				if ra.FuelUsed <= 0 || rb.FuelUsed != 0 {
					t.Errorf("%s: fuel metered %d, unmetered %d; want positive and zero", c.method, ra.FuelUsed, rb.FuelUsed)
				}
			}
		})
	}
}
