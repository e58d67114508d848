package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/slotbox/slotbox/abi"
	"github.com/tetratelabs/wazero/sys"
)

type errAllocFailed struct{ size, memSize int }

func (e errAllocFailed) Error() string {
	return fmt.Sprintf("slotbox_alloc(%d) returned 0 (guest memory is %d bytes)", e.size, e.memSize)
}

type errAllocBounds struct {
	ptr           uint32
	size, memSize int
}

func (e errAllocBounds) Error() string {
	return fmt.Sprintf("slotbox_alloc(%d) returned %d, outside guest memory (%d bytes)", e.size, e.ptr, e.memSize)
}

// classify maps whatever stopped a guest to the error a caller sees. It is
// the one place that knows how wazero and the metering report failures.
func classify(err error, st *callState, in *instance, phase string) *abi.Error {
	var (
		allocFailed errAllocFailed
		allocBounds errAllocBounds
		exit        *sys.ExitError
	)
	switch {
	case errors.Is(err, errFuel):
		return abi.Errorf(abi.CodeFuelExhausted, "%s used its whole fuel budget of %d units", phase, st.granted)
	case errors.Is(err, errDeadline), errors.Is(err, context.DeadlineExceeded):
		return &abi.Error{Code: abi.CodeTimeout, Message: fmt.Sprintf("%s ran past its deadline", phase), Retryable: true}
	case errors.Is(err, errCanceled), errors.Is(err, context.Canceled):
		return &abi.Error{Code: abi.CodeTimeout, Message: fmt.Sprintf("%s was canceled by the caller", phase), Retryable: true}
	case errors.Is(err, errCallDepth):
		return abi.Errorf(abi.CodeTrap, "%s: call depth exceeded the limit (unbounded recursion?)", phase)
	case errors.As(err, &allocFailed):
		if in != nil && memoryExhausted(in) {
			return abi.Errorf(abi.CodeMemoryLimit, "%s: %v", phase, allocFailed)
		}
		return abi.Errorf(abi.CodeBadOutput, "%s: %v", phase, allocFailed)
	case errors.As(err, &allocBounds):
		return abi.Errorf(abi.CodeBadOutput, "%s: %v", phase, allocBounds)
	case errors.As(err, &exit):
		return abi.Errorf(abi.CodeTrap, "%s: guest exited with code %d", phase, exit.ExitCode())
	}
	msg := firstLine(err.Error())
	if strings.Contains(msg, "stack overflow") {
		return abi.Errorf(abi.CodeTrap, "%s: guest stack overflow", phase)
	}
	if (in != nil && memoryExhausted(in)) || (st != nil && st.logs.mentionsOOM()) {
		return abi.Errorf(abi.CodeMemoryLimit, "%s: guest ran out of memory at the limit (%s)", phase, msg)
	}
	return abi.Errorf(abi.CodeTrap, "%s: %s", phase, msg)
}

// memoryExhausted reports whether a trapped guest was at its memory limit,
// which is how a refused memory.grow shows: toolchains abort with
// unreachable once grow fails. Within 4 MiB covers Go's arena growth step.
func memoryExhausted(in *instance) bool {
	if in.mod == nil {
		return false
	}
	limit := in.pool.app.engine.cfg.memoryPages() * pageSize
	size := uint64(in.mod.Memory().Size())
	return size+4<<20 > limit
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, " (recovered by wazero)")
}

// parseEnvelope checks a guest's output: one UTF-8 JSON object with exactly
// one of "ok" and "error", and a well-formed error.
func parseEnvelope(out []byte) (abi.Envelope, *abi.Error) {
	okVal, errVal, err := scanEnvelope(out)
	if err != nil {
		return abi.Envelope{}, abi.Errorf(abi.CodeBadOutput, "output is not a JSON envelope: %v", err)
	}
	hasErr := errVal != nil && string(errVal) != "null"
	switch {
	case okVal != nil && hasErr:
		return abi.Envelope{}, abi.Errorf(abi.CodeBadOutput, `envelope has both "ok" and "error"`)
	case okVal != nil:
		return abi.Envelope{OK: append(json.RawMessage(nil), okVal...)}, nil
	case !hasErr:
		return abi.Envelope{}, abi.Errorf(abi.CodeBadOutput, `envelope has neither "ok" nor "error"`)
	}
	var ge abi.Error
	if err := json.Unmarshal(errVal, &ge); err != nil {
		return abi.Envelope{}, abi.Errorf(abi.CodeBadOutput, "error envelope is malformed: %v", err)
	}
	if ge.Code == "" {
		return abi.Envelope{}, abi.Errorf(abi.CodeBadOutput, "error envelope has no code")
	}
	return abi.Envelope{Error: abi.FromGuest(&ge)}, nil
}
