package slotbox

import (
	"context"
	"fmt"

	"github.com/slotbox/slotbox/abi"
)

// Vault wire shapes (abi-v1 section 3).
type (
	vaultRequest struct {
		Fields []string `json:"fields"`
	}
	vaultResult struct {
		Fields map[string]string `json:"fields"`
	}
)

// Vault returns the named fields of the installation's credential in clear.
// The host answers only fields the manifest lists under
// permissions.vault.reveal; prefer Fetch with Credential, which keeps the
// secret out of the module entirely.
func Vault(ctx context.Context, fields ...string) (map[string]string, error) {
	if fields == nil {
		fields = []string{}
	}
	var res vaultResult
	if err := callHost(ctx, abi.ImportVaultGet, rawVaultGet, vaultRequest{Fields: fields}, &res); err != nil {
		return nil, fmt.Errorf("vault get %q: %w", fields, err)
	}
	if res.Fields == nil {
		res.Fields = map[string]string{}
	}
	return res.Fields, nil
}
