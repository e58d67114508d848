package apptest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
	"github.com/slotbox/slotbox/runtime"
)

// Caller calls the methods of one installation of a compiled app.
type Caller struct {
	// TB fails the test on a harness error or an unexpected outcome.
	TB testing.TB
	// App is the compiled module.
	App *runtime.App
	// Installation is the installation id every call runs as.
	Installation string
	// Funcs are the host functions every call gets.
	Funcs map[string]hostfuncs.Func
}

// NewCaller returns a Caller and evicts the installation's instances when tb ends.
func NewCaller(tb testing.TB, app *runtime.App, installation string, funcs map[string]hostfuncs.Func) *Caller {
	tb.Cleanup(func() { app.Evict(context.Background(), installation) })
	return &Caller{TB: tb, App: app, Installation: installation, Funcs: funcs}
}

// Call runs method with input, sent as is when it is []byte and marshalled otherwise.
func (c *Caller) Call(method string, input any) *runtime.Result {
	c.TB.Helper()
	in, ok := input.([]byte)
	if !ok {
		var err error
		if in, err = json.Marshal(input); err != nil {
			c.TB.Fatal(err)
		}
	}
	return c.App.Call(context.Background(), runtime.CallRequest{
		Installation: c.Installation,
		Method:       method,
		Input:        in,
		Funcs:        c.Funcs,
	})
}

// OK runs a method that must succeed with a result valid against its ABI schema and decodes the result into out.
func (c *Caller) OK(method string, input, out any) {
	c.TB.Helper()
	res := c.Call(method, input)
	if res.Envelope.Error != nil {
		c.TB.Fatalf("%s failed: %v (logs %v)", method, res.Envelope.Error, res.Logs)
	}
	if err := abi.ValidateResult(method, res.Envelope.OK); err != nil {
		c.TB.Fatalf("%s result fails its schema: %v\n%s", method, err, res.Envelope.OK)
	}
	if out != nil {
		if err := json.Unmarshal(res.Envelope.OK, out); err != nil {
			c.TB.Fatalf("%s result %s: %v", method, res.Envelope.OK, err)
		}
	}
}

// Fail runs a method that must fail and returns its error.
func (c *Caller) Fail(method string, input any) *abi.Error {
	c.TB.Helper()
	res := c.Call(method, input)
	if res.Envelope.Error == nil {
		c.TB.Fatalf("%s succeeded with %s; want an error", method, res.Envelope.OK)
	}
	return res.Envelope.Error
}
