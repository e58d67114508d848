// Command bench is the benchmark guest: a calendar app whose only method,
// calendar.createEvent, decodes a ~1 KB event and answers a small
// NewCalendarEventType. The work is benchevent.Compute, which a native
// benchmark runs through benchevent.Process, so the two measure the same
// code with and without the wasm boundary and the SDK.
//
// It imports no host function, so its manifest grants nothing.
//
// Build (see ../../build.sh):
//
//	GOOS=wasip1 GOARCH=wasm go build -trimpath -buildmode=c-shared -o testdata/wasm/go-bench.wasm ./guest-sdk/go/examples/bench
package main

import (
	"context"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
	"github.com/slotbox/slotbox/guest-sdk/go/examples/bench/benchevent"
)

// app implements calendar.createEvent only; every other method answers
// NOT_IMPLEMENTED.
type app struct{}

// CreateEvent answers benchevent.Compute of the input.
func (app) CreateEvent(_ context.Context, in *abi.CalendarCreateEventInput) (*abi.NewCalendarEventType, error) {
	return benchevent.Compute(in), nil
}

// init registers the app: a c-shared (reactor) module runs package
// initialisation in _initialize and never runs main.
func init() { slotbox.Register(app{}) }

func main() {}
