package slotboxhttp_test

import (
	"context"

	"github.com/slotbox/slotbox/guest-sdk/go/internal/hostapi"
	"github.com/slotbox/slotbox/guest-sdk/go/slotboxtest"
)

// recorder wraps a fake host and shows each host call's input to saw.
type recorder struct {
	*slotboxtest.Host
	saw func(in string)
}

func (r *recorder) Call(fn string, in []byte) ([]byte, error) {
	r.saw(string(in))
	return r.Host.Call(fn, in)
}

// Context routes the SDK's host functions to r.
func (r *recorder) Context(parent context.Context) context.Context {
	return hostapi.WithHost(parent, r)
}
