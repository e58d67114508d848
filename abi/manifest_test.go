package abi_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

// readManifest returns a testdata manifest decoded into a generic map, for
// tests to change one field at a time.
func readManifest(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "manifests", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// obj walks a path of object keys in m, creating objects on the way.
func obj(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	return m
}

func problemsOf(t *testing.T, err error) abi.Problems {
	t.Helper()
	var ps abi.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v (%T) is not abi.Problems", err, err)
	}
	return ps
}

func paths(ps abi.Problems) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Path
	}
	return out
}

func TestParseManifestValid(t *testing.T) {
	tests := []struct {
		file                     string
		slug, typ, variant, abiV string
		category                 abi.Category
	}{
		{"acme-crm.json", "acme-crm", "acme-crm_crm", "crm", abi.Version, abi.CategoryCRM},
		{"chatline-messaging.json", "chatline", "chatline_video", "messaging", abi.Version, abi.CategoryOther},
		{"tally-analytics.json", "tally", "tally_analytics", "analytics", abi.ExtismVersion, abi.CategoryAnalytics},
		{"meetly-oauth-video.json", "meetly-video", "meetly-video_conferencing", "conferencing", abi.Version, abi.CategoryConferencing},
		{"minimal-calendar.json", "acme-calendar", "acme-calendar_calendar", "calendar", abi.Version, abi.CategoryCalendar},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "manifests", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := abi.ParseManifest(b)
			if err != nil {
				t.Fatalf("ParseManifest: %v", err)
			}
			if m.Slug != tt.slug || m.Type != tt.typ || m.Variant != tt.variant || m.ABI != tt.abiV {
				t.Errorf("slug, type, variant, abi = %q, %q, %q, %q; want %q, %q, %q, %q",
					m.Slug, m.Type, m.Variant, m.ABI, tt.slug, tt.typ, tt.variant, tt.abiV)
			}
			if got := m.Category(); got != tt.category {
				t.Errorf("Category() = %q, want %q", got, tt.category)
			}
			// What ParseManifest returns marshals to a manifest that parses again.
			again, err := abi.ParseManifest(mustJSON(t, m))
			if err != nil {
				t.Fatalf("re-parse: %v", err)
			}
			if !slices.Equal(again.Permissions.Describe(), m.Permissions.Describe()) || again.Type != m.Type {
				t.Errorf("re-parsed manifest differs: %+v", again)
			}
		})
	}
}

// Cal.com types appData and a dynamic location's urlRegExp as nullable.
func TestParseManifestNulls(t *testing.T) {
	m := readManifest(t, "meetly-oauth-video.json")
	obj(m, "appData", "location")["urlRegExp"] = nil
	obj(m, "appData", "location")["organizerInputPlaceholder"] = nil
	m["appDataSchema"] = nil
	if _, err := abi.ParseManifest(mustJSON(t, m)); err != nil {
		t.Errorf("nulls in a location: %v", err)
	}
	m = readManifest(t, "minimal-calendar.json")
	m["appData"], m["keysSchema"] = nil, nil
	got, err := abi.ParseManifest(mustJSON(t, m))
	if err != nil {
		t.Fatalf("null appData and keysSchema: %v", err)
	}
	if got.KeysSchema != nil || got.AppData != nil {
		t.Errorf("null fields kept: %q, %+v", got.KeysSchema, got.AppData)
	}
}

func TestParseManifestFields(t *testing.T) {
	m, err := abi.ParseManifest(mustJSON(t, readManifest(t, "acme-crm.json")))
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Credential; c == nil || c.Inject != abi.InjectHeader || c.Header != "X-Api-Key" || c.Field != "api_key" {
		t.Errorf("credential = %+v", m.Credential)
	}
	if !m.Permissions.KV || len(m.Permissions.HTTP.AllowedHosts) != 2 || m.Permissions.Vault.Reveal[0] != "webhook_secret" {
		t.Errorf("permissions = %+v", m.Permissions)
	}
	if m.ExtendsFeature != "EventType" || m.Email != "support@acme.example.com" {
		t.Errorf("listing fields = %q, %q", m.ExtendsFeature, m.Email)
	}
}

