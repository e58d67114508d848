package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// refuseFixture is the appstore fixture whose checkKeys refuses every key.
const refuseFixture = "../appstore/testdata/refuse"

func TestInstallations(t *testing.T) {
	h := newHarness(t)
	h.publish("c-conformance", func(m map[string]any) {
		m["keysSchema"].(map[string]any)["required"] = []any{"api_key"}
	})
	h.mustJSON(h.upload("?enabled=true", readFile(t, refuseFixture+".config.json"), readFile(t, refuseFixture+".wasm")), http.StatusCreated, nil)
	a := bearerOf(h.keyA)
	in := h.install(h.keyA, "c-conformance", `{"api_key":"k-1","webhook_secret":"w-1"}`)
	if in.App != "c-conformance" || in.Status != "valid" || in.Name != "Conformance (C SDK)" {
		t.Fatalf("installation %+v", in)
	}
	base := "/api/installations/" + in.ID
	h.run(t, []scenario{
		{name: "list", method: "GET", url: "/api/installations", headers: a, status: 200, want: []string{`"id":"` + in.ID + `"`, `"app":"c-conformance"`}, notWant: []string{"k-1", "w-1"}},
		{name: "list by app", method: "GET", url: "/api/installations?app=c-conformance", headers: a, status: 200, want: []string{in.ID}},
		{name: "list by another app", method: "GET", url: "/api/installations?app=test-refuse", headers: a, status: 200, want: []string{`"items":[]`}},
		{name: "list by unknown app", method: "GET", url: "/api/installations?app=nope", headers: a, status: 200, want: []string{`"items":[]`}},
		{name: "show", method: "GET", url: base, headers: a, status: 200, want: []string{`"status":"valid"`}, notWant: []string{"k-1", "credential", "keyId"}},
		{name: "rename", method: "PATCH", url: base, headers: a, body: `{"name":"Work calendar"}`, status: 200, want: []string{`"name":"Work calendar"`}},
		{name: "rename to nothing", method: "PATCH", url: base, headers: a, body: `{"name":""}`, status: 422},
		{name: "schema-invalid keys", method: "POST", url: "/api/installations", headers: a, body: `{"app":"c-conformance","keys":{"webhook_secret":5,"nope":"x"}}`,
			status: 422, want: []string{`"code":"VALIDATION"`, `"path":"/keys/api_key"`, `"path":"/keys/nope"`, `"path":"/keys/webhook_secret"`}},
		{name: "keys not an object", method: "POST", url: "/api/installations", headers: a, body: `{"app":"c-conformance","keys":"x"}`, status: 422, want: []string{`"path":"/keys"`}},
		{name: "no app", method: "POST", url: "/api/installations", headers: a, body: `{"keys":{}}`, status: 422, want: []string{`"path":"/app"`}},
		{name: "unknown app", method: "POST", url: "/api/installations", headers: a, body: `{"app":"nope"}`, status: 404},
		{name: "unknown field", method: "POST", url: "/api/installations", headers: a, body: `{"app":"c-conformance","credential":"x"}`, status: 400, want: []string{`unknown field \"credential\"`}},
		{name: "malformed json", method: "POST", url: "/api/installations", headers: a, body: `{"app":`, status: 400, want: []string{"ends early"}},
		{name: "two objects", method: "POST", url: "/api/installations", headers: a, body: `{"app":"x"}{}`, status: 400, want: []string{"data after"}},
		{name: "checkKeys refuses", method: "POST", url: "/api/installations", headers: a, body: `{"app":"test-refuse","keys":{"api_key":"x"}}`,
			status: 422, want: []string{`"code":"KEYS_REJECTED"`, "the provider refused this api_key"}},
		{name: "update keys", method: "PUT", url: base + "/keys", headers: a, body: `{"keys":{"api_key":"k-2"}}`, status: 200, want: []string{`"status":"valid"`}, notWant: []string{"k-2"}},
		{name: "update keys invalid", method: "PUT", url: base + "/keys", headers: a, body: `{"keys":{"api_key":1}}`, status: 422, want: []string{`"path":"/keys/api_key"`}},
		{name: "delete", method: "DELETE", url: base, headers: a, status: 204},
		{name: "gone", method: "GET", url: base, headers: a, status: 404},
		{name: "delete again", method: "DELETE", url: base, headers: a, status: 404},
	})
	h.t = t
	var l list[installation]
	h.mustJSON(h.do("GET", "/api/installations", a, ""), 200, &l)
	if len(l.Items) != 0 {
		t.Fatalf("refused installations left behind: %+v", l.Items)
	}
}

