package appstore

import (
	"context"
	"fmt"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/hostfuncs/kv"
	"github.com/slotbox/slotbox/hostfuncs/vault"
)

// Binder builds the host functions of one installation from its app's
// manifest: http_request with the app's allow-list and the installation's
// credential attached as the manifest says, vault_get limited to the
// manifest's reveal list and audited, and kv in the installation's own
// namespace. A function the manifest does not grant is left out, so the
// runtime answers PERMISSION_DENIED (uploads that import one are refused
// already).
type Binder struct {
	http    *hhttp.Client
	vault   *vault.Vault
	kv      *kv.KV
	auditor vault.Auditor
}

// NewBinder returns a Binder over the server's host-function services.
func NewBinder(http *hhttp.Client, v *vault.Vault, k *kv.KV, auditor vault.Auditor) *Binder {
	return &Binder{http: http, vault: v, kv: k, auditor: auditor}
}

// Binding names what to bind: one installation of one app version.
type Binding struct {
	Installation string
	// App is the app's slug, bound into the credential's ciphertext.
	App      string
	Manifest *abi.Manifest
	// AllowList is the manifest's parsed allow-list. Ignored when KeyHosts
	// is set: then Bind reads the installation's keys and expands the
	// "{{keys.NAME}}" entries itself.
	AllowList hhttp.AllowList
	KeyHosts  bool
	// CallID, when set, is copied into the vault's audit events.
	CallID string
}

// Bind returns the installation's host functions by import name. It reads
// the credential only when the allow-list names keys; an error then means
// the keys do not give a usable host (and is safe to show: it names the
// key, never its value).
func (b *Binder) Bind(ctx context.Context, t Binding) (map[string]hostfuncs.Func, error) {
	m := t.Manifest
	ref := vault.InstallationRef{ID: t.Installation, App: t.App}
	funcs := make(map[string]hostfuncs.Func, 5)
	if m.Permissions.Grants(abi.PermissionHTTP) {
		list := t.AllowList
		if t.KeyHosts {
			l, err := b.keyAllowList(ctx, ref, m)
			if err != nil {
				return nil, err
			}
			list = l
		}
		g := hhttp.Grant{Installation: t.Installation, AllowList: list}
		if m.Credential != nil || m.IsOAuth {
			g.Authenticator = b.vault.Authenticator(ref, m.Credential)
		}
		funcs[abi.ImportHTTPRequest] = b.http.Func(g)
	}
	if m.Permissions.Grants(abi.PermissionVault) {
		funcs[abi.ImportVaultGet] = b.vault.Func(vault.Grant{
			Installation: ref, Reveal: m.Permissions.Vault.Reveal, Audit: b.auditor, CallID: t.CallID,
		})
	}
	if m.Permissions.Grants(abi.PermissionKV) {
		get, set, del := b.kv.Funcs(kv.Grant{Installation: t.Installation})
		funcs[abi.ImportKVGet], funcs[abi.ImportKVSet], funcs[abi.ImportKVDelete] = get, set, del
	}
	return funcs, nil
}

// keyAllowList builds an installation's allow-list from its keys.
func (b *Binder) keyAllowList(ctx context.Context, ref vault.InstallationRef, m *abi.Manifest) (hhttp.AllowList, error) {
	cred, err := b.vault.Get(ctx, ref)
	if err != nil {
		return hhttp.AllowList{}, fmt.Errorf("installation[%s]: read keys for the allow-list: %w", ref.ID, err)
	}
	return expandAllowList(m, cred.Keys)
}

// expandAllowList parses the allow-list of m with its key entries filled
// from keys. Its error names the key, never the key's value (which may hold
// user info or a token).
func expandAllowList(m *abi.Manifest, keys map[string]string) (hhttp.AllowList, error) {
	entries := make([]string, 0, len(m.Permissions.HTTP.AllowedHosts))
	for _, e := range m.Permissions.HTTP.AllowedHosts {
		x, err := abi.ExpandAllowedHosts([]string{e}, keys)
		if err != nil {
			field, _ := abi.KeyHostRef(e)
			return hhttp.AllowList{}, &KeyHostError{Field: field}
		}
		entries = append(entries, x...)
	}
	return hhttp.ParseAllowList(entries)
}

// KeyHostError is a key that an allowedHosts entry "{{keys.NAME}}" names
// but that does not hold a usable http(s) URL.
type KeyHostError struct {
	Field string
}

// Error implements the error interface; it never quotes the key's value.
func (e *KeyHostError) Error() string {
	return fmt.Sprintf("key %s must be an http(s) URL with a host the network policy accepts, such as https://dav.example.com/", e.Field)
}