// TestManifestRules changes one field of a valid manifest per case and
// checks that exactly the expected paths are reported.
func TestManifestRules(t *testing.T) {
	long := strings.Repeat("x", 1001)
	tests := []struct {
		name   string
		base   string // testdata manifest, acme-crm.json when empty
		change func(m map[string]any)
		want   []string // paths of the problems, sorted
	}{
		{"name missing", "", func(m map[string]any) { delete(m, "name") }, []string{"/name"}},
		{"name blank", "", func(m map[string]any) { m["name"] = "   " }, []string{"/name"}},
		{"name wrong type", "", func(m map[string]any) { m["name"] = 7 }, []string{"/name"}},
		{"name too long", "", func(m map[string]any) { m["name"] = long[:101] }, []string{"/name"}},
		{"name control character", "", func(m map[string]any) { m["name"] = "Acme\x00CRM" }, []string{"/name"}},
		{"slug not URL-safe", "", func(m map[string]any) { m["slug"] = "Acme_CRM"; m["type"] = "Acme_CRM_crm" }, []string{"/slug"}},
		{"slug double hyphen", "", func(m map[string]any) { m["slug"] = "acme--crm"; m["type"] = "acme--crm_crm" }, []string{"/slug"}},
		{"slug too long", "", func(m map[string]any) {
			s := strings.Repeat("a", 65)
			m["slug"], m["type"] = s, s+"_crm"
		}, []string{"/slug"}},
		{"slug underivable", "minimal-calendar.json", func(m map[string]any) { m["name"] = "!!!" }, []string{"/slug"}},
		{"type not slug_category", "", func(m map[string]any) { m["type"] = "acme_crm" }, []string{"/type"}},
		{"type of another category", "", func(m map[string]any) { m["type"] = "acme-crm_payment" }, []string{"/type"}},
		{"variant does not fit", "", func(m map[string]any) { m["variant"] = "calendar" }, []string{"/variant"}},
		{"categories missing", "", func(m map[string]any) { delete(m, "categories") }, []string{"/categories"}},
		{"categories wrong type", "", func(m map[string]any) { m["categories"] = "crm" }, []string{"/categories"}},
		{"category unknown", "", func(m map[string]any) { m["categories"] = []any{"crm", "fax"} }, []string{"/categories/1"}},
		{"category twice", "", func(m map[string]any) { m["categories"] = []any{"crm", "crm"} }, []string{"/categories/1"}},
		{"logo absolute path", "", func(m map[string]any) { m["logo"] = "/api/app-store/acme/icon.svg" }, []string{"/logo"}},
		{"logo escapes bundle", "", func(m map[string]any) { m["logo"] = "static/../../icon.svg" }, []string{"/logo"}},
		{"logo plain http", "", func(m map[string]any) { m["logo"] = "http://cdn.example.com/icon.svg" }, []string{"/logo"}},
		{"url not https", "", func(m map[string]any) { m["url"] = "http://acme.example.com" }, []string{"/url"}},
		{"url without host", "", func(m map[string]any) { m["url"] = "https:///path" }, []string{"/url"}},
		{"docsUrl not https", "", func(m map[string]any) { m["docsUrl"] = "ftp://docs.example.com" }, []string{"/docsUrl"}},
		{"externalLink javascript", "", func(m map[string]any) { m["externalLink"] = map[string]any{"url": "javascript:alert(1)"} }, []string{"/externalLink/url"}},
		{"externalLink without url", "", func(m map[string]any) { m["externalLink"] = map[string]any{"text": "Docs"} }, []string{"/externalLink/url"}},
		{"publisher too long", "", func(m map[string]any) { m["publisher"] = long[:101] }, []string{"/publisher"}},
		{"email invalid", "", func(m map[string]any) { m["email"] = "support at acme" }, []string{"/email"}},
		{"email with display name", "", func(m map[string]any) { m["email"] = "Acme <support@acme.example.com>" }, []string{"/email"}},
		{"description too long", "", func(m map[string]any) { m["description"] = long }, []string{"/description"}},
		{"extendsFeature unknown", "", func(m map[string]any) { m["extendsFeature"] = "Booking" }, []string{"/extendsFeature"}},
		{"isTemplate wrong type", "", func(m map[string]any) { m["isTemplate"] = "yes" }, []string{"/isTemplate"}},
		{"isOAuth without oauth", "", func(m map[string]any) { m["isOAuth"] = true }, []string{"/oauth"}},
		{"oauth without isOAuth", "", func(m map[string]any) {
			m["oauth"] = map[string]any{"authUrl": "https://a.example.com", "tokenUrl": "https://a.example.com/t"}
		}, []string{"/oauth"}},
		{"oauth urls not https", "meetly-oauth-video.json", func(m map[string]any) {
			obj(m, "oauth")["authUrl"] = "http://meetly.example.com/oauth/authorize"
			delete(obj(m, "oauth"), "tokenUrl")
		}, []string{"/oauth/authUrl", "/oauth/tokenUrl"}},
		{"oauth scope with space", "meetly-oauth-video.json", func(m map[string]any) { obj(m, "oauth")["scopes"] = []any{"a b"} }, []string{"/oauth/scopes/0"}},
		{"dependency not a slug", "", func(m map[string]any) { m["dependencies"] = []any{"google-calendar", "Not A Slug"} }, []string{"/dependencies/1"}},
		{"dependency on itself", "", func(m map[string]any) { m["dependencies"] = []any{"acme-crm"} }, []string{"/dependencies/0"}},
		{"location outside conferencing", "", func(m map[string]any) {
			obj(m, "appData")["location"] = map[string]any{"type": "integrations:acme", "label": "Acme", "linkType": "dynamic"}
		}, []string{"/appData/location"}},
		{"location linkType", "meetly-oauth-video.json", func(m map[string]any) { obj(m, "appData", "location")["linkType"] = "sometimes" }, []string{"/appData/location/linkType"}},
		{"location type prefix", "meetly-oauth-video.json", func(m map[string]any) { obj(m, "appData", "location")["type"] = "meetly" }, []string{"/appData/location/type"}},
		{"location label", "meetly-oauth-video.json", func(m map[string]any) { obj(m, "appData", "location")["label"] = "" }, []string{"/appData/location/label"}},
		{"location regexp", "chatline-messaging.json", func(m map[string]any) { obj(m, "appData", "location")["urlRegExp"] = "(" }, []string{"/appData/location/urlRegExp"}},
		{"dynamic location with regexp", "meetly-oauth-video.json", func(m map[string]any) { obj(m, "appData", "location")["urlRegExp"] = "^https://" }, []string{"/appData/location/urlRegExp"}},
		{"tag script empty", "tally-analytics.json", func(m map[string]any) { obj(m, "appData", "tag")["scripts"] = []any{map[string]any{}} }, []string{"/appData/tag/scripts/0"}},
		{"tag script http", "tally-analytics.json", func(m map[string]any) {
			obj(m, "appData", "tag")["scripts"] = []any{map[string]any{"src": "http://cdn.example.net/t.js"}}
		}, []string{"/appData/tag/scripts/0/src"}},
		{"abi unknown", "", func(m map[string]any) { m["abi"] = "wasi/1" }, []string{"/abi"}},
		{"allowedHosts empty", "", func(m map[string]any) { obj(m, "permissions", "http")["allowedHosts"] = []any{} }, []string{"/permissions/http/allowedHosts"}},
		{"allowedHosts path", "", func(m map[string]any) {
			obj(m, "permissions", "http")["allowedHosts"] = []any{"api.acme.example.com", "api.acme.example.com/v1", "*"}
		}, []string{"/permissions/http/allowedHosts/1", "/permissions/http/allowedHosts/2"}},
		{"allowedHosts same host twice", "", func(m map[string]any) {
			obj(m, "permissions", "http")["allowedHosts"] = []any{"api.acme.example.com", "https://API.acme.example.com:443"}
		}, []string{"/permissions/http/allowedHosts/1"}},
		{"allowedHosts too many", "", func(m map[string]any) {
			hosts := make([]any, abi.MaxAllowedHosts+1)
			for i := range hosts {
				hosts[i] = "h" + strings.Repeat("a", i) + ".example.com"
			}
			obj(m, "permissions", "http")["allowedHosts"] = hosts
		}, []string{"/permissions/http/allowedHosts"}},
		{"permissions unknown key", "", func(m map[string]any) { obj(m, "permissions")["htttp"] = true }, []string{"/permissions/htttp"}},
		{"permissions kv wrong type", "", func(m map[string]any) { obj(m, "permissions")["kv"] = "yes" }, []string{"/permissions/kv"}},
		{"vault field not in keys", "", func(m map[string]any) { obj(m, "permissions", "vault")["reveal"] = []any{"webhook_secret", "password"} }, []string{"/permissions/vault/reveal/1"}},
		{"vault empty", "", func(m map[string]any) { obj(m, "permissions", "vault")["reveal"] = []any{} }, []string{"/permissions/vault/reveal"}},
		{"vault and credential without keysSchema", "", func(m map[string]any) { delete(m, "keysSchema") }, []string{"/credential/field", "/permissions/vault/reveal/0"}},
		{"credential field not in keys", "", func(m map[string]any) { obj(m, "credential")["field"] = "token" }, []string{"/credential/field"}},
		{"credential field missing", "", func(m map[string]any) { delete(obj(m, "credential"), "field") }, []string{"/credential/field"}},
		{"credential inject unknown", "", func(m map[string]any) { obj(m, "credential")["inject"] = "token" }, []string{"/credential/inject"}},
		{"credential inject missing", "", func(m map[string]any) { delete(obj(m, "credential"), "inject") }, []string{"/credential/inject"}},
		{"credential inject wrong type", "", func(m map[string]any) { obj(m, "credential")["inject"] = 3 }, []string{"/credential/inject"}},
		{"credential header owned by host", "", func(m map[string]any) { obj(m, "credential", "inject")["header"] = "Host" }, []string{"/credential/inject/header"}},
		{"credential header not a token", "", func(m map[string]any) { obj(m, "credential", "inject")["header"] = "X Api Key" }, []string{"/credential/inject/header"}},
		{"credential unknown key", "", func(m map[string]any) { obj(m, "credential")["secret"] = "hunter2" }, []string{"/credential/secret"}},
		{"credential without http", "", func(m map[string]any) { delete(obj(m, "permissions"), "http") }, []string{"/credential"}},
		{"credential usernameField with bearer", "", func(m map[string]any) {
			c := obj(m, "credential")
			c["inject"], c["usernameField"] = "bearer", "api_key"
		}, []string{"/credential/usernameField"}},
		{"credential basic user not in keys", "", func(m map[string]any) {
			c := obj(m, "credential")
			c["inject"], c["usernameField"] = "basic", "user"
		}, []string{"/credential/usernameField"}},
		{"oauth credential field not in keys", "meetly-oauth-video.json", func(m map[string]any) { obj(m, "credential")["field"] = "refresh" }, []string{"/credential/field"}},
		{"keysSchema not an object", "", func(m map[string]any) { m["keysSchema"] = "api_key" }, []string{"/keysSchema"}},
		{"keysSchema of an array", "", func(m map[string]any) { obj(m, "keysSchema")["type"] = "array" }, []string{"/keysSchema/type"}},
		{"keysSchema invalid keyword", "", func(m map[string]any) { obj(m, "keysSchema", "properties", "api_key")["minLength"] = "one" }, []string{"/keysSchema/properties/api_key/minLength"}},
		{"keysSchema remote ref", "", func(m map[string]any) {
			obj(m, "keysSchema", "properties")["x"] = map[string]any{"$ref": "file:///etc/passwd"}
		}, []string{"/keysSchema"}},
		{"keysSchema remote metaschema", "", func(m map[string]any) { obj(m, "keysSchema")["$schema"] = "https://schemas.example.com/meta" }, []string{"/keysSchema"}},
		{"appDataSchema bad pattern", "", func(m map[string]any) {
			obj(m, "appDataSchema", "properties")["code"] = map[string]any{"type": "string", "pattern": "(?<=x)"}
		}, []string{"/appDataSchema/properties/code/pattern"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base
			if base == "" {
				base = "acme-crm.json"
			}
			m := readManifest(t, base)
			tt.change(m)
			got, err := abi.ParseManifest(mustJSON(t, m))
			if err == nil {
				t.Fatalf("ParseManifest accepted it: %+v", got)
			}
			if got != nil {
				t.Error("ParseManifest returned a manifest with an error")
			}
			ps := problemsOf(t, err)
			if !slices.Equal(paths(ps), tt.want) {
				t.Errorf("problems at %q, want %q:\n%v", paths(ps), tt.want, ps)
			}
			for _, p := range ps {
				if p.Message == "" {
					t.Errorf("problem at %s has no message", p.Path)
				}
			}
		})
	}
}

