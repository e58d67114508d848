package slotboxtest

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

func TestHostCall(t *testing.T) {
	tests := []struct {
		name      string
		fn        string
		in        string
		want      string // envelope; empty when the call must be malformed
		malformed bool
	}{
		{"kv_get missing", abi.ImportKVGet, `{"key":"nope"}`, `{"ok":{"value":null}}`, false},
		{"kv_get present", abi.ImportKVGet, `{"key":"k"}`, `{"ok":{"value":"v"}}`, false},
		{"kv_set", abi.ImportKVSet, `{"key":"k2","value":"v2","ttl_seconds":5}`, `{"ok":{}}`, false},
		{"kv_set empty key", abi.ImportKVSet, `{"key":"","value":"v"}`,
			`{"error":{"code":"INVALID_INPUT","message":"empty key","retryable":false}}`, false},
		{"kv_delete", abi.ImportKVDelete, `{"key":"k"}`, `{"ok":{}}`, false},
		{"vault_get", abi.ImportVaultGet, `{"fields":["api_key"]}`, `{"ok":{"fields":{"api_key":"s"}}}`, false},
		{"vault_get unrevealed field", abi.ImportVaultGet, `{"fields":["other"]}`,
			`{"error":{"code":"PERMISSION_DENIED","message":"vault field [other] is not revealable","retryable":false}}`, false},
		{"http_request", abi.ImportHTTPRequest, `{"method":"GET","url":"http://a.test/x","auth":"none"}`,
			`{"ok":{"status":200,"headers":{"Content-Type":"text/plain; charset=utf-8"},"body":"GET /x"}}`, false},
		{"http_request base64 body", abi.ImportHTTPRequest, `{"method":"POST","url":"http://a.test/x","body_base64":"aGk="}`,
			`{"ok":{"status":200,"headers":{"Content-Type":"text/plain; charset=utf-8"},"body":"POST /x hi"}}`, false},
		{"http_request bad URL", abi.ImportHTTPRequest, `{"method":"GET","url":"::"}`,
			`{"error":{"code":"INVALID_INPUT","message":"bad request: parse \"::\": missing protocol scheme","retryable":false}}`, false},
		{"http_request unknown auth", abi.ImportHTTPRequest, `{"method":"GET","url":"http://a.test/","auth":"magic"}`, "", true},
		{"unknown field", abi.ImportKVGet, `{"key":"k","extra":1}`, "", true},
		{"not JSON", abi.ImportKVGet, `{`, "", true},
		{"unknown function", "fs_read", `{}`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &Host{Vault: map[string]string{"api_key": "s"}, HTTP: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				body := r.Method + " " + r.URL.Path
				if b := make([]byte, 16); r.ContentLength > 0 {
					n, _ := r.Body.Read(b)
					body += " " + string(b[:n])
				}
				w.Write([]byte(body))
			})}
			h.SetKV("k", "v")
			got, err := h.Call(tt.fn, []byte(tt.in))
			if tt.malformed {
				if err == nil {
					t.Fatalf("Call = %s, want a malformed-call error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			json.Unmarshal(got, &a)
			json.Unmarshal([]byte(tt.want), &b)
			ga, _ := json.Marshal(a)
			gb, _ := json.Marshal(b)
			if string(ga) != string(gb) {
				t.Fatalf("Call = %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestHostKVState(t *testing.T) {
	h := &Host{}
	if _, err := h.Call(abi.ImportKVSet, []byte(`{"key":"a","value":"1","ttl_seconds":60}`)); err != nil {
		t.Fatal(err)
	}
	if v, ttl, ok := h.KV("a"); !ok || v != "1" || ttl != 60 {
		t.Fatalf("KV(a) = %q, %d, %v", v, ttl, ok)
	}
	if _, err := h.Call(abi.ImportKVDelete, []byte(`{"key":"a"}`)); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := h.KV("a"); ok {
		t.Fatal("key survived kv_delete")
	}
}

func TestHostCredential(t *testing.T) {
	var auth string
	h := &Host{HTTP: http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { auth = r.Header.Get("Authorization") })}
	in := []byte(`{"method":"GET","url":"http://a.test/","auth":"credential"}`)
	got, _ := h.Call(abi.ImportHTTPRequest, in)
	if string(got) != `{"error":{"code":"PERMISSION_DENIED","message":"the installation has no credential","retryable":false}}` {
		t.Fatalf("without a credential: %s", got)
	}
	h.Credential = "tok"
	if _, err := h.Call(abi.ImportHTTPRequest, in); err != nil || auth != "Bearer tok" {
		t.Fatalf("Authorization = %q, err %v", auth, err)
	}
}

func TestHostLogs(t *testing.T) {
	h := &Host{}
	h.Log(int32(abi.LogWarn), []byte("careful"))
	logs := h.Logs()
	if len(logs) != 1 || logs[0] != (LogLine{Level: abi.LogWarn, Message: "careful"}) {
		t.Fatalf("Logs = %+v", logs)
	}
}
