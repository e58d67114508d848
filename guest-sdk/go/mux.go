package slotbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strconv"

	"github.com/slotbox/slotbox/abi"
)

// maxKeptOutput is the largest output buffer a Mux keeps for the next call.
const maxKeptOutput = 64 << 10

// handler serves one method: it decodes in and runs the app's code.
type handler func(ctx context.Context, in []byte) (any, error)

// Mux routes slotbox/1 method calls to an app's implementation and encodes
// the envelopes. Register fills the Mux that the module's slotbox_call
// export serves; NewMux makes one for driving an app natively in tests.
// A Mux serves one call at a time, like a module instance.
type Mux struct {
	handlers map[string]handler
	out      bytes.Buffer
	enc      *json.Encoder
	busy     bool
}

// NewMux returns a Mux with no methods: every call answers NOT_IMPLEMENTED.
func NewMux() *Mux {
	m := &Mux{handlers: make(map[string]handler)}
	m.enc = json.NewEncoder(&m.out)
	m.enc.SetEscapeHTML(false)
	return m
}

// handle adds one method. Registering a method twice is a programming error
// and panics, like http.ServeMux.
func (m *Mux) handle(method string, h handler) {
	if _, dup := m.handlers[method]; dup {
		panic("slotbox: method " + method + " registered twice")
	}
	m.handlers[method] = h
}

// Methods returns the methods m serves, in no particular order.
func (m *Mux) Methods() []string {
	out := make([]string, 0, len(m.handlers))
	for name := range m.handlers {
		out = append(out, name)
	}
	return out
}

// Call runs method with JSON input in and returns the envelope, as the
// slotbox_call export would. Host functions reached from the method use the
// fake host in ctx if there is one (package slotboxtest).
func (m *Mux) Call(ctx context.Context, method string, in []byte) []byte {
	return bytes.Clone(m.serve(ctx, []byte(method), in))
}

// serve runs one call and returns the envelope in m's output buffer, which
// stays valid until the next call.
func (m *Mux) serve(ctx context.Context, method, in []byte) []byte {
	if m.busy {
		// A re-entrant call (from inside a host function) must not clobber
		// the output buffer of the call in progress.
		return errorEnvelope(&Error{Code: CodeInternal, Message: "slotbox_call re-entered"})
	}
	m.busy = true
	defer func() { m.busy = false }()
	if m.out.Cap() > maxKeptOutput {
		m.out = bytes.Buffer{}
	}
	m.out.Reset()

	h, ok := m.handlers[string(method)]
	if !ok {
		m.writeError(&Error{
			Code:    abi.CodeNotImplemented,
			Message: truncate("method "+strconv.Quote(string(method))+" is not implemented by this app", maxMessageBytes),
		})
		return m.out.Bytes()
	}
	res, err := run(ctx, method, h, in)
	if err != nil {
		m.writeError(toError(err))
		return m.out.Bytes()
	}
	m.out.WriteString(`{"ok":`)
	if err := m.enc.Encode(res); err != nil {
		m.out.Reset()
		m.writeError(&Error{Code: CodeInternal, Message: truncate("encode result: "+err.Error(), maxMessageBytes)})
		return m.out.Bytes()
	}
	trimNewline(&m.out)
	m.out.WriteByte('}')
	return m.out.Bytes()
}

// run calls h and turns a panic into an error, after logging its stack.
func run(ctx context.Context, method []byte, h handler, in []byte) (res any, err error) {
	defer func() {
		if v := recover(); v != nil {
			msg := fmt.Sprintf("panic in %s: %v", method, v)
			logLine(ctx, abi.LogError, append([]byte(msg+"\n"), debug.Stack()...))
			res, err = nil, &Error{Code: CodeInternal, Message: msg}
		}
	}()
	return h(ctx, in)
}

// writeError writes an error envelope to the output buffer.
func (m *Mux) writeError(e *Error) {
	m.out.WriteString(`{"error":`)
	if err := m.enc.Encode(e); err != nil { // cannot fail: strings and a bool
		panic(err)
	}
	trimNewline(&m.out)
	m.out.WriteByte('}')
}

// errorEnvelope returns a freshly allocated error envelope.
func errorEnvelope(e *Error) []byte {
	b, _ := json.Marshal(map[string]*Error{"error": e})
	return b
}

// trimNewline drops the newline json.Encoder appends.
func trimNewline(b *bytes.Buffer) {
	if n := b.Len(); n > 0 && b.Bytes()[n-1] == '\n' {
		b.Truncate(n - 1)
	}
}

// decodeInput decodes a method's JSON input; empty input reads as {}.
// Unknown fields are ignored, so the host may add fields within slotbox/1.
func decodeInput(in []byte, v any) error {
	if len(bytes.TrimSpace(in)) == 0 {
		return nil
	}
	if err := json.Unmarshal(in, v); err != nil {
		return &Error{Code: abi.CodeInvalidInput, Message: truncate("decode input: "+err.Error(), maxMessageBytes)}
	}
	return nil
}

// one adapts a method with a struct result.
func one[Req, Res any](f func(context.Context, *Req) (*Res, error)) handler {
	return func(ctx context.Context, in []byte) (any, error) {
		req := new(Req)
		if err := decodeInput(in, req); err != nil {
			return nil, err
		}
		res, err := f(ctx, req)
		if err == nil && res == nil {
			err = &Error{Code: CodeInternal, Message: "method returned neither a result nor an error"}
		}
		return res, err
	}
}

// list adapts a method with a list result; a nil list answers [].
func list[Req, E any](f func(context.Context, *Req) ([]E, error)) handler {
	return func(ctx context.Context, in []byte) (any, error) {
		req := new(Req)
		if err := decodeInput(in, req); err != nil {
			return nil, err
		}
		res, err := f(ctx, req)
		if err == nil && res == nil {
			res = []E{}
		}
		return res, err
	}
}

// none adapts a method whose result is {}.
func none[Req any](f func(context.Context, *Req) error) handler {
	return func(ctx context.Context, in []byte) (any, error) {
		req := new(Req)
		if err := decodeInput(in, req); err != nil {
			return nil, err
		}
		if err := f(ctx, req); err != nil {
			return nil, err
		}
		return abi.Empty{}, nil
	}
}
