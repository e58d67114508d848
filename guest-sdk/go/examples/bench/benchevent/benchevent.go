// Package benchevent is the work of the benchmark guest (../): it decodes a
// ~1 KB calendar.createEvent input and computes a small NewCalendarEventType.
// It builds on every platform, so the same code runs natively and inside the
// module and a benchmark compares the two:
//
//	native: benchevent.Process(benchevent.Sample())
//	wasm:   slotbox_call("calendar.createEvent", benchevent.Sample()) on go-bench.wasm
//
// Both answer the same result; the module wraps it as {"ok": ...}.
package benchevent

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/slotbox/slotbox/abi"
)

//go:embed sample.json
var sample []byte

// Sample returns a copy of the benchmark input: a calendar.createEvent input
// of about 1 KB with three attendees.
func Sample() []byte { return append([]byte(nil), sample...) }

// Process is the whole native path: decode in, Compute, encode the result.
func Process(in []byte) ([]byte, error) {
	var req abi.CalendarCreateEventInput
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, fmt.Errorf("decode input: %w", err)
	}
	return json.Marshal(Compute(&req))
}

// Compute derives the event the guest answers: uid is the FNV-1a hash of
// title|startTime|endTime, id the digits of startTime, type "meeting" for
// more than one attendee else "appointment", url a link built from uid.
func Compute(req *abi.CalendarCreateEventInput) *abi.NewCalendarEventType {
	ev := &req.Event
	h := fnv.New64a()
	h.Write([]byte(ev.Title))
	h.Write([]byte{'|'})
	h.Write([]byte(ev.StartTime))
	h.Write([]byte{'|'})
	h.Write([]byte(ev.EndTime))
	uid := strconv.FormatUint(h.Sum64(), 16)

	var id strings.Builder
	for _, c := range ev.StartTime {
		if c >= '0' && c <= '9' {
			id.WriteRune(c)
		}
	}
	typ := "appointment"
	if len(ev.Attendees) > 1 {
		typ = "meeting"
	}
	return &abi.NewCalendarEventType{
		UID:  uid,
		ID:   id.String(),
		Type: typ,
		URL:  "https://bench.slotbox.invalid/events/" + uid,
	}
}
