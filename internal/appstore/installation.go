package appstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs/vault"
	"github.com/slotbox/slotbox/internal/store"
)

// Caps on an installation's keys, those of the vault's credential.
const (
	maxKeys         = 128
	maxKeyNameBytes = 256
	maxKeyBytes     = 16 << 10
	maxCheckMessage = 500
)

// NewInstallation is what CreateInstallation needs.
type NewInstallation struct {
	// App is the app's slug.
	App string
	// Name names the installation for its tenant; "" uses the app's name.
	Name string
	// Keys is a JSON object of string values, checked against the app's
	// keysSchema; empty means {}.
	Keys json.RawMessage
}

// CreateInstallation installs an enabled app for a tenant: it checks the
// keys against the app's keysSchema (a *ProblemsError at "/keys"), seals
// them in the vault, and asks the app itself with app.checkKeys, refusing
// with a *KeysRejectedError carrying the app's message when it answers
// valid: false (an app without checkKeys passes). A refused installation
// leaves nothing behind.
func (s *Service) CreateInstallation(ctx context.Context, tenantID string, n NewInstallation) (store.Installation, error) {
	d, ca, err := s.installable(ctx, n.App)
	if err != nil {
		return store.Installation{}, err
	}
	defer s.cache.release(ctx, ca)
	keys, err := parseKeys(ca, n.Keys)
	if err != nil {
		return store.Installation{}, err
	}
	name := n.Name
	if name == "" {
		name = d.App.Name
	}
	in, err := s.store.CreateInstallation(ctx, tenantID, store.NewInstallation{AppID: d.App.ID, Name: name})
	if err != nil {
		return store.Installation{}, err
	}
	if err := s.fillAndCheck(ctx, tenantID, in.ID, d.App.Slug, vault.Credential{Keys: keys}); err != nil {
		s.undoCreate(ctx, tenantID, in.ID)
		return store.Installation{}, err
	}
	s.audit(ctx, tenantID, in.ID, "installation.create", map[string]any{"app": d.App.Slug, "keys": keyNames(keys)})
	return s.store.Installation(ctx, tenantID, in.ID)
}

// installable returns an enabled app that has a version, compiled.
func (s *Service) installable(ctx context.Context, slug string) (AppDetail, *compiledApp, error) {
	d, err := s.App(ctx, slug, true)
	if err != nil {
		return AppDetail{}, nil, err
	}
	if d.Version == nil {
		return AppDetail{}, nil, fmt.Errorf("app slug[%s] has no version: %w", slug, store.ErrNotFound)
	}
	ca, err := s.cache.acquire(ctx, d.Version.ID)
	if err != nil {
		return AppDetail{}, nil, err
	}
	return d, ca, nil
}

// fillAndCheck seals cred as the installation's credential and runs the
// app's checkKeys on it.
func (s *Service) fillAndCheck(ctx context.Context, tenantID, id, slug string, cred vault.Credential) error {
	if err := s.vault.Put(ctx, vault.InstallationRef{ID: id, App: slug}, cred); err != nil {
		return fmt.Errorf("installation[%s]: store credential: %w", id, err)
	}
	t, err := s.store.InstallationForCall(ctx, tenantID, id)
	if err != nil {
		return err
	}
	return s.checkKeys(ctx, t)
}

// undoCreate deletes an installation whose creation failed half way.
func (s *Service) undoCreate(ctx context.Context, tenantID, id string) {
	ctx = context.WithoutCancel(ctx)
	if err := s.store.DeleteInstallation(ctx, tenantID, id); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.ErrorContext(ctx, "undo installation", "installation", id, "err", err)
	}
	s.cache.evictInstallation(ctx, id)
}

