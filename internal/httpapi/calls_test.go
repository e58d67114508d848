package httpapi

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/slotbox/slotbox/runtime"
)

func TestDebugCall(t *testing.T) {
	h := newHarness(t)
	h.publish("c-conformance", nil)
	h.publish("small/echo", nil)
	a := bearerOf(h.keyA)
	in := h.install(h.keyA, "c-conformance", `{"api_key":"k"}`)
	echo := h.install(h.keyA, "test-echo", `{}`)
	call := "/api/installations/" + in.ID + "/call"
	h.run(t, []scenario{
		{name: "catalogue method", method: "POST", url: call, headers: a, body: `{"method":"calendar.listCalendars","input":{}}`, status: 200,
			want: []string{`"envelope":{"ok":[]}`, `"outcome":"ok"`, `"fuelUsed":`, `"durationUs":`, `"callId":"call_`}},
		{name: "no input means {}", method: "POST", url: "/api/installations/" + echo.ID + "/call", headers: a, body: `{"method":"test.echo"}`, status: 200,
			want: []string{`"envelope":{"ok":{}}`}},
		{name: "logs", method: "POST", url: call, headers: a, body: `{"method":"test.log","input":{"level":1,"message":"hello"}}`, status: 200,
			want: []string{`"logs":[{"time":"`, `"level":"info","message":"hello"}]`}},
		{name: "app error is a 200 with an error envelope", method: "POST", url: call, headers: a,
			body: `{"method":"test.error","input":{"code":"RATE","message":"slow down","retryable":true}}`, status: 200,
			want: []string{`"outcome":"APP_ERROR"`, `"appCode":"RATE"`, `"retryable":true`}},
		{name: "input against the schema", method: "POST", url: call, headers: a, body: `{"method":"calendar.getAvailability","input":{"dateFrom":1}}`,
			status: 422, want: []string{`"code":"VALIDATION"`, `"path":"/input/dateFrom"`}},
		{name: "malformed method", method: "POST", url: call, headers: a, body: `{"method":"../etc"}`, status: 400, want: []string{`"code":"BAD_METHOD"`}},
		{name: "no method", method: "POST", url: call, headers: a, body: `{"input":{}}`, status: 422, want: []string{`"path":"/method"`}},
		{name: "no body", method: "POST", url: call, headers: a, status: 400},
		{name: "unknown installation", method: "POST", url: "/api/installations/ins_nope/call", headers: a, body: `{"method":"calendar.listCalendars"}`, status: 404},
	})

	h.t = t
	var recs list[struct {
		ID             int64
		InstallationID string
		Method         string
		Outcome        string
	}]
	h.mustJSON(h.do("GET", "/api/call-records?installation="+in.ID, a, ""), 200, &recs)
	// checkKeys at install, then three calls (the refused ones never ran).
	if len(recs.Items) != 4 || recs.Items[0].Method != "test.error" || recs.Items[0].Outcome != "APP_ERROR" || recs.Items[3].Method != "app.checkKeys" {
		t.Fatalf("records %+v", recs.Items)
	}
	h.run(t, []scenario{
		{name: "one record", method: "GET", url: fmt.Sprintf("/api/call-records/%d", recs.Items[1].ID), headers: a, status: 200,
			want: []string{`"method":"test.log"`, `"log":{"lines":[{`}},
		{name: "paged", method: "GET", url: "/api/call-records?limit=2", headers: a, status: 200, want: []string{`"next":"`}},
		{name: "bad cursor", method: "GET", url: "/api/call-records?after=x", headers: a, status: 400},
		{name: "not a number", method: "GET", url: "/api/call-records/abc", headers: a, status: 404},
		{name: "other tenant's record", method: "GET", url: fmt.Sprintf("/api/call-records/%d", recs.Items[1].ID), headers: bearerOf(h.keyB), status: 404},
	})
}

// TestInstallHangingApp installs a module that loops forever: its
// checkKeys runs out of fuel, the installation is refused with that code,
// the attempt is recorded nowhere the tenant cannot see, and the server is
// fine.
func TestInstallHangingApp(t *testing.T) {
	h := newHarness(t, func(o *harnessOptions) {
		o.runtimeCfg = func(c runtime.Config) runtime.Config { return c.WithFuel(10_000_000) }
	})
	cfg, wasm := fixture(t, "hostile/loop_call", nil)
	h.mustJSON(h.upload("?enabled=true", cfg, wasm), http.StatusCreated, nil)
	h.run(t, []scenario{
		{name: "install", method: "POST", url: "/api/installations", headers: bearerOf(h.keyA), body: `{"app":"hostile-loop-call"}`,
			status: 422, want: []string{`"code":"KEYS_REJECTED"`, "FUEL_EXHAUSTED"}},
		{name: "nothing left", method: "GET", url: "/api/installations", headers: bearerOf(h.keyA), status: 200, want: []string{`"items":[]`}},
		{name: "healthy", method: "GET", url: "/healthz", status: 200},
	})
}

// TestDebugCallGoEcho runs the Go SDK's example app: its answers, its logs,
// and its checkKeys refusing an empty api_key with its own message.
func TestDebugCallGoEcho(t *testing.T) {
	h := newHarness(t)
	h.publish("go-echo", func(m map[string]any) {
		// Let an empty api_key through the schema, so that checkKeys judges it.
		m["keysSchema"].(map[string]any)["properties"].(map[string]any)["api_key"].(map[string]any)["minLength"] = 0
	})
	a := bearerOf(h.keyA)
	in := h.install(h.keyA, "go-echo", `{"api_key":"k-1"}`)
	call := "/api/installations/" + in.ID + "/call"
	h.run(t, []scenario{
		{name: "listCalendars", method: "POST", url: call, headers: a, body: `{"method":"calendar.listCalendars"}`, status: 200,
			want: []string{`"externalId":"echo-primary"`, `"outcome":"ok"`, `"message":"listing calendars"`}},
		{name: "getAvailability", method: "POST", url: call, headers: a,
			body:   `{"method":"calendar.getAvailability","input":{"dateFrom":"2026-03-02T00:00:00Z","dateTo":"2026-03-03T00:00:00Z","selectedCalendars":[]}}`,
			status: 200, want: []string{`"envelope":{"ok":[]}`}},
		{name: "not implemented", method: "POST", url: call, headers: a, body: `{"method":"crm.getContacts","input":{"emails":["a@b.test"]}}`, status: 200,
			want: []string{`"outcome":"NOT_IMPLEMENTED"`}},
		{name: "checkKeys refuses an empty key", method: "POST", url: "/api/installations", headers: a, body: `{"app":"go-echo","keys":{"api_key":""}}`,
			status: 422, want: []string{`"code":"KEYS_REJECTED"`, "api_key is required"}},
	})
}
