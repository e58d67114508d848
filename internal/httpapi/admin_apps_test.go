package httpapi

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// tarEntry is one entry of a tar.gz a test builds.
type tarEntry struct {
	name    string
	body    []byte
	symlink string
	zeros   int64
}

func buildTarGz(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: tar.TypeReg}
		body := e.body
		if e.zeros > 0 {
			body = make([]byte, e.zeros)
		}
		if e.symlink != "" {
			h.Typeflag, h.Linkname, body = tar.TypeSymlink, e.symlink, nil
		}
		h.Size = int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func buildZip(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		body := e.body
		if e.symlink != "" {
			h.SetMode(fs.ModeSymlink | 0o777)
			body = []byte(e.symlink)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploadApp(t *testing.T) {
	h := newHarness(t)
	cfg, wasm := fixture(t, "c-conformance", nil)

	r := h.upload("", cfg, wasm)
	var res uploadResult
	h.mustJSON(r, http.StatusCreated, &res)
	if !res.Created || res.App.Slug != "c-conformance" || res.App.Enabled || len(res.Version.SHA256) != 64 {
		t.Fatalf("upload: %s", r.body)
	}
	if !strings.Contains(strings.Join(res.Permissions, "|"), "api_key field of its credential in clear") {
		t.Fatalf("permissions in words: %v", res.Permissions)
	}
	// The same module again is the same version, current again.
	h.mustJSON(h.upload("", cfg, wasm), http.StatusOK, &res)
	if res.Created {
		t.Fatal("re-upload created a version")
	}

	echoCfg, echoWasm := fixture(t, "small/echo", nil)
	tgz := buildTarGz(t, tarEntry{name: "echo/config.json", body: echoCfg}, tarEntry{name: "echo/app.wasm", body: echoWasm}, tarEntry{name: "echo/README.md", body: []byte("hi")})
	r = h.raw("POST", "/api/admin/apps?enabled=true", "application/gzip", tgz, admin())
	h.mustJSON(r, http.StatusCreated, &res)
	if res.App.Slug != "test-echo" || !res.App.Enabled {
		t.Fatalf("bundle upload: %s", r.body)
	}
	passCfg, passWasm := fixture(t, "small/passthrough", nil)
	zipped := buildZip(t, tarEntry{name: "config.json", body: passCfg}, tarEntry{name: "app.wasm", body: passWasm})
	h.mustJSON(h.raw("POST", "/api/admin/apps", "application/zip", zipped, admin()), http.StatusCreated, nil)
	ct, body := multipartBody(t, [2][]byte{[]byte("bundle"), tgz})
	h.mustJSON(h.raw("POST", "/api/admin/apps", ct, body, admin()), http.StatusOK, nil)

	bomb := buildTarGz(t, tarEntry{name: "config.json", body: echoCfg}, tarEntry{name: "app.wasm", zeros: 12 << 20})
	traversal := buildTarGz(t, tarEntry{name: "config.json", body: echoCfg}, tarEntry{name: "app.wasm", body: echoWasm},
		tarEntry{name: "../../../../etc/cron.d/evil", body: []byte("* * * * * root sh")})
	symlink := buildTarGz(t, tarEntry{name: "config.json", body: echoCfg}, tarEntry{name: "app.wasm", symlink: "/etc/passwd"})
	zipSymlink := buildZip(t, tarEntry{name: "config.json", body: echoCfg}, tarEntry{name: "app.wasm", symlink: "/etc/shadow"})
	absolute := buildZip(t, tarEntry{name: "config.json", body: echoCfg}, tarEntry{name: "app.wasm", body: echoWasm}, tarEntry{name: "/etc/x", body: []byte("x")})
	dup := buildTarGz(t, tarEntry{name: "config.json", body: echoCfg}, tarEntry{name: "app.wasm", body: echoWasm}, tarEntry{name: "app.wasm", body: passWasm})

	tests := []struct {
		name   string
		ctype  string
		body   []byte
		status int
		want   string
	}{
		{"bomb", "application/gzip", bomb, http.StatusRequestEntityTooLarge, "decompression bomb"},
		{"traversal", "application/gzip", traversal, http.StatusBadRequest, "path traversal"},
		{"symlink", "application/gzip", symlink, http.StatusBadRequest, "is a link"},
		{"zip symlink", "application/zip", zipSymlink, http.StatusBadRequest, "is a link"},
		{"absolute path", "application/zip", absolute, http.StatusBadRequest, "BAD_BUNDLE"},
		{"duplicate entry", "application/gzip", dup, http.StatusBadRequest, "appears twice"},
		{"not an archive", "application/gzip", []byte("hello"), http.StatusBadRequest, "not a .tar.gz or .zip"},
		{"json body", "application/json", []byte(`{}`), http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"no content type", "", []byte(`x`), http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.t = t
			r := h.raw("POST", "/api/admin/apps", tt.ctype, tt.body, admin())
			if r.status != tt.status || !bytes.Contains(r.body, []byte(tt.want)) {
				t.Fatalf("status %d %s, want %d with %q", r.status, r.body, tt.status, tt.want)
			}
		})
	}

	t.Run("multipart mistakes", func(t *testing.T) {
		h.t = t
		ct, body := multipartBody(t, [2][]byte{[]byte("config"), echoCfg})
		r := h.raw("POST", "/api/admin/apps", ct, body, admin())
		if r.status != http.StatusBadRequest || !bytes.Contains(r.body, []byte("send both parts")) {
			t.Fatalf("config only: %d %s", r.status, r.body)
		}
		ct, body = multipartBody(t, [2][]byte{[]byte("config"), echoCfg}, [2][]byte{[]byte("wasm"), echoWasm}, [2][]byte{[]byte("evil"), nil})
		if r := h.raw("POST", "/api/admin/apps", ct, body, admin()); r.status != http.StatusBadRequest {
			t.Fatalf("unknown part: %d %s", r.status, r.body)
		}
		ct, body = multipartBody(t, [2][]byte{[]byte("config"), echoCfg}, [2][]byte{[]byte("config"), echoCfg})
		if r := h.raw("POST", "/api/admin/apps", ct, body, admin()); r.status != http.StatusBadRequest {
			t.Fatalf("duplicate part: %d %s", r.status, r.body)
		}
	})
}

func TestUploadTooLarge(t *testing.T) {
	h := newHarness(t, func(o *harnessOptions) { o.apiCfg = func(c Config) Config { return c.WithMaxUpload(64 << 10) } })
	cfg, _ := fixture(t, "small/echo", nil)
	r := h.upload("", cfg, make([]byte, 100<<10))
	if r.status != http.StatusRequestEntityTooLarge || !bytes.Contains(r.body, []byte(`"code":"TOO_LARGE"`)) {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	// JSON routes have their own, smaller limit.
	big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	if r := h.do("POST", "/api/admin/tenants", admin(), big); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("big JSON body: %d %s", r.status, r.body)
	}
}

// TestUploadHostile uploads every module the runtime must refuse, as a
// multipart upload, and checks that the response lists the violation.
func TestUploadHostile(t *testing.T) {
	h := newHarness(t, func(o *harnessOptions) { o.noTenants = true })
	var cases []struct {
		Name, Wasm, Config, Phase string
		Expect                    struct{ Rule, Name string }
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(wasmDir, "hostile/cases.json")), &cases); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cases {
		if c.Phase != "validate" {
			continue
		}
		n++
		t.Run(c.Name, func(t *testing.T) {
			h.t = t
			r := h.upload("", readFile(t, filepath.Join(wasmDir, "hostile", c.Config)), readFile(t, filepath.Join(wasmDir, "hostile", c.Wasm)))
			var ae apiError
			h.mustJSON(r, http.StatusUnprocessableEntity, &ae)
			if ae.Code != CodeValidation || len(ae.Problems) == 0 {
				t.Fatalf("response %s", r.body)
			}
			if len(ae.Violations) == 0 {
				return // refused by its manifest already
			}
			for _, v := range ae.Violations {
				if v.Rule == c.Expect.Rule && (c.Expect.Name == "" || v.Name == c.Expect.Name) {
					return
				}
			}
			t.Fatalf("violations %+v lack %s[%s]", ae.Violations, c.Expect.Rule, c.Expect.Name)
		})
	}
	if n < 20 {
		t.Fatalf("%d validate cases", n)
	}
	h.t = t
	var apps list[json.RawMessage]
	h.mustJSON(h.do("GET", "/api/admin/apps", admin(), ""), http.StatusOK, &apps)
	if len(apps.Items) != 0 {
		t.Fatalf("refused uploads left %d apps", len(apps.Items))
	}
}