// checkKeys runs app.checkKeys: NOT_IMPLEMENTED passes, valid: false or any
// other failure refuses.
func (s *Service) checkKeys(ctx context.Context, t store.CallTarget) error {
	out, err := s.run(ctx, t, abi.MethodAppCheckKeys, []byte(`{}`))
	if err != nil {
		return err
	}
	if e := out.Envelope.Error; e != nil {
		if e.Code == abi.CodeNotImplemented {
			return nil
		}
		return &KeysRejectedError{Code: e.Code, Message: clip(e.Message, maxCheckMessage)}
	}
	var r abi.AppCheckKeysResult
	if err := json.Unmarshal(out.Envelope.OK, &r); err != nil {
		return &KeysRejectedError{Code: abi.CodeBadOutput, Message: "app.checkKeys answered no {valid}"}
	}
	if !r.Valid {
		return &KeysRejectedError{Message: clip(r.Message, maxCheckMessage)}
	}
	return nil
}

// UpdateKeys replaces an installation's keys after the same checks as
// CreateInstallation; the installation becomes valid again. When the app
// refuses the new keys the old credential is put back. An OAuth token is
// kept.
func (s *Service) UpdateKeys(ctx context.Context, tenantID, id string, rawKeys json.RawMessage) (store.Installation, error) {
	mu := s.keyLock(id)
	mu.Lock()
	defer mu.Unlock()
	t, err := s.store.InstallationForCall(ctx, tenantID, id)
	if err != nil {
		return store.Installation{}, err
	}
	if !t.App.Enabled {
		return store.Installation{}, fmt.Errorf("app[%s]: %w", t.App.Slug, ErrAppDisabled)
	}
	ca, err := s.cache.acquire(ctx, t.Version.ID)
	if err != nil {
		return store.Installation{}, err
	}
	defer s.cache.release(ctx, ca)
	keys, err := parseKeys(ca, rawKeys)
	if err != nil {
		return store.Installation{}, err
	}
	ref := vault.InstallationRef{ID: id, App: t.App.Slug}
	old, err := s.store.InstallationCredential(ctx, tenantID, id)
	if err != nil {
		return store.Installation{}, err
	}
	cred := vault.Credential{Keys: keys}
	if old.Ciphertext != nil {
		prev, err := s.vault.Get(ctx, ref)
		if err == nil {
			cred.Token = prev.Token
		}
	}
	// Instances may hold revealed old keys in memory: they go.
	s.cache.evictInstallation(ctx, id)
	if err := s.fillAndCheck(ctx, tenantID, id, t.App.Slug, cred); err != nil {
		s.restoreCredential(ctx, tenantID, id, old, t.Installation)
		return store.Installation{}, err
	}
	s.cache.evictInstallation(ctx, id)
	s.audit(ctx, tenantID, id, "installation.keys", map[string]any{"app": t.App.Slug, "keys": keyNames(keys)})
	return s.store.Installation(ctx, tenantID, id)
}

// restoreCredential puts back the credential and status an installation
// had before a refused key change.
func (s *Service) restoreCredential(ctx context.Context, tenantID, id string, old store.SealedCredential, was store.Installation) {
	ctx = context.WithoutCancel(ctx)
	if old.Ciphertext != nil {
		if err := s.store.SetInstallationCredential(ctx, tenantID, id, old); err != nil {
			s.log.ErrorContext(ctx, "restore credential", "installation", id, "err", err)
		}
	}
	if err := s.store.SetInstallationStatus(ctx, tenantID, id, was.Status, was.StatusReason); err != nil {
		s.log.ErrorContext(ctx, "restore status", "installation", id, "err", err)
	}
	s.cache.evictInstallation(ctx, id)
}

// DeleteInstallation deletes a tenant's installation with its credential,
// settings, kv data and call records, and closes its instances.
func (s *Service) DeleteInstallation(ctx context.Context, tenantID, id string) error {
	if err := s.store.DeleteInstallation(ctx, tenantID, id); err != nil {
		return err
	}
	s.cache.evictInstallation(ctx, id)
	s.keyLocks.Delete(id)
	s.audit(ctx, tenantID, "", "installation.delete", map[string]any{"installation": id})
	return nil
}

