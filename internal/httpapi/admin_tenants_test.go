package httpapi

import (
	"net/http"
	"strings"
	"testing"
)

func TestAdminTenants(t *testing.T) {
	h := newHarness(t, func(o *harnessOptions) { o.noTenants = true })
	var ten struct{ ID string }
	h.mustJSON(h.do("POST", "/api/admin/tenants", admin(), `{"name":"Acme"}`), http.StatusCreated, &ten)
	var key newAPIKey
	r := h.do("POST", "/api/admin/tenants/"+ten.ID+"/keys", admin(), `{"name":"backend"}`)
	h.mustJSON(r, http.StatusCreated, &key)
	if !strings.HasPrefix(key.Secret, "sbk_") || !strings.HasPrefix(key.Secret, key.Key.Prefix) || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("new key %s (cache %q)", r.body, r.header.Get("Cache-Control"))
	}
	var noName newAPIKey
	h.mustJSON(h.do("POST", "/api/admin/tenants/"+ten.ID+"/keys", admin(), ""), http.StatusCreated, &noName)

	h.run(t, []scenario{
		{name: "list", method: "GET", url: "/api/admin/tenants", headers: admin(), status: 200, want: []string{`"name":"Acme"`}},
		{name: "show", method: "GET", url: "/api/admin/tenants/" + ten.ID, headers: admin(), status: 200, want: []string{`"id":"` + ten.ID + `"`}},
		{name: "show missing", method: "GET", url: "/api/admin/tenants/ten_nope", headers: admin(), status: 404},
		{name: "keys never shown again", method: "GET", url: "/api/admin/tenants/" + ten.ID + "/keys", headers: admin(), status: 200,
			want: []string{`"prefix":"` + key.Key.Prefix + `"`}, notWant: []string{key.Secret, noName.Secret, "secret", "hash"}},
		{name: "keys of a missing tenant", method: "GET", url: "/api/admin/tenants/ten_nope/keys", headers: admin(), status: 404},
		{name: "key for a missing tenant", method: "POST", url: "/api/admin/tenants/ten_nope/keys", headers: admin(), body: `{}`, status: 404},
		{name: "name required", method: "POST", url: "/api/admin/tenants", headers: admin(), body: `{}`, status: 422, want: []string{`"path":"/name"`}},
		{name: "name too long", method: "POST", url: "/api/admin/tenants", headers: admin(), body: `{"name":"` + strings.Repeat("x", 300) + `"}`, status: 400},
		{name: "the key works", method: "GET", url: "/api/installations", headers: bearerOf(key.Secret), status: 200},
		{name: "revoke", method: "DELETE", url: "/api/admin/tenants/" + ten.ID + "/keys/" + key.Key.ID, headers: admin(), status: 204},
		{name: "revoked key fails", method: "GET", url: "/api/installations", headers: bearerOf(key.Secret), status: 401},
		{name: "revoke again", method: "DELETE", url: "/api/admin/tenants/" + ten.ID + "/keys/" + key.Key.ID, headers: admin(), status: 404},
		{name: "the other key works", method: "GET", url: "/api/installations", headers: bearerOf(noName.Secret), status: 200},
		{name: "delete tenant", method: "DELETE", url: "/api/admin/tenants/" + ten.ID, headers: admin(), status: 204},
		{name: "its keys die with it", method: "GET", url: "/api/installations", headers: bearerOf(noName.Secret), status: 401},
	})
}
