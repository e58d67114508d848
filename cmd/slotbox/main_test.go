package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const wasmDir = "../../testdata/wasm"

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"good", []string{wasmDir + "/small/echo.config.json", wasmDir + "/small/echo.wasm"}, exitOK, []string{"ok: Echo (test fixture)"}},
		{"files in any order", []string{wasmDir + "/small/echo.wasm", wasmDir + "/small/echo.config.json"}, exitOK, []string{"ok:"}},
		{"forbidden import", []string{wasmDir + "/hostile/forbidden_import_env.config.json", wasmDir + "/hostile/forbidden_import_env.wasm"}, exitFailure, []string{"import[env.abort]", "1 problem(s)"}},
		{"ungranted capability", []string{wasmDir + "/hostile/ungranted_capability.config.json", wasmDir + "/hostile/ungranted_capability.wasm"}, exitFailure, []string{"permission[slotbox.http_request]"}},
		{"not wasm", []string{wasmDir + "/small/echo.config.json", wasmDir + "/hostile/not_wasm.wasm"}, exitFailure, []string{"magic"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append([]string{"validate"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d; want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			for _, c := range tt.contains {
				if !strings.Contains(out, c) {
					t.Errorf("stdout lacks %q:\n%s", c, out)
				}
			}
		})
	}
}

// TestValidateReportsEveryProblem gives a manifest and a module that are
// both wrong and expects every problem in one run.
func TestValidateReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	cfg := `{"name":"","categories":["nope"],"abi":"slotbox/1","permissions":{"http":{"allowedHosts":["127.1"]}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(wasmDir + "/hostile/forbidden_import_env.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "app.wasm"), wasm, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "", "validate", dir)
	if code != exitFailure {
		t.Fatalf("exit %d; want 1", code)
	}
	for _, want := range []string{"/name", "/categories/0", "/permissions/http/allowedHosts/0", "import[env.abort]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestInvoke(t *testing.T) {
	echo := []string{wasmDir + "/small/echo.config.json", wasmDir + "/small/echo.wasm"}
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"ok from stdin", `{"a":"é"}`, append(append([]string{"invoke"}, echo...), "test.echo", "--input", "-"), exitOK, `"a": "é"`},
		{"flags before path", `{}`, append([]string{"invoke", "--timeout", "1s", "--fuel", "1000000"}, append(echo, "test.echo")...), exitOK, `"ok"`},
		{"app error", "", append(append([]string{"invoke"}, echo...), "test.error"), exitAppError, `"appCode": "SOME_APP_CODE"`},
		{"not implemented", "", append(append([]string{"invoke"}, echo...), "crm.getContacts"), exitAppError, `NOT_IMPLEMENTED`},
		{"fuel", "", []string{"invoke", wasmDir + "/hostile/loop_call.config.json", wasmDir + "/hostile/loop_call.wasm", "calendar.listCalendars", "--fuel", "100000"}, exitAppError, `FUEL_EXHAUSTED`},
		{"missing method", "", append([]string{"invoke"}, echo[0]), exitFailure, ""},
		{"refused module", "", []string{"invoke", wasmDir + "/hostile/forbidden_import_env.config.json", wasmDir + "/hostile/forbidden_import_env.wasm", "x"}, exitFailure, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d; want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.want) {
				t.Fatalf("stdout lacks %q:\n%s", tt.want, out)
			}
			if tt.code != exitFailure {
				var env map[string]json.RawMessage
				if err := json.Unmarshal([]byte(out), &env); err != nil {
					t.Fatalf("stdout is not one JSON envelope: %v\n%s", err, out)
				}
			}
		})
	}
}

// TestInvokeAllowNet runs the C conformance app's test.http against a
// loopback server: refused by the address policy unless --allow-net names it,
// and the key-named host is the only one the app may reach.
func TestInvokeAllowNet(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("hello from loopback"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := `{"name":"Conformance","categories":["calendar"],"abi":"slotbox/1",
	  "permissions":{"http":{"allowedHosts":["{{keys.base}}"]},"kv":true,"vault":{"reveal":["api_key"]}},
	  "credential":{"inject":"bearer","field":"api_key"},
	  "keysSchema":{"type":"object","properties":{"base":{"type":"string"},"api_key":{"type":"string"}}}}`
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	config := write("config.json", cfg)
	keys := write("keys.json", `{"base":"`+srv.URL+`","api_key":"canary-secret-123"}`)
	wasm := wasmDir + "/c-conformance.wasm"
	input := `{"url":"` + srv.URL + `/x"}`

	code, out, _ := runCLI(t, input, "invoke", config, wasm, "test.http", "--input", "-", "--keys", keys, "--allow-http")
	if code != exitAppError || !strings.Contains(out, "PERMISSION_DENIED") {
		t.Fatalf("without --allow-net: exit %d\n%s; want PERMISSION_DENIED", code, out)
	}
	code, out, errOut := runCLI(t, input, "invoke", config, wasm, "test.http", "--input", "-", "--keys", keys, "--allow-http", "--allow-net", strings.TrimPrefix(srv.URL, "http://"))
	if code != exitOK || !strings.Contains(out, "hello from loopback") {
		t.Fatalf("with --allow-net: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "canary-secret-123") {
		t.Fatal("the credential leaked into the CLI's output")
	}
}

func TestConformanceCommand(t *testing.T) {
	code, out, _ := runCLI(t, "", "conformance", wasmDir+"/c-conformance.wasm")
	if code != exitOK || !strings.Contains(out, " 0 failed") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "conformance", wasmDir+"/small/echo.wasm")
	if code != exitFailure || !strings.Contains(out, "FAIL kv_roundtrip") {
		t.Fatalf("echo passed the suite? exit %d\n%s", code, out)
	}
}