func TestManifestAllProblemsAtOnce(t *testing.T) {
	m := readManifest(t, "acme-crm.json")
	m["slug"] = "Bad Slug"
	m["variant"] = "payment"
	m["email"] = "nope"
	m["abi"] = "wasi/1"
	obj(m, "permissions", "http")["allowedHosts"] = []any{"ok.example.com", "user@evil.example.com", "*.com"}
	obj(m, "permissions", "vault")["reveal"] = []any{"nope"}
	obj(m, "credential")["field"] = "missing"
	_, err := abi.ParseManifest(mustJSON(t, m))
	ps := problemsOf(t, err)
	want := []string{
		"/abi", "/credential/field", "/email", "/permissions/http/allowedHosts/1",
		"/permissions/http/allowedHosts/2", "/permissions/vault/reveal/0", "/slug", "/variant",
	}
	if !slices.Equal(paths(ps), want) {
		t.Errorf("problems at %q, want %q", paths(ps), want)
	}
	msg := err.Error()
	for _, p := range want {
		if !strings.Contains(msg, p+": ") {
			t.Errorf("error text lacks %s: %s", p, msg)
		}
	}
	if len(ps.At("/permissions")) != 3 {
		t.Errorf("At(/permissions) = %v", ps.At("/permissions"))
	}
}

