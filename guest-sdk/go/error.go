package slotbox

import (
	"errors"
	"unicode/utf8"

	"github.com/slotbox/slotbox/abi"
)

// CodeInternal is the code of a failure that carries no code of its own: a
// plain Go error or a panic in a method. The host reports it as APP_ERROR
// with CodeInternal kept as the app's code.
const CodeInternal abi.Code = "INTERNAL"

// maxMessageBytes caps the message of an error envelope, so a chatty error
// (say, a whole upstream response) never pushes the envelope over the
// host's output limit and loses the code with it.
const maxMessageBytes = 2048

// Error is a failure with an ABI code. A method returns it (possibly
// wrapped) to answer with that code; the host functions return it when the
// host answers with an error envelope.
type Error struct {
	// Code is an ABI code (abi.CodeNotImplemented, abi.CodeInvalidInput)
	// or the app's own code, which the host keeps beside APP_ERROR.
	Code abi.Code `json:"code"`
	// Message is a human-readable description; it must hold no secret.
	Message string `json:"message"`
	// Retryable tells the caller that the same call may succeed later.
	Retryable bool `json:"retryable"`
}

// Error implements the error interface.
func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, &slotbox.Error{Code: abi.CodeRateLimited}) matches any
// rate-limit failure.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Errorf is a shorthand for &Error{Code: code, Message: message}.
func Errorf(code abi.Code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// toError maps what a method returned to the error half of an envelope.
func toError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		out := Error{Code: e.Code, Message: e.Message, Retryable: e.Retryable}
		if out.Code == "" {
			out.Code = CodeInternal
		}
		if err != error(e) {
			// Wrapped: the outer text carries the context the app added.
			out.Message = err.Error()
		}
		out.Message = truncate(out.Message, maxMessageBytes)
		return &out
	}
	return &Error{Code: CodeInternal, Message: truncate(err.Error(), maxMessageBytes)}
}

// truncate shortens s to at most n bytes without splitting a UTF-8 rune.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	cut := n - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}
