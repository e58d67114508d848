package caldavapp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// The app's own error codes; the host reports each as APP_ERROR with the
// code kept as appCode. Failures of the host itself (NETWORK_ERROR,
// PERMISSION_DENIED, TIMEOUT, RATE_LIMITED, ...) pass through unchanged.
const (
	// CodeUnauthorized: the server refused the username or password (401, 403).
	CodeUnauthorized abi.Code = "UNAUTHORIZED"
	// CodeNotFound: the url, calendar or event does not exist (404, 410).
	CodeNotFound abi.Code = "NOT_FOUND"
	// CodeAlreadyExists: createEvent found a different event under the
	// booking's iCalUID (412 on If-None-Match: *). Not retryable.
	CodeAlreadyExists abi.Code = "ALREADY_EXISTS"
	// CodePreconditionFailed: the event changed between reading its ETag
	// and writing it (412 on If-Match). Retryable: a retry reads the new ETag.
	CodePreconditionFailed abi.Code = "PRECONDITION_FAILED"
	// CodeUpstreamRateLimited: the server answered 429; retryable.
	CodeUpstreamRateLimited abi.Code = "UPSTREAM_RATE_LIMITED"
	// CodeUpstreamUnavailable: the server answered 5xx; retryable.
	CodeUpstreamUnavailable abi.Code = "UPSTREAM_UNAVAILABLE"
	// CodeUpstreamError: the server refused the request with another status.
	CodeUpstreamError abi.Code = "UPSTREAM_ERROR"
	// CodeBadResponse: the server answered something that is not CalDAV
	// (not a multistatus, unparsable XML or iCalendar, missing properties).
	CodeBadResponse abi.Code = "BAD_RESPONSE"
	// CodeUnsupportedRecurrence: a recurring event yields more occurrences
	// than the app expands; availability fails rather than under-report.
	CodeUnsupportedRecurrence abi.Code = "UNSUPPORTED_RECURRENCE"
	// CodeNoCalendar: discovery found no calendar to write to.
	CodeNoCalendar abi.Code = "NO_CALENDAR"
)

// CodeHostRefused: the host refused the shape of a request the app made
// (it answered INVALID_INPUT): a fault of the app or the host, never of
// the caller's input, which INVALID_INPUT would claim.
const CodeHostRefused abi.Code = "HOST_REFUSED"

// hostRefusal keeps a host failure as it is, except the host's
// INVALID_INPUT, which becomes HOST_REFUSED.
func hostRefusal(err error) error {
	var se *slotbox.Error
	if errors.As(err, &se) && se.Code == abi.CodeInvalidInput {
		return &slotbox.Error{Code: CodeHostRefused, Message: err.Error()}
	}
	return err
}

// maxErrorBody caps how much of a server's error body goes into a message.
const maxErrorBody = 200

// statusError maps a non-success HTTP status of op (such as "PROPFIND
// /dav/alice/") to an app error.
func statusError(op string, res *response) error {
	msg := fmt.Sprintf("%s: server answered %d%s", op, res.status, snippet(res.body))
	switch s := res.status; {
	case s == 401 || s == 403:
		return &slotbox.Error{Code: CodeUnauthorized, Message: msg + "; check the username and password"}
	case s == 404 || s == 410:
		return &slotbox.Error{Code: CodeNotFound, Message: msg}
	case s == 429:
		if ra := res.header("Retry-After"); ra != "" {
			msg += "; retry after " + retryAfter(ra)
		}
		return &slotbox.Error{Code: CodeUpstreamRateLimited, Message: msg, Retryable: true}
	case s >= 500:
		return &slotbox.Error{Code: CodeUpstreamUnavailable, Message: msg, Retryable: true}
	}
	return &slotbox.Error{Code: CodeUpstreamError, Message: msg}
}

// badResponse reports an answer that is not what CalDAV promises.
func badResponse(op, format string, args ...any) error {
	return &slotbox.Error{Code: CodeBadResponse, Message: op + ": " + fmt.Sprintf(format, args...)}
}

// invalidInput reports input the app cannot act on.
func invalidInput(format string, args ...any) error {
	return &slotbox.Error{Code: abi.CodeInvalidInput, Message: fmt.Sprintf(format, args...)}
}

// retryAfter renders a Retry-After value: seconds, or an HTTP date as is.
func retryAfter(v string) string {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return strconv.Itoa(n) + "s"
	}
	return clip(v, 64)
}

// snippet renders the start of an error body for a message, on one line.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if s == "" {
		return ""
	}
	return ": " + clip(s, maxErrorBody)
}

// clip shortens s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
