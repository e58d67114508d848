// Package hostfuncs holds what a guest may call on the host: outbound HTTP,
// the credential vault, key-value storage and logging, one sub-package each.
//
// Every data-returning host function has the same shape on the Go side, Func:
// JSON in, an ok result out, or an *abi.Error. The runtime moves the bytes
// between guest memory and Func; Func never sees guest memory.
package hostfuncs

import (
	"context"
	"encoding/json"
)

// Func serves one host call for one installation. It returns the ok result,
// or an error: an *abi.Error reaches the guest as it is, any other error
// reaches it as HOST_ERROR with the error's text, so a Func must never put a
// secret into an error.
type Func func(ctx context.Context, input []byte) (json.RawMessage, error)
