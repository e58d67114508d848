package httpapi

import "testing"

func TestTenantCatalogue(t *testing.T) {
	h := newHarness(t)
	h.publish("c-conformance", nil)
	cfg, wasm := fixture(t, "small/echo", nil)
	h.mustJSON(h.upload("", cfg, wasm), 201, nil) // uploaded disabled
	a := bearerOf(h.keyA)
	h.run(t, []scenario{
		{name: "list enabled only", method: "GET", url: "/api/apps", headers: a, status: 200,
			want: []string{`"slug":"c-conformance"`}, notWant: []string{`"slug":"test-echo"`}},
		{name: "show with permissions in words", method: "GET", url: "/api/apps/c-conformance", headers: a, status: 200,
			want: []string{`"permissions":[`, `May read the api_key field of its credential in clear`, `"keysSchema":`}},
		{name: "disabled app is not found", method: "GET", url: "/api/apps/test-echo", headers: a, status: 404},
		{name: "missing app", method: "GET", url: "/api/apps/nope", headers: a, status: 404},
		{name: "admin sees the disabled one", method: "GET", url: "/api/admin/apps/test-echo", headers: admin(), status: 200, want: []string{`"enabled":false`}},
	})
}