// parseKeys checks raw keys: a JSON object of strings, within the vault's
// caps, valid against the app's keysSchema, and giving usable hosts for
// the allow-list entries that name keys. Problems are under "/keys".
func parseKeys(ca *compiledApp, raw json.RawMessage) (map[string]string, error) {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		raw = json.RawMessage(`{}`)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, &ProblemsError{Message: "keys are invalid", Problems: abi.Problems{{Path: "/keys", Message: "must be a JSON object"}}}
	}
	if err := ca.manifest.ValidateKeys(raw); err != nil {
		perr := problemsAt("keys do not match the app's keysSchema", "/keys", err).(*ProblemsError)
		redactValues(perr.Problems, fields)
		return nil, perr
	}
	var ps abi.Problems
	if len(fields) > maxKeys {
		ps = append(ps, abi.Problem{Path: "/keys", Message: fmt.Sprintf("has %d keys, more than %d", len(fields), maxKeys)})
	}
	keys := make(map[string]string, len(fields))
	for _, name := range sortedKeys(fields) {
		at := "/keys/" + escapePointer(name)
		var v string
		switch {
		case name == "" || len(name) > maxKeyNameBytes:
			ps = append(ps, abi.Problem{Path: at, Message: fmt.Sprintf("key names must be 1 to %d bytes", maxKeyNameBytes)})
		case json.Unmarshal(fields[name], &v) != nil:
			ps = append(ps, abi.Problem{Path: at, Message: "must be a string"})
		case len(v) > maxKeyBytes:
			ps = append(ps, abi.Problem{Path: at, Message: fmt.Sprintf("longer than %d bytes", maxKeyBytes)})
		default:
			keys[name] = v
		}
	}
	if len(ps) == 0 && ca.keyHosts {
		if _, err := expandAllowList(ca.manifest, keys); err != nil {
			var kh *KeyHostError
			if errors.As(err, &kh) {
				ps = append(ps, abi.Problem{Path: "/keys/" + escapePointer(kh.Field), Message: kh.Error()})
			} else {
				ps = append(ps, abi.Problem{Path: "/keys", Message: "the keys give hosts the allow-list refuses"})
			}
		}
	}
	if len(ps) > 0 {
		return nil, &ProblemsError{Message: "keys are invalid", Problems: ps}
	}
	return keys, nil
}

// redactValues removes the submitted key values from problem messages: a
// schema validator may quote the value it refused (an enum mismatch does),
// and a key value is a secret.
func redactValues(ps abi.Problems, fields map[string]json.RawMessage) {
	var secrets []string
	for _, raw := range fields {
		var v string
		if json.Unmarshal(raw, &v) != nil || len(v) < 4 {
			continue
		}
		secrets = append(secrets, v)
		if enc, err := json.Marshal(v); err == nil {
			secrets = append(secrets, string(enc[1:len(enc)-1]))
		}
	}
	for i := range ps {
		for _, sec := range secrets {
			ps[i].Message = strings.ReplaceAll(ps[i].Message, sec, "[redacted]")
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func keyNames(keys map[string]string) []string { return sortedKeys(keys) }

// escapePointer escapes one JSON pointer token.
func escapePointer(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '~':
			b.WriteString("~0")
		case '/':
			b.WriteString("~1")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// clip cuts a guest's message to n bytes on a rune boundary without
// control characters.
func clip(s string, n int) string {
	out := make([]rune, 0, min(len(s), n))
	size := 0
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		if size+utf8.RuneLen(r) > n {
			break
		}
		size += utf8.RuneLen(r)
		out = append(out, r)
	}
	return string(out)
}

// audit appends an audit entry; a failure is logged, never fatal.
func (s *Service) audit(ctx context.Context, tenantID, installationID, action string, detail map[string]any) {
	b, err := json.Marshal(detail)
	if err != nil {
		return
	}
	_, err = s.store.AppendAudit(context.WithoutCancel(ctx), store.AuditEntry{
		TenantID: tenantID, Actor: "api", Action: action, InstallationID: installationID, Detail: b,
	})
	if err != nil {
		s.log.ErrorContext(ctx, "append audit entry", "action", action, "installation", installationID, "err", err)
	}
}
