package vault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/slotbox/slotbox/abi"
)

// accessTokenField is the field name that selects the OAuth access token.
const accessTokenField = "access_token"

// Authenticator returns the function hostfuncs/http calls to attach inst's
// credential to a request the app made with "auth":"credential", so the
// secret never enters guest memory. spec is the manifest's credential
// block: bearer sets "Authorization: Bearer <field>", basic sets basic auth
// from the Username and Field keys, header sets the named header to the
// field. For a credential holding an OAuth token, an empty Field (or
// "access_token", or a nil spec) means the access token, refreshed when
// due. A credential marked invalid is never attached.
func (v *Vault) Authenticator(inst InstallationRef, spec *abi.Credential) func(ctx context.Context, req *http.Request) error {
	return func(ctx context.Context, req *http.Request) error {
		cred, err := v.Get(ctx, inst)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return fmt.Errorf("%w: %w", err, abi.Errorf(abi.CodePermissionDenied, "installation [%s] has no credential to attach", inst.ID))
			}
			return err
		}
		if cred.Status.Invalid {
			return invalidError(inst, cred.Status.Reason)
		}
		mode, field := abi.InjectBearer, ""
		if spec != nil {
			mode, field = spec.Inject, spec.Field
		}
		secret, err := v.secret(ctx, inst, cred, field)
		if err != nil {
			return err
		}
		switch mode {
		case abi.InjectBearer:
			req.Header.Set("Authorization", "Bearer "+secret)
		case abi.InjectBasic:
			user := ""
			if spec.Username != "" {
				u, ok := cred.Keys[spec.Username]
				if !ok {
					return missingField(inst, spec.Username)
				}
				if !headerSafe(u) {
					return unsafeField(inst, spec.Username)
				}
				user = u
			}
			req.SetBasicAuth(user, secret)
		case abi.InjectHeader:
			if !validHeaderName(spec.Header) {
				return abi.Errorf(abi.CodeHostError, "app [%s] names an invalid credential header", inst.App)
			}
			req.Header.Set(spec.Header, secret)
		default:
			return abi.Errorf(abi.CodeHostError, "app [%s] has unknown credential injection [%s]", inst.App, clip(mode, 32))
		}
		return nil
	}
}

// secret returns the value to attach: a key, or the fresh access token.
func (v *Vault) secret(ctx context.Context, inst InstallationRef, cred Credential, field string) (string, error) {
	if cred.Token != nil && (field == "" || field == accessTokenField) {
		if _, isKey := cred.Keys[field]; !isKey {
			t, err := v.token(ctx, inst, cred)
			if err != nil {
				return "", err
			}
			if !headerSafe(t.AccessToken) {
				return "", unsafeField(inst, accessTokenField)
			}
			return t.AccessToken, nil
		}
	}
	if field == "" {
		return "", abi.Errorf(abi.CodeHostError, "app [%s] names no credential field to attach", inst.App)
	}
	s, ok := cred.Keys[field]
	if !ok {
		return "", missingField(inst, field)
	}
	if !headerSafe(s) {
		return "", unsafeField(inst, field)
	}
	return s, nil
}

func missingField(inst InstallationRef, field string) error {
	return abi.Errorf(abi.CodeHostError, "the credential of installation [%s] has no field [%s]", inst.ID, field)
}

func unsafeField(inst InstallationRef, field string) error {
	return abi.Errorf(abi.CodeHostError, "the credential field [%s] of installation [%s] holds characters a header cannot carry", field, inst.ID)
}

// headerSafe reports whether s can go into a header value as it is.
func headerSafe(s string) bool {
	return !strings.ContainsAny(s, "\r\n\x00")
}

// validHeaderName reports whether s is an RFC 9110 token and not a header
// the transport owns.
func validHeaderName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	switch http.CanonicalHeaderKey(s) {
	case "Host", "Content-Length", "Transfer-Encoding", "Connection", "Cookie":
		return false
	}
	return true
}
