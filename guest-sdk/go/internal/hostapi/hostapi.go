// Package hostapi is the seam between the SDK and the slotbox host module:
// the wasm imports on GOOS=wasip1, a fake host in native tests.
package hostapi

import "context"

// Host is the slotbox host module as the SDK sees it.
type Host interface {
	// Call runs the data-returning host function fn (http_request,
	// vault_get, kv_get, kv_set, kv_delete) with JSON input in and returns
	// the JSON envelope it answered. An error means the call itself failed
	// (the host rejected it as malformed), not that the envelope is an error.
	Call(fn string, in []byte) ([]byte, error)
	// Log writes one log line at level (0 debug, 1 info, 2 warn, 3 error).
	Log(level int32, msg []byte)
}

type ctxKey struct{}

// WithHost returns a copy of ctx that carries h.
func WithHost(ctx context.Context, h Host) context.Context {
	return context.WithValue(ctx, ctxKey{}, h)
}

// FromContext returns the host ctx carries, if any.
func FromContext(ctx context.Context) (Host, bool) {
	h, ok := ctx.Value(ctxKey{}).(Host)
	return h, ok
}