func TestParseManifestDocument(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string // message substring of the single problem at ""
	}{
		{"not JSON", []byte(`{"name":`), "not valid JSON"},
		{"array", []byte(`["name"]`), "JSON object"},
		{"null", []byte(`null`), "JSON object"},
		{"empty", nil, "not valid JSON"},
		{"trailing data", []byte(`{"name":"a","categories":["crm"]} {}`), "not valid JSON"},
		{"too large", []byte(`{"name":"` + strings.Repeat("a", abi.MaxManifestSize) + `"}`), "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := abi.ParseManifest(tt.data)
			ps := problemsOf(t, err)
			if len(ps) != 1 || ps[0].Path != "" || !strings.Contains(ps[0].Message, tt.want) {
				t.Errorf("problems = %v, want one at the root containing %q", ps, tt.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in                       abi.Manifest
		slug, typ, variant, abiV string
	}{
		{abi.Manifest{Name: "Zoom Video", Categories: []string{"video"}}, "zoom-video", "zoom-video_video", "conferencing", abi.Version},
		{abi.Manifest{Name: "Café Pay", Categories: []string{"payment"}, ABI: abi.ExtismVersion}, "cafe-pay", "cafe-pay_payment", "payment", abi.ExtismVersion},
		{abi.Manifest{Name: "X", Slug: "given", Type: "given_other", Variant: "hrms", Categories: []string{"other"}}, "given", "given_other", "hrms", abi.Version},
		{abi.Manifest{Name: "Coin", Categories: []string{"web3"}}, "coin", "coin_other", "other", abi.Version},
		{abi.Manifest{Name: "No Category"}, "no-category", "", "", abi.Version},
	}
	for _, tt := range tests {
		m := tt.in
		m.Normalize()
		if m.Slug != tt.slug || m.Type != tt.typ || m.Variant != tt.variant || m.ABI != tt.abiV {
			t.Errorf("Normalize(%q) = %q, %q, %q, %q; want %q, %q, %q, %q", tt.in.Name,
				m.Slug, m.Type, m.Variant, m.ABI, tt.slug, tt.typ, tt.variant, tt.abiV)
		}
	}
}

func TestSlugify(t *testing.T) {
	tests := map[string]string{
		"Google Calendar":         "google-calendar",
		"  Déjà  Vu!! 2 ":         "deja-vu-2",
		"ACME_crm.v2":             "acme-crm-v2",
		"日本語":                     "",
		"---":                     "",
		strings.Repeat("ab ", 40): strings.TrimRight(strings.Repeat("ab-", 22)[:64], "-"),
	}
	for in, want := range tests {
		if got := abi.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCategory(t *testing.T) {
	tests := map[string]abi.Category{
		"calendar": abi.CategoryCalendar, "video": abi.CategoryConferencing,
		"conferencing": abi.CategoryConferencing, "messaging": abi.CategoryOther,
		"web3": abi.CategoryOther, "crm": abi.CategoryCRM, "payment": abi.CategoryPayment,
		"analytics": abi.CategoryAnalytics, "automation": abi.CategoryAutomation, "fax": "",
	}
	for c, want := range tests {
		m := abi.Manifest{Categories: []string{c, "crm"}}
		if got := m.Category(); got != want {
			t.Errorf("Category(%q) = %q, want %q", c, got, want)
		}
	}
	if got := (&abi.Manifest{}).Category(); got != "" {
		t.Errorf("Category() without categories = %q", got)
	}
}

func TestManifestValidateKeys(t *testing.T) {
	m, err := abi.ParseManifest(mustJSON(t, readManifest(t, "acme-crm.json")))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.ValidateKeys([]byte(`{"api_key":"k-123","webhook_secret":"s"}`)); err != nil {
		t.Errorf("good keys: %v", err)
	}
	err = m.ValidateKeys([]byte(`{"api_key":"","webhook_secret":5}`))
	if got := paths(problemsOf(t, err)); !slices.Equal(got, []string{"/api_key", "/webhook_secret"}) {
		t.Errorf("bad keys: problems at %q (%v)", got, err)
	}
	if err := m.ValidateAppData([]byte(`{"enabled":"yes"}`)); err == nil {
		t.Error("ValidateAppData accepted a string for a boolean")
	}
	bare := abi.Manifest{Name: "x"}
	if err := bare.ValidateKeys([]byte(`{"anything":1}`)); err != nil {
		t.Errorf("no keysSchema: %v", err)
	}
	if err := bare.ValidateKeys([]byte(`[1]`)); err == nil {
		t.Error("no keysSchema: accepted a non-object")
	}
}
