package vault_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs/vault"
)

// echoServer answers with the request's Authorization and X-Api-Key headers.
func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Got-Authorization", r.Header.Get("Authorization"))
		w.Header().Set("Got-Api-Key", r.Header.Get("X-Api-Key"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAuthenticator(t *testing.T) {
	ctx := context.Background()
	srv := echoServer(t)
	v := mustVault(t, newStore(t, openDB(t)), mustSealer(t, mustKey(t)), vault.DefaultConfig())
	keys := map[string]string{"api_key": "sk_1", "user": "alice", "password": "pw:1", "bad": "a\r\nX-Evil: 1"}
	if err := v.Put(ctx, instA, vault.Credential{Keys: keys}); err != nil {
		t.Fatal(err)
	}
	oauthInst := vault.InstallationRef{ID: "inst-oauth", App: "stripe"}
	if err := v.Put(ctx, oauthInst, vault.Credential{Keys: map[string]string{"api_key": "k"}, Token: &vault.Token{AccessToken: "at_1", Expiry: time.Now().Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	basic := func(u, p string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(u+":"+p)) }
	tests := []struct {
		name     string
		inst     vault.InstallationRef
		spec     *abi.Credential
		wantAuth string
		wantKey  string
		code     abi.Code
	}{
		{name: "bearer", inst: instA, spec: &abi.Credential{Inject: "bearer", Field: "api_key"}, wantAuth: "Bearer sk_1"},
		{name: "basic", inst: instA, spec: &abi.Credential{Inject: "basic", Field: "password", Username: "user"}, wantAuth: basic("alice", "pw:1")},
		{name: "basic without user field", inst: instA, spec: &abi.Credential{Inject: "basic", Field: "api_key"}, wantAuth: basic("", "sk_1")},
		{name: "header", inst: instA, spec: &abi.Credential{Inject: "header", Header: "X-Api-Key", Field: "api_key"}, wantKey: "sk_1", wantAuth: "Bearer guest-set"},
		{name: "oauth nil spec", inst: oauthInst, spec: nil, wantAuth: "Bearer at_1"},
		{name: "oauth bearer no field", inst: oauthInst, spec: &abi.Credential{Inject: "bearer"}, wantAuth: "Bearer at_1"},
		{name: "oauth header with key field", inst: oauthInst, spec: &abi.Credential{Inject: "header", Header: "X-Api-Key", Field: "api_key"}, wantKey: "k", wantAuth: "Bearer guest-set"},
		{name: "missing field", inst: instA, spec: &abi.Credential{Inject: "bearer", Field: "nope"}, code: abi.CodeHostError},
		{name: "missing user field", inst: instA, spec: &abi.Credential{Inject: "basic", Field: "password", Username: "nope"}, code: abi.CodeHostError},
		{name: "no field and no token", inst: instA, spec: &abi.Credential{Inject: "bearer"}, code: abi.CodeHostError},
		{name: "header injection in value", inst: instA, spec: &abi.Credential{Inject: "bearer", Field: "bad"}, code: abi.CodeHostError},
		{name: "bad header name", inst: instA, spec: &abi.Credential{Inject: "header", Header: "X Api", Field: "api_key"}, code: abi.CodeHostError},
		{name: "host header", inst: instA, spec: &abi.Credential{Inject: "header", Header: "host", Field: "api_key"}, code: abi.CodeHostError},
		{name: "unknown inject", inst: instA, spec: &abi.Credential{Inject: "cookie", Field: "api_key"}, code: abi.CodeHostError},
		{name: "no credential", inst: instB, spec: &abi.Credential{Inject: "bearer", Field: "api_key"}, code: abi.CodePermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			req.Header.Set("Authorization", "Bearer guest-set") // a guest's own header is replaced
			err := v.Authenticator(tt.inst, tt.spec)(ctx, req)
			if tt.code != "" {
				var ae *abi.Error
				if !errors.As(err, &ae) || ae.Code != tt.code {
					t.Fatalf("err = %v; want %s", err, tt.code)
				}
				for _, s := range keys {
					if strings.Contains(err.Error(), s) {
						t.Fatalf("error holds a secret: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Got-Authorization"); got != tt.wantAuth {
				t.Errorf("server saw Authorization %q; want %q", got, tt.wantAuth)
			}
			if got := resp.Header.Get("Got-Api-Key"); got != tt.wantKey {
				t.Errorf("server saw X-Api-Key %q; want %q", got, tt.wantKey)
			}
		})
	}
}

func TestAuthenticatorRefusesInvalidCredential(t *testing.T) {
	ctx := context.Background()
	v := mustVault(t, newStore(t, openDB(t)), mustSealer(t, mustKey(t)), vault.DefaultConfig())
	if err := v.Put(ctx, instA, vault.Credential{Keys: map[string]string{"api_key": "sk_1"}}); err != nil {
		t.Fatal(err)
	}
	if err := v.MarkInvalid(ctx, instA, "checkKeys said no"); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1/", nil)
	err := v.Authenticator(instA, &abi.Credential{Inject: "bearer", Field: "api_key"})(ctx, req)
	var ae *abi.Error
	if !errors.Is(err, vault.ErrCredentialInvalid) || !errors.As(err, &ae) || ae.Code != abi.CodePermissionDenied || !strings.Contains(ae.Message, "checkKeys said no") {
		t.Fatalf("err = %v; want ErrCredentialInvalid and PERMISSION_DENIED with the reason", err)
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("an invalid credential was attached")
	}
}
