package http

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/slotbox/slotbox/abi"
)

// classify turns an error of the HTTP stack into the *abi.Error a guest
// sees. Messages are fixed texts naming the URL's host: the error's own
// text is never used, because it can carry the request URL (which an
// Authenticator may have changed) or internal addresses.
func classify(ctx context.Context, err error, host string, timeout time.Duration) *abi.Error {
	var ae *abi.Error
	if errors.As(err, &ae) {
		return ae
	}
	if addrErr, ok := isAddressError(err); ok {
		if addrErr != nil {
			return abi.Errorf(abi.CodePermissionDenied, "%s", addrErr.Error())
		}
		return abi.Errorf(abi.CodePermissionDenied, "host[%s]: address refused by network policy", host)
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) || isTimeout(err) {
		return retryable(abi.Errorf(abi.CodeTimeout, "request to host[%s] timed out (limit %s or the call's deadline)", host, timeout))
	}
	if errors.Is(err, context.Canceled) {
		return abi.Errorf(abi.CodeHostError, "request to host[%s] was cancelled", host)
	}
	if strings.Contains(err.Error(), "response headers exceeded") {
		return abi.Errorf(abi.CodeLimitExceeded, "response headers from host[%s] are too large", host)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return abi.Errorf(abi.CodeNetworkError, "host[%s] not found", host)
		}
		return retryable(abi.Errorf(abi.CodeNetworkError, "cannot resolve host[%s]", host))
	}
	if isTLSError(err) {
		return abi.Errorf(abi.CodeNetworkError, "TLS with host[%s] failed: certificate not trusted or handshake refused", host)
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return retryable(abi.Errorf(abi.CodeNetworkError, "connection to host[%s] refused", host))
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return retryable(abi.Errorf(abi.CodeNetworkError, "connection to host[%s] closed early", host))
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return retryable(abi.Errorf(abi.CodeNetworkError, "host[%s] unreachable", host))
	}
	return retryable(abi.Errorf(abi.CodeNetworkError, "request to host[%s] failed", host))
}

// retryable marks e retryable and returns it.
func retryable(e *abi.Error) *abi.Error {
	e.Retryable = true
	return e
}

// isTimeout reports a net.Error timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isTLSError reports a certificate or handshake failure.
func isTLSError(err error) bool {
	var (
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalid     x509.CertificateInvalidError
		verify      *tls.CertificateVerificationError
		record      tls.RecordHeaderError
		alert       tls.AlertError
	)
	return errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &record) || errors.As(err, &alert)
}
