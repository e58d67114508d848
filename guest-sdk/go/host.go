package slotbox

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/guest-sdk/go/internal/hostapi"
)

// rawFunc calls one data-returning import directly: the wasm import on
// wasip1, a refusal elsewhere. Each wrapper names its own rawFunc so that a
// module links (and so imports) only the host functions it really calls:
// every import is a capability its manifest must grant.
type rawFunc func(in []byte) ([]byte, error)

// fakeHost returns the host a test put in ctx, if any.
func fakeHost(ctx context.Context) (hostapi.Host, bool) {
	if ctx == nil {
		return nil, false
	}
	return hostapi.FromContext(ctx)
}

// logLine writes msg at level to the host carried by ctx, or to the log
// import.
func logLine(ctx context.Context, level abi.LogLevel, msg []byte) {
	if h, ok := fakeHost(ctx); ok {
		h.Log(int32(level), msg)
		return
	}
	rawLog(int32(level), msg)
}

// hostEnvelope is an envelope a host function answered.
type hostEnvelope struct {
	OK    json.RawMessage `json:"ok"`
	Error *Error          `json:"error"`
}

// callHost runs host function fn (through raw, unless ctx carries a fake
// host) with req encoded as JSON and decodes its ok result into res (when
// res is not nil). An error envelope comes back as an *Error wrapped with
// the function's name.
func callHost(ctx context.Context, fn string, raw rawFunc, req, res any) error {
	in, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("%s: encode input: %w", fn, err)
	}
	var out []byte
	if h, ok := fakeHost(ctx); ok {
		out, err = h.Call(fn, in)
	} else {
		out, err = raw(in)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	var env hostEnvelope
	if err := json.Unmarshal(out, &env); err != nil {
		return fmt.Errorf("%s: decode envelope: %w", fn, err)
	}
	if env.Error != nil {
		if env.Error.Code == "" {
			env.Error.Code = abi.CodeHostError
		}
		return fmt.Errorf("%s: %w", fn, env.Error)
	}
	if env.OK == nil {
		return fmt.Errorf("%s: envelope has neither ok nor error", fn)
	}
	if res != nil {
		if err := json.Unmarshal(env.OK, res); err != nil {
			return fmt.Errorf("%s: decode result: %w", fn, err)
		}
	}
	return nil
}
