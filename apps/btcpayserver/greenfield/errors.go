package greenfield

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// The app's own error codes; the host reports each as APP_ERROR with the
// code kept as appCode. Host failures (NETWORK_ERROR, PERMISSION_DENIED,
// TIMEOUT, ...) pass through unchanged.
const (
	// CodeUnauthorized: BTCPay Server refused the API key (401), or the key
	// lacks a permission the call needs (403).
	CodeUnauthorized abi.Code = "UNAUTHORIZED"
	// CodeNotFound: the store or the invoice does not exist (404).
	CodeNotFound abi.Code = "NOT_FOUND"
	// CodeValidationFailed: BTCPay Server refused the request's fields (422).
	CodeValidationFailed abi.Code = "VALIDATION_FAILED"
	// CodeNotRefundable: the invoice cannot be refunded (not paid, already
	// refunded).
	CodeNotRefundable abi.Code = "NOT_REFUNDABLE"
	// CodeUpstreamRateLimited: 429; retryable.
	CodeUpstreamRateLimited abi.Code = "UPSTREAM_RATE_LIMITED"
	// CodeUpstreamUnavailable: 5xx; retryable.
	CodeUpstreamUnavailable abi.Code = "UPSTREAM_UNAVAILABLE"
	// CodeUpstreamError: another refusal.
	CodeUpstreamError abi.Code = "UPSTREAM_ERROR"
	// CodeBadResponse: an answer that is not the Greenfield API's.
	CodeBadResponse abi.Code = "BAD_RESPONSE"
	// CodeInvalidSignature: a webhook whose BTCPay-Sig does not match.
	CodeInvalidSignature abi.Code = "INVALID_SIGNATURE"
	// CodeHostRefused: the host refused the shape of a request the app made
	// (its INVALID_INPUT), which is not the caller's input.
	CodeHostRefused abi.Code = "HOST_REFUSED"
)

// apiError is a Greenfield error body: {"code","message"} or, for a
// validation failure, [{"path","message"}].
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Path    string `json:"path"`
}

// describe renders a Greenfield error body for a message.
func describe(body []byte) (code, msg string) {
	var one apiError
	if json.Unmarshal(body, &one) == nil && (one.Code != "" || one.Message != "") {
		return one.Code, clip(one.Message, 300)
	}
	var many []apiError
	if json.Unmarshal(body, &many) == nil && len(many) > 0 {
		parts := make([]string, 0, len(many))
		for _, e := range many {
			parts = append(parts, strings.TrimSpace(e.Path+": "+e.Message))
		}
		return "", clip(strings.Join(parts, "; "), 300)
	}
	return "", clip(strings.Join(strings.Fields(string(body)), " "), 200)
}

// statusError maps a non-2xx answer of op ("POST /invoices") to an app
// error.
func statusError(op string, res *response) error {
	code, detail := describe(res.body)
	msg := fmt.Sprintf("%s: BTCPay Server answered %d", op, res.status)
	if code != "" {
		msg += " " + code
	}
	if detail != "" {
		msg += ": " + detail
	}
	switch s := res.status; {
	case s == 401 || s == 403:
		return &slotbox.Error{Code: CodeUnauthorized, Message: msg + "; check the API key and its permissions"}
	case s == 404:
		return &slotbox.Error{Code: CodeNotFound, Message: msg}
	case s == 422:
		return &slotbox.Error{Code: CodeValidationFailed, Message: msg}
	case s == 429:
		if ra := res.header("Retry-After"); ra != "" {
			msg += "; retry after " + retryAfter(ra)
		}
		return &slotbox.Error{Code: CodeUpstreamRateLimited, Message: msg, Retryable: true}
	case s >= 500:
		return &slotbox.Error{Code: CodeUpstreamUnavailable, Message: msg, Retryable: true}
	case code == "non-refundable":
		return &slotbox.Error{Code: CodeNotRefundable, Message: msg}
	}
	return &slotbox.Error{Code: CodeUpstreamError, Message: msg}
}

// badResponse reports an answer the app cannot use.
func badResponse(op, format string, args ...any) error {
	return &slotbox.Error{Code: CodeBadResponse, Message: op + ": " + fmt.Sprintf(format, args...)}
}

// invalidInput reports input the app cannot act on.
func invalidInput(format string, args ...any) error {
	return &slotbox.Error{Code: abi.CodeInvalidInput, Message: fmt.Sprintf(format, args...)}
}

// hostRefusal keeps a host failure as it is, except the host's
// INVALID_INPUT, which becomes HOST_REFUSED.
func hostRefusal(err error) error {
	var se *slotbox.Error
	if errors.As(err, &se) && se.Code == abi.CodeInvalidInput {
		return &slotbox.Error{Code: CodeHostRefused, Message: err.Error()}
	}
	return err
}

// retryAfter renders a Retry-After value: seconds, or an HTTP date as is.
func retryAfter(v string) string {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return strconv.Itoa(n) + "s"
	}
	return clip(v, 64)
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
