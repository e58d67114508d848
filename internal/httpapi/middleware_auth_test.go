package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// publicRoutes need no credential.
var publicRoutes = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /api/openapi.json": true,
	"GET /api/integrations/:slug/callback": true,
	// Signed by the provider or Cal.com, checked by the app or the hook's secret.
	"POST /api/installations/:id/webhook": true, "POST /hooks/calcom/:tenantId": true,
}

// bodies are valid bodies for the routes that take one, so that a refusal
// comes from authentication or tenancy, not from validation.
var bodies = map[string]string{
	"POST /api/admin/tenants":                                `{"name":"x"}`,
	"POST /api/admin/tenants/:id/keys":                       `{"name":"x"}`,
	"PATCH /api/admin/apps/:slug":                            `{"enabled":true}`,
	"POST /api/installations":                                `{"app":"test-echo","keys":{}}`,
	"PATCH /api/installations/:id":                           `{"name":"renamed"}`,
	"PUT /api/installations/:id/keys":                        `{"keys":{}}`,
	"POST /api/installations/:id/call":                       `{"method":"calendar.listCalendars","input":{}}`,
	"PUT /api/event-types/:eventTypeId/apps/:installationId": `{"enabled":true,"appData":{}}`,
}

// TestEveryRoute tries every registered route with no credential, a bad
// one, the other kind of credential, and, for tenant routes, another
// tenant's key on tenant A's ids, which must answer exactly like a missing
// id.
func TestEveryRoute(t *testing.T) {
	h := newHarness(t)
	h.publish("small/echo", nil)
	in := h.install(h.keyA, "test-echo", `{}`)
	var call callResult
	h.mustJSON(h.do("POST", "/api/installations/"+in.ID+"/call", bearerOf(h.keyA), `{"method":"calendar.listCalendars"}`), 200, &call)
	h.mustJSON(h.do("PUT", "/api/event-types/et-1/apps/"+in.ID, bearerOf(h.keyA), `{"appData":{}}`), 200, nil)
	var keys list[struct{ ID string }]
	h.mustJSON(h.do("GET", "/api/admin/tenants/"+h.tenA.ID+"/keys", admin(), ""), 200, &keys)

	params := map[string]string{
		":slug": "test-echo", ":id": in.ID, ":installationId": in.ID, ":eventTypeId": "et-1", ":keyId": keys.Items[0].ID,
	}
	fill := func(path string) string {
		if strings.HasPrefix(path, "/api/admin/tenants/:id") {
			path = strings.Replace(path, ":id", h.tenB.ID, 1) // never delete tenant A's key here
		}
		if strings.HasPrefix(path, "/api/call-records/:id") {
			path = strings.Replace(path, ":id", fmt.Sprint(call.RecordID), 1)
		}
		for k, v := range params {
			path = strings.ReplaceAll(path, k, v)
		}
		return path
	}

	n := 0
	for _, r := range h.api.Routes() {
		if !httpMethods[strings.ToLower(r.Method)] {
			continue
		}
		op := r.Method + " " + r.Path
		if publicRoutes[op] {
			continue
		}
		n++
		isAdmin := strings.HasPrefix(r.Path, "/api/admin/")
		url := fill(r.Path)
		body := bodies[op]
		t.Run(op, func(t *testing.T) {
			h.t = t
			wrongKind := bearerOf(h.keyA)
			if !isAdmin {
				wrongKind = admin()
			}
			for name, hdr := range map[string]map[string]string{
				"no credential":      nil,
				"bad token":          bearerOf("sbk_AAAAAAAAAAAA_" + strings.Repeat("B", 52)),
				"not bearer":         {"Authorization": "Basic " + adminToken},
				"other kind of cred": wrongKind,
			} {
				r := h.do(r.Method, url, hdr, body)
				if r.status != http.StatusUnauthorized || !bytes.Contains(r.body, []byte(`"code":"UNAUTHORIZED"`)) ||
					r.header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s: status %d %s, want 401 UNAUTHORIZED", name, r.status, r.body)
				}
			}
		})
		if isAdmin || !strings.Contains(r.Path, ":") || strings.Contains(r.Path, ":slug") {
			continue
		}
		t.Run(op+" as another tenant", func(t *testing.T) {
			h.t = t
			other := h.do(r.Method, url, bearerOf(h.keyB), body)
			missing := h.do(r.Method, strings.ReplaceAll(strings.ReplaceAll(url, in.ID, "ins_missing"), fmt.Sprint(call.RecordID), "999999"), bearerOf(h.keyB), body)
			if strings.HasSuffix(r.Path, "/apps") { // a list of an event type: empty, not 404
				if other.status != 200 || bytes.Contains(other.body, []byte(in.ID)) {
					t.Fatalf("tenant B sees tenant A's settings: %d %s", other.status, other.body)
				}
				return
			}
			if other.status != http.StatusNotFound || !bytes.Equal(other.body, missing.body) || other.status != missing.status {
				t.Fatalf("another tenant's id: %d %s; a missing id: %d %s; want the same 404", other.status, other.body, missing.status, missing.body)
			}
		})
	}
	if n < 25 {
		t.Fatalf("only %d protected routes", n)
	}
	// Tenant B's lists show nothing of tenant A's.
	h.t = t
	for _, url := range []string{"/api/installations", "/api/call-records", "/api/call-records?installation=" + in.ID, "/api/event-types/et-1/apps"} {
		r := h.do("GET", url, bearerOf(h.keyB), "")
		if r.status != 200 || bytes.Contains(r.body, []byte(in.ID)) || !bytes.Contains(r.body, []byte(`"items":[]`)) {
			t.Errorf("tenant B's %s: %d %s", url, r.status, r.body)
		}
	}
	// Tenant A's data is intact after all that.
	h.mustJSON(h.do("GET", "/api/installations/"+in.ID, bearerOf(h.keyA), ""), 200, nil)
	h.mustJSON(h.do("GET", "/api/event-types/et-1/apps/"+in.ID, bearerOf(h.keyA), ""), 200, nil)
}

func TestBearer(t *testing.T) {
	h := newHarness(t, func(o *harnessOptions) { o.noTenants = true })
	h.run(t, []scenario{
		{name: "lower-case scheme", method: "GET", url: "/api/admin/apps", headers: map[string]string{"Authorization": "bearer " + adminToken}, status: 200},
		{name: "token with spaces around", method: "GET", url: "/api/admin/apps", headers: map[string]string{"Authorization": "Bearer  " + adminToken + " "}, status: 200},
		{name: "prefix of the token", method: "GET", url: "/api/admin/apps", headers: bearerOf(adminToken[:10]), status: 401},
		{name: "token plus a byte", method: "GET", url: "/api/admin/apps", headers: bearerOf(adminToken + "x"), status: 401},
		{name: "huge token", method: "GET", url: "/api/admin/apps", headers: bearerOf(strings.Repeat("a", 4096)), status: 401},
		{name: "empty", method: "GET", url: "/api/admin/apps", headers: map[string]string{"Authorization": "Bearer "}, status: 401},
		{name: "unknown admin path still needs the token", method: "GET", url: "/api/admin/secret", status: 401},
		{name: "unknown tenant path still needs a key", method: "GET", url: "/api/secret", status: 401},
	})
}