// TestCanary plants a secret key value and checks it appears in no
// response body, no log line and no call record, through install, calls,
// refused installs and updates, and every read route.
func TestCanary(t *testing.T) {
	const secret = "sk_live_CANARY_b7e1f02c9d"
	h := newHarness(t)
	h.publish("c-conformance", nil)
	h.mustJSON(h.upload("?enabled=true", readFile(t, refuseFixture+".config.json"), readFile(t, refuseFixture+".wasm")), http.StatusCreated, nil)
	a := bearerOf(h.keyA)
	var bodies []string
	keep := func(r response) response { bodies = append(bodies, string(r.body)); return r }

	r := keep(h.do("POST", "/api/installations", a, `{"app":"c-conformance","keys":{"api_key":"`+secret+`","webhook_secret":"whsec-1"}}`))
	var in installation
	h.mustJSON(r, http.StatusCreated, &in)
	for _, call := range []string{
		`{"method":"calendar.listCalendars"}`,
		`{"method":"test.vault","input":{"fields":["webhook_secret"]}}`,
		`{"method":"test.vault","input":{"fields":["password"]}}`,
		`{"method":"test.http","input":{"url":"https://127.0.0.1:1/"}}`,
		`{"method":"test.kv","input":{"key":"k","value":"v"}}`,
		`{"method":"test.log","input":{"level":3,"message":"an error line"}}`,
	} {
		keep(h.do("POST", "/api/installations/"+in.ID+"/call", a, call))
	}
	keep(h.do("POST", "/api/installations", a, `{"app":"test-refuse","keys":{"api_key":"`+secret+`"}}`))
	keep(h.do("POST", "/api/installations", a, `{"app":"c-conformance","keys":{"api_key":"`+secret+`","nope":"`+secret+`"}}`))
	keep(h.do("PUT", "/api/installations/"+in.ID+"/keys", a, `{"keys":{"api_key":{"x":"`+secret+`"}}}`))
	keep(h.do("POST", "/api/installations", a, `{"app":"c-conformance","keys":{"api_key":"`+secret+`"`))
	for _, url := range []string{"/api/installations", "/api/installations/" + in.ID, "/api/call-records", "/api/call-records?installation=" + in.ID} {
		keep(h.do("GET", url, a, ""))
	}
	keep(h.do("GET", "/api/admin/apps/c-conformance", admin(), ""))
	keep(h.do("GET", "/metrics", nil, ""))

	for i, b := range bodies {
		if strings.Contains(b, secret) {
			t.Errorf("response %d holds the secret: %s", i, b)
		}
	}
	if logs := h.logs.String(); strings.Contains(logs, secret) {
		t.Errorf("a log line holds the secret")
	} else if !strings.Contains(logs, `"msg":"app call"`) {
		t.Errorf("the calls were not logged")
	}
	// The call records as stored, not only as served.
	var l list[struct {
		Log json.RawMessage `json:"log"`
	}]
	h.t = t
	h.mustJSON(h.do("GET", "/api/call-records?limit=500", a, ""), 200, &l)
	if len(l.Items) < 7 {
		t.Fatalf("%d call records", len(l.Items))
	}
}

func TestInstallationsOfDisabledApp(t *testing.T) {
	h := newHarness(t)
	h.publish("small/echo", nil)
	in := h.install(h.keyA, "test-echo", `{}`)
	h.mustJSON(h.do("PATCH", "/api/admin/apps/test-echo", admin(), `{"enabled":false}`), 200, nil)
	a := bearerOf(h.keyA)
	h.run(t, []scenario{
		{name: "still listed", method: "GET", url: "/api/installations", headers: a, status: 200, want: []string{in.ID}},
		{name: "calls refused", method: "POST", url: "/api/installations/" + in.ID + "/call", headers: a, body: `{"method":"calendar.listCalendars"}`, status: 409, want: []string{`"code":"APP_DISABLED"`}},
		{name: "keys refused", method: "PUT", url: "/api/installations/" + in.ID + "/keys", headers: a, body: `{"keys":{}}`, status: 409},
		{name: "no new installations", method: "POST", url: "/api/installations", headers: a, body: `{"app":"test-echo"}`, status: 404},
		{name: "delete allowed", method: "DELETE", url: "/api/installations/" + in.ID, headers: a, status: 204},
	})
}
