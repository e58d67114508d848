package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/slotbox/slotbox/hostfuncs/vault"
)

// Audit actions written by the adapters.
const (
	ActionVaultReveal       = "vault.reveal"
	ActionVaultRevealDenied = "vault.reveal_denied"
)

// VaultAuditor records the vault's credential reveals in the audit log
// (vault.Auditor). Each entry is filed under the installation's tenant, with
// the app as actor and the field names (never values) as detail.
type VaultAuditor struct {
	q *queries
}

var _ vault.Auditor = (*VaultAuditor)(nil)

// VaultAuditor returns the vault.Auditor adapter over s.
func (s *Store) VaultAuditor() *VaultAuditor { return &VaultAuditor{q: &s.queries} }

// revealDetail is the audit detail of a reveal.
type revealDetail struct {
	Fields []string `json:"fields"`
	CallID string   `json:"callId,omitempty"`
}

// Audit implements vault.Auditor. It fails, and so stops the reveal, when
// the entry cannot be written or the installation does not exist.
func (a *VaultAuditor) Audit(ctx context.Context, e vault.Event) error {
	op := fmt.Sprintf("audit reveal installation[%s]", e.Installation)
	action := ActionVaultReveal
	if e.Denied {
		action = ActionVaultRevealDenied
	}
	fields := e.Fields
	if fields == nil {
		fields = []string{}
	}
	detail, err := json.Marshal(revealDetail{Fields: fields, CallID: e.CallID})
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if len(detail) > MaxAuditDetailSize {
		return fmt.Errorf("store: %w", invalid(op, "too many fields to audit"))
	}
	at := e.Time
	if at.IsZero() {
		at = a.q.now()
	}
	res, err := a.q.w.ExecContext(ctx, `INSERT INTO audit_log (at, tenant_id, actor, action, installation_id, detail)
		SELECT ?, tenant_id, ?, ?, id, ? FROM installations WHERE id = ?`,
		ms(at), "app:"+e.App, action, string(detail), e.Installation)
	if err := affectedOne(op, res, err, fkMissing); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
