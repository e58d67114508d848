package vault_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs/vault"
)

// TestCanary plants a secret in every place a credential holds one (keys,
// the provider's access and refresh tokens) and drives the vault through
// its success and failure paths; the secret must appear in no error, no
// audit record, no log line and no printed form of a credential.
func TestCanary(t *testing.T) {
	var r [6]byte
	_, _ = rand.Read(r[:])
	canary := "canary-7f3a" + hex.EncodeToString(r[:])
	ctx := context.Background()

	f := newOAuthFixture(t, authServerOptions{rotate: true, access: &prefixedAccess{prefix: canary}}, nil)
	audit := &auditLog{}
	var errs []error
	note := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	keys := map[string]string{"api_key": canary + "-key", "webhook_secret": canary + "-wh", "bad": canary + "\r\n"}
	if err := f.v.Put(ctx, oauthInst, vault.Credential{Keys: keys}); err != nil {
		t.Fatal(err)
	}
	c := f.connect(t)
	if !strings.HasPrefix(c.Token.AccessToken, canary) || !strings.HasPrefix(c.Token.RefreshToken, canary) {
		t.Fatalf("provider tokens do not carry the canary: %v", c)
	}

	// Printed forms of a credential.
	var printed []string
	printed = append(printed, fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v %+v %#v", *c.Token, *c.Token, c.Token))
	j, _ := json.Marshal(c)
	printed = append(printed, string(j))
	slog.New(slog.NewJSONHandler(f.logs, nil)).Info("credential", "cred", c, "token", c.Token)

	// vault_get: allowed, refused, malformed.
	fn := f.v.Func(vault.Grant{Installation: oauthInst, Reveal: []string{"webhook_secret"}, Audit: audit, CallID: "call-1"})
	if out, err := fn(ctx, []byte(`{"fields":["webhook_secret"]}`)); err != nil || !strings.Contains(string(out), canary) {
		t.Fatalf("allowed reveal: %s, %v", out, err)
	}
	for _, in := range []string{`{"fields":["api_key"]}`, `{"fields":["access_token"]}`, `{"fields":["refresh_token"]}`, `{"fields":["webhook_secret","api_key"]}`, `nonsense`} {
		out, err := fn(ctx, []byte(in))
		if err == nil {
			t.Fatalf("%s revealed %s", in, out)
		}
		note(err)
	}

	// Authenticator failures.
	for _, spec := range []*abi.Credential{
		{Inject: abi.InjectBearer, Field: "bad"},
		{Inject: abi.InjectBasic, Field: "api_key", Username: "missing"},
		{Inject: abi.InjectHeader, Header: "Bad Header", Field: "api_key"},
		{Inject: "smoke", Field: "api_key"},
	} {
		req, _ := http.NewRequest(http.MethodGet, f.as.URL, nil)
		err := f.v.Authenticator(oauthInst, spec)(ctx, req)
		if err == nil {
			t.Fatalf("spec %+v did not fail", spec)
		}
		note(err)
	}

	// A tampered row and a swapped row.
	rec, err := f.store.Get(ctx, oauthInst.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec.Ciphertext[len(rec.Ciphertext)-1] ^= 1
	bad := rec
	bad.Installation = "inst-tampered"
	note(f.store.Put(ctx, bad))
	_, err = f.v.Get(ctx, vault.InstallationRef{ID: "inst-tampered", App: oauthInst.App})
	note(err)

	// The provider echoes the refresh token in its error description, then
	// in a 5xx body, then is gone.
	f.as.set(func(a *authServer) {
		a.override = func(w http.ResponseWriter, form url.Values) bool {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, `{"error":"server_error","error_description":"could not refresh %s","echo":%q}`, form.Get("refresh_token"), form.Get("refresh_token"))
			return true
		}
	})
	f.clock.Set(f.t0.Add(tokenLife - 10*time.Second))
	_, err = f.v.Token(ctx, oauthInst) // due, not expired: warns and uses the current token
	note(err)
	f.clock.Set(f.t0.Add(tokenLife + time.Second))
	_, err = f.v.Token(ctx, oauthInst)
	note(err)
	f.as.set(func(a *authServer) {
		a.override = func(w http.ResponseWriter, form url.Values) bool {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":"invalid_grant","error_description":"token %s was revoked"}`, form.Get("refresh_token"))
			return true
		}
	})
	_, err = f.v.Token(ctx, oauthInst)
	note(err)
	req, _ := http.NewRequest(http.MethodGet, f.as.URL, nil)
	note(f.v.Authenticator(oauthInst, nil)(ctx, req))
	note(f.v.Exchange(ctx, oauthInst, f.app, canary+"-code"))
	final, err := f.v.Get(ctx, oauthInst)
	if err != nil {
		t.Fatal(err)
	}

	if len(errs) < 12 {
		t.Fatalf("only %d errors collected; the scenario did not run", len(errs))
	}
	check := func(where, s string) {
		t.Helper()
		if strings.Contains(s, canary) {
			t.Errorf("canary in %s: %s", where, s)
		}
	}
	for _, err := range errs {
		check("error", err.Error())
		check("error %+v", fmt.Sprintf("%+v", err))
	}
	for _, p := range printed {
		check("printed credential", p)
	}
	for _, e := range audit.all() {
		b, _ := json.Marshal(e)
		check("audit event", string(b)+fmt.Sprintf("%+v", e))
	}
	if len(audit.all()) < 5 {
		t.Errorf("%d audit events; want every reveal and refusal", len(audit.all()))
	}
	check("status reason", final.Status.Reason)
	if !final.Status.Invalid || !strings.Contains(final.Status.Reason, "[redacted]") {
		t.Errorf("final status %+v; want invalid with the echoed token redacted", final.Status)
	}
	logs := f.logs.String()
	if !strings.Contains(logs, "credential marked invalid") || !strings.Contains(logs, "refresh failed") {
		t.Fatalf("expected log lines missing: %s", logs)
	}
	check("logs", logs)
}
