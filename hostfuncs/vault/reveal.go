package vault

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
)

// Limits on a vault_get input.
const (
	maxRevealInput  = 16 << 10
	maxRevealFields = 64
)

// Grant is what one installation's guest may read through vault_get.
type Grant struct {
	// Installation is whose credential the guest reads.
	Installation InstallationRef
	// Reveal lists the fields the manifest's permissions.vault.reveal names.
	Reveal []string
	// Audit records every reveal and every refused attempt; required.
	Audit Auditor
	// CallID, when set, is copied into audit events.
	CallID string
}

// Auditor records credential reveals. An error stops the reveal: nothing is
// revealed that was not recorded.
type Auditor interface {
	Audit(ctx context.Context, e Event) error
}

// AuditFunc adapts a function to Auditor.
type AuditFunc func(ctx context.Context, e Event) error

// Audit calls f.
func (f AuditFunc) Audit(ctx context.Context, e Event) error { return f(ctx, e) }

// Event is one audit record: who asked for which fields. It never holds a
// value.
type Event struct {
	Time         time.Time `json:"time"`
	Installation string    `json:"installation"`
	App          string    `json:"app"`
	CallID       string    `json:"callId,omitempty"`
	// Fields are the fields revealed, or, when Denied, the fields asked
	// for that the grant does not list.
	Fields []string `json:"fields"`
	Denied bool     `json:"denied,omitempty"`
}

type revealInput struct {
	Fields []string `json:"fields"`
}

type revealResult struct {
	Fields map[string]string `json:"fields"`
}

// Func returns the vault_get host function for g: input
// {"fields":["name",...]}, ok result {"fields":{"name":"value"}} holding the
// asked fields the credential has. Asking for any field g.Reveal does not
// list fails the whole call with PERMISSION_DENIED naming the field. OAuth
// tokens are never revealed; they are only attached (Authenticator).
func (v *Vault) Func(g Grant) hostfuncs.Func {
	allowed := make(map[string]bool, len(g.Reveal))
	for _, f := range g.Reveal {
		allowed[f] = true
	}
	return func(ctx context.Context, input []byte) (json.RawMessage, error) {
		if g.Audit == nil {
			return nil, abi.Errorf(abi.CodeHostError, "vault_get has no audit sink; nothing is revealed")
		}
		fields, err := parseReveal(input)
		if err != nil {
			return nil, err
		}
		var denied []string
		for _, f := range fields {
			if !allowed[f] {
				denied = append(denied, f)
			}
		}
		if len(denied) > 0 {
			ev := v.event(g, denied)
			ev.Denied = true
			if err := g.Audit.Audit(ctx, ev); err != nil {
				return nil, auditFailed(g, err)
			}
			return nil, abi.Errorf(abi.CodePermissionDenied, "field [%s] is not revealable: the manifest's permissions.vault.reveal does not list it", clip(denied[0], maxKeyName))
		}
		cred, err := v.Get(ctx, g.Installation)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, fmt.Errorf("%w: %w", err, abi.Errorf(abi.CodePermissionDenied, "installation [%s] has no credential", g.Installation.ID))
			}
			return nil, err
		}
		out := revealResult{Fields: make(map[string]string, len(fields))}
		var revealed []string
		for _, f := range fields {
			if val, ok := cred.Keys[f]; ok {
				out.Fields[f] = val
				revealed = append(revealed, f)
			}
		}
		if err := g.Audit.Audit(ctx, v.event(g, revealed)); err != nil {
			return nil, auditFailed(g, err)
		}
		b, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("vault: encode vault_get result: %w", err)
		}
		return b, nil
	}
}

func (v *Vault) event(g Grant, fields []string) Event {
	return Event{
		Time:         v.cfg.now(),
		Installation: g.Installation.ID,
		App:          g.Installation.App,
		CallID:       g.CallID,
		Fields:       fields,
	}
}

func auditFailed(g Grant, err error) error {
	return fmt.Errorf("vault: audit reveal for installation[%s]: %w: %w", g.Installation.ID, err,
		abi.Errorf(abi.CodeHostError, "the reveal could not be audited, so nothing is revealed"))
}

// parseReveal reads a vault_get input strictly: one object with a fields
// array of 1 to maxRevealFields distinct, non-empty names.
func parseReveal(input []byte) ([]string, error) {
	if len(input) > maxRevealInput {
		return nil, abi.Errorf(abi.CodeInvalidInput, "vault_get input of %d bytes exceeds %d", len(input), maxRevealInput)
	}
	dec := json.NewDecoder(bytes.NewReader(input))
	dec.DisallowUnknownFields()
	var in revealInput
	if err := dec.Decode(&in); err != nil {
		return nil, abi.Errorf(abi.CodeInvalidInput, "vault_get input must be {\"fields\":[\"name\",...]}: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, abi.Errorf(abi.CodeInvalidInput, "vault_get input has data after the object")
	}
	if len(in.Fields) == 0 || len(in.Fields) > maxRevealFields {
		return nil, abi.Errorf(abi.CodeInvalidInput, "vault_get asks for %d fields; ask for 1 to %d", len(in.Fields), maxRevealFields)
	}
	out := make([]string, 0, len(in.Fields))
	for _, f := range in.Fields {
		if f == "" || len(f) > maxKeyName {
			return nil, abi.Errorf(abi.CodeInvalidInput, "vault_get field names must be 1 to %d bytes", maxKeyName)
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}