func TestUploadManifestProblems(t *testing.T) {
	h := newHarness(t, func(o *harnessOptions) { o.noTenants = true })
	cfg, wasm := fixture(t, "small/echo", func(m map[string]any) {
		delete(m, "name")
		m["permissions"] = map[string]any{"http": map[string]any{"allowedHosts": []any{"http://169.254.169.254/latest"}}}
	})
	r := h.upload("", cfg, wasm)
	var ae apiError
	h.mustJSON(r, http.StatusUnprocessableEntity, &ae)
	paths := map[string]bool{}
	for _, p := range ae.Problems {
		paths[p.Path] = true
	}
	if !paths["/config.json/name"] || !paths["/config.json/permissions/http/allowedHosts/0"] {
		t.Fatalf("problems %+v", ae.Problems)
	}
}

func TestAdminApps(t *testing.T) {
	h := newHarness(t)
	slug := h.publish("c-conformance", nil)
	h.publish("small/echo", nil)
	in := h.install(h.keyA, "test-echo", `{}`)
	h.run(t, []scenario{
		{name: "list", method: "GET", url: "/api/admin/apps", headers: admin(), status: 200, want: []string{`"slug":"c-conformance"`, `"slug":"test-echo"`}},
		{name: "list page", method: "GET", url: "/api/admin/apps?limit=1", headers: admin(), status: 200, want: []string{`"next":"`}},
		{name: "bad limit", method: "GET", url: "/api/admin/apps?limit=0", headers: admin(), status: 400},
		{name: "show with permissions in words", method: "GET", url: "/api/admin/apps/" + slug, headers: admin(), status: 200,
			want: []string{`"permissions":["May send HTTPS requests to the IP address 127.0.0.1`, `"manifest":{`}},
		{name: "versions", method: "GET", url: "/api/admin/apps/" + slug + "/versions", headers: admin(), status: 200, want: []string{`"version":1`}},
		{name: "disable", method: "PATCH", url: "/api/admin/apps/" + slug, headers: admin(), body: `{"enabled":false}`, status: 200, want: []string{`"enabled":false`}},
		{name: "tenants no longer see it", method: "GET", url: "/api/apps/" + slug, headers: bearerOf(h.keyA), status: 404},
		{name: "tenant list hides it", method: "GET", url: "/api/apps", headers: bearerOf(h.keyA), status: 200, want: []string{`"test-echo"`}, notWant: []string{`"c-conformance"`}},
		{name: "patch needs enabled", method: "PATCH", url: "/api/admin/apps/" + slug, headers: admin(), body: `{}`, status: 422, want: []string{`"path":"/enabled"`}},
		{name: "patch unknown field", method: "PATCH", url: "/api/admin/apps/" + slug, headers: admin(), body: `{"enabled":true,"x":1}`, status: 400},
		{name: "patch not json", method: "PATCH", url: "/api/admin/apps/" + slug, headers: map[string]string{"Authorization": "Bearer " + adminToken, "Content-Type": "text/plain"}, body: `{"enabled":true}`, status: 415},
		{name: "delete in use", method: "DELETE", url: "/api/admin/apps/test-echo", headers: admin(), status: 409, want: []string{`"code":"CONFLICT"`}},
		{name: "delete unused", method: "DELETE", url: "/api/admin/apps/" + slug, headers: admin(), status: 204},
		{name: "deleted", method: "GET", url: "/api/admin/apps/" + slug, headers: admin(), status: 404},
		{name: "delete installation", method: "DELETE", url: "/api/installations/" + in.ID, headers: bearerOf(h.keyA), status: 204},
		{name: "then the app", method: "DELETE", url: "/api/admin/apps/test-echo", headers: admin(), status: 204},
	})
}
