package abi

import (
	"encoding/json"
	"fmt"
)

// Code is an error code carried in an error envelope.
type Code string

// Host error codes a caller can see (abi-v1 section 5).
const (
	CodeTimeout          Code = "TIMEOUT"
	CodeFuelExhausted    Code = "FUEL_EXHAUSTED"
	CodeMemoryLimit      Code = "MEMORY_LIMIT"
	CodeTrap             Code = "TRAP"
	CodeBadOutput        Code = "BAD_OUTPUT"
	CodeOutputTooLarge   Code = "OUTPUT_TOO_LARGE"
	CodeNotImplemented   Code = "NOT_IMPLEMENTED"
	CodePermissionDenied Code = "PERMISSION_DENIED"
	CodeInvalidInput     Code = "INVALID_INPUT"
	CodeAppError         Code = "APP_ERROR"
)

// Codes that host functions answer a guest with, besides the host codes
// above. They are additions to abi-v1; a guest treats unknown codes as
// failures and reads Retryable.
const (
	CodeRateLimited   Code = "RATE_LIMITED"   // retryable: a per-installation limit was hit
	CodeNetworkError  Code = "NETWORK_ERROR"  // the request did not get a response
	CodeLimitExceeded Code = "LIMIT_EXCEEDED" // a size or count cap was hit
	CodeHostError     Code = "HOST_ERROR"     // the host failed; not the guest's fault
)

// Codes a guest may return as they are; any other guest code becomes
// CodeAppError with the guest's code kept in AppCode.
var guestCodes = map[Code]bool{
	CodeNotImplemented: true,
	CodeInvalidInput:   true,
}

// Error is the error half of an envelope.
type Error struct {
	Code      Code   `json:"code"`
	Message   string `json:"message"`
	Retryable bool   `json:"retryable"`
	// AppCode is the guest's own code when Code is APP_ERROR.
	AppCode string `json:"appCode,omitempty"`
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.AppCode != "" {
		return fmt.Sprintf("%s[%s]: %s", e.Code, e.AppCode, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FromGuest maps an error a guest returned to the error a caller sees: the
// codes a guest may use pass through, every other code becomes APP_ERROR with
// the guest's code kept in AppCode.
func FromGuest(e *Error) *Error {
	out := *e
	if guestCodes[e.Code] {
		return &out
	}
	out.AppCode = string(e.Code)
	if out.AppCode == "" {
		out.AppCode = "UNKNOWN"
	}
	out.Code = CodeAppError
	return &out
}

// Envelope is what a method call answers: exactly one of OK and Error is set.
type Envelope struct {
	OK    json.RawMessage `json:"ok,omitempty"`
	Error *Error          `json:"error,omitempty"`
}

// OKEnvelope returns the envelope of a successful call with result v.
func OKEnvelope(v any) (Envelope, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Envelope{}, fmt.Errorf("marshal result: %w", err)
	}
	return Envelope{OK: b}, nil
}

// ErrorEnvelope returns the envelope of a failed call.
func ErrorEnvelope(e *Error) Envelope { return Envelope{Error: e} }
