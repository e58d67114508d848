package appstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime"
)

// Sentinel errors. They are never mutated; match them with errors.Is. A
// missing or foreign row is store.ErrNotFound.
var (
	// ErrAppDisabled means the operator disabled the app: nothing runs it
	// until it is enabled again.
	ErrAppDisabled = errors.New("app is disabled")
	// ErrBadMethod means the method name is malformed.
	ErrBadMethod = errors.New("malformed method name")
	// ErrNotOAuth means an OAuth flow was asked of an app that is not isOAuth.
	ErrNotOAuth = errors.New("app does not use oauth")
	// ErrOAuthNotConfigured means the operator set no OAuth client for the app.
	ErrOAuthNotConfigured = errors.New("oauth client is not configured")
	// ErrOAuthState means an OAuth callback's state is malformed, forged,
	// expired or already used.
	ErrOAuthState = errors.New("oauth state is invalid or expired")
	// ErrOAuthDenied means the provider sent the user back with an error.
	ErrOAuthDenied = errors.New("oauth authorization was denied")
)

// ProblemsError lists what is wrong with a document the caller sent, each
// problem at a JSON pointer into the request body.
type ProblemsError struct {
	Message  string
	Problems abi.Problems
}

// Error implements the error interface.
func (e *ProblemsError) Error() string {
	return e.Message + ": " + e.Problems.Error()
}

// problemsAt returns a ProblemsError whose problems are moved under prefix
// (a JSON pointer such as "/keys").
func problemsAt(msg, prefix string, err error) error {
	var ps abi.Problems
	if !errors.As(err, &ps) {
		ps = abi.Problems{{Message: err.Error()}}
	}
	out := make(abi.Problems, len(ps))
	for i, p := range ps {
		out[i] = abi.Problem{Path: prefix + p.Path, Message: p.Message}
	}
	return &ProblemsError{Message: msg, Problems: out}
}

// UploadError is an app upload refused by validation: the manifest's
// problems, or the module's violations of the runtime's rules.
type UploadError struct {
	// Problems are the manifest's, at paths under "/config.json".
	Problems abi.Problems
	// Violations are the module's, one per broken rule.
	Violations []runtime.Violation
}

// Error implements the error interface.
func (e *UploadError) Error() string {
	var parts []string
	for _, p := range e.Problems {
		parts = append(parts, p.String())
	}
	for _, v := range e.Violations {
		if v.Name != "" {
			parts = append(parts, fmt.Sprintf("%s[%s]: %s", v.Rule, v.Name, v.Message))
		} else {
			parts = append(parts, v.Rule+": "+v.Message)
		}
	}
	return "upload refused: " + strings.Join(parts, "; ")
}

// AllProblems returns the manifest's problems and the module's violations
// as one list; a violation is at "/app.wasm".
func (e *UploadError) AllProblems() abi.Problems {
	out := append(abi.Problems(nil), e.Problems...)
	for _, v := range e.Violations {
		msg := v.Rule + ": " + v.Message
		if v.Name != "" {
			msg = fmt.Sprintf("%s[%s]: %s", v.Rule, v.Name, v.Message)
		}
		out = append(out, abi.Problem{Path: "/app.wasm", Message: msg})
	}
	return out
}

// BundleError is an uploaded bundle refused before its contents were
// looked at: not an archive, over a cap, or an entry that is not a plain
// file at a clean relative path.
type BundleError struct {
	// TooLarge is set when a size cap was hit (413 rather than 400).
	TooLarge bool
	Message  string
}

// Error implements the error interface.
func (e *BundleError) Error() string { return "bundle refused: " + e.Message }

func bundleErr(format string, args ...any) error {
	return &BundleError{Message: fmt.Sprintf(format, args...)}
}

func bundleTooLarge(format string, args ...any) error {
	return &BundleError{TooLarge: true, Message: fmt.Sprintf(format, args...)}
}

// KeysRejectedError is an installation refused by the app's own check of
// its keys (app.checkKeys answered valid: false, or failed).
type KeysRejectedError struct {
	// Code is the error code when checkKeys failed, "" when it answered
	// valid: false.
	Code abi.Code
	// Message is the app's message for the person who entered the keys.
	Message string
}

// Error implements the error interface.
func (e *KeysRejectedError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("app.checkKeys failed with %s: %s", e.Code, e.Message)
	}
	if e.Message == "" {
		return "the app rejected the keys"
	}
	return "the app rejected the keys: " + e.Message
}

// OAuthExchangeError is a callback whose code the provider would not trade
// for a token. Message never holds the code, the client secret or a token.
type OAuthExchangeError struct {
	Message string
}

// Error implements the error interface.
func (e *OAuthExchangeError) Error() string { return "oauth exchange failed: " + e.Message }
