// Command gocal is an Extism calendar plugin built with the Extism Go PDK
// (github.com/extism/go-pdk v1.1.3) on standard Go, a fixture of Slotbox's
// Extism path (runtime/extism_test.go). Each Slotbox method is an export
// named after it with the dot replaced by an underscore; the input is the
// method's JSON and the output its result.
//
//	calendar.createEvent      benchevent.Compute, the same work as the
//	                          slotbox/1 bench guest (testdata/wasm/go-bench.wasm)
//	calendar.updateEvent      kv_set event:<uid> = title, then as createEvent
//	calendar.deleteEvent      kv_delete event:<uid>
//	calendar.listCalendars    kv_get event:cal-1, a log line, one calendar
//	calendar.getAvailability  a kernel log line (pdk.Log), no busy times
//	test.noop, test.kvGet     the host-function benchmark pair
//	test.fail, test.failText  errors set with pdk.SetErrorString
//	test.clock                the guest's clock and randomness
//	test.vars                 a counter kept in Extism vars
//
// Build (testdata/extism/build.sh):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o ../gocal.wasm .
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	pdk "github.com/extism/go-pdk"
	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/guest-sdk/go/examples/bench/benchevent"
)

//go:wasmimport extism:host/user kv_get
func hostKVGet(in uint64) uint64

//go:wasmimport extism:host/user kv_set
func hostKVSet(in uint64) uint64

//go:wasmimport extism:host/user kv_delete
func hostKVDelete(in uint64) uint64

//go:wasmimport extism:host/user log
func hostLog(level, msg uint64)

// hostCall sends req as JSON to a Slotbox host function and decodes the ok
// result of its envelope into res (when not nil).
func hostCall(fn func(uint64) uint64, req, res any) error {
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	in := pdk.AllocateBytes(b)
	defer in.Free()
	off := fn(in.Offset())
	if off == 0 {
		return errors.New("host call refused its input")
	}
	out := pdk.FindMemory(off)
	defer out.Free()
	var env struct {
		OK    json.RawMessage `json:"ok"`
		Error *abi.Error      `json:"error"`
	}
	if err := json.Unmarshal(out.ReadBytes(), &env); err != nil {
		return err
	}
	if env.Error != nil {
		return env.Error
	}
	if res != nil {
		return json.Unmarshal(env.OK, res)
	}
	return nil
}

// logLine logs through Slotbox's log host function (level 1 = info).
func logLine(s string) {
	m := pdk.AllocateString(s)
	defer m.Free()
	hostLog(1, m.Offset())
}

// serve decodes the input into In, runs f and outputs its result as JSON;
// an error is set as a slotbox/1 error object.
func serve[In, Out any](f func(*In) (Out, error)) int32 {
	var in In
	if err := json.Unmarshal(pdk.Input(), &in); err != nil {
		return fail(abi.Errorf(abi.CodeInvalidInput, "%v", err))
	}
	out, err := f(&in)
	if err != nil {
		return fail(err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fail(err)
	}
	pdk.Output(b)
	return 0
}

func fail(err error) int32 {
	var ae *abi.Error
	if !errors.As(err, &ae) {
		ae = &abi.Error{Code: "INTERNAL", Message: err.Error()}
	}
	b, _ := json.Marshal(ae)
	pdk.SetErrorString(string(b))
	return 1
}

//go:wasmexport calendar_createEvent
func calendarCreateEvent() int32 {
	return serve(func(in *abi.CalendarCreateEventInput) (*abi.NewCalendarEventType, error) {
		return benchevent.Compute(in), nil
	})
}

//go:wasmexport calendar_updateEvent
func calendarUpdateEvent() int32 {
	return serve(func(in *abi.CalendarUpdateEventInput) (*abi.NewCalendarEventType, error) {
		if err := hostCall(hostKVSet, map[string]string{"key": "event:" + in.UID, "value": in.Event.Title}, nil); err != nil {
			return nil, err
		}
		out := benchevent.Compute(&abi.CalendarCreateEventInput{Event: in.Event})
		out.UID = in.UID
		return out, nil
	})
}

//go:wasmexport calendar_deleteEvent
func calendarDeleteEvent() int32 {
	return serve(func(in *abi.CalendarDeleteEventInput) (struct{}, error) {
		return struct{}{}, hostCall(hostKVDelete, map[string]string{"key": "event:" + in.UID}, nil)
	})
}

//go:wasmexport calendar_listCalendars
func calendarListCalendars() int32 {
	return serve(func(*abi.CalendarListCalendarsInput) ([]abi.IntegrationCalendar, error) {
		var got struct {
			Value *string `json:"value"`
		}
		if err := hostCall(hostKVGet, map[string]string{"key": "event:cal-1"}, &got); err != nil {
			return nil, err
		}
		name := "Go calendar"
		if got.Value != nil {
			name = *got.Value
		}
		logLine("listCalendars: " + name)
		return []abi.IntegrationCalendar{{ExternalID: "cal-1", Integration: "extism-gocal_calendar", Name: name, Primary: true}}, nil
	})
}

//go:wasmexport calendar_getAvailability
func calendarGetAvailability() int32 {
	return serve(func(in *abi.CalendarGetAvailabilityInput) ([]abi.EventBusyDate, error) {
		pdk.Log(pdk.LogWarn, "getAvailability from "+in.DateFrom)
		return []abi.EventBusyDate{}, nil
	})
}

//go:wasmexport test_noop
func testNoop() int32 {
	pdk.OutputString("{}")
	return 0
}

//go:wasmexport test_kvGet
func testKVGet() int32 {
	if err := hostCall(hostKVGet, map[string]string{"key": "k"}, nil); err != nil {
		return fail(err)
	}
	pdk.OutputString("{}")
	return 0
}

//go:wasmexport test_fail
func testFail() int32 {
	return fail(&abi.Error{Code: "UPSTREAM_DOWN", Message: "the calendar server is down", Retryable: true})
}

//go:wasmexport test_failText
func testFailText() int32 {
	pdk.SetErrorString("plain failure")
	return 1
}

//go:wasmexport test_clock
func testClock() int32 {
	var r [16]byte
	if _, err := rand.Read(r[:]); err != nil {
		return fail(err)
	}
	b, _ := json.Marshal(map[string]any{"unix": time.Now().Unix(), "rand": hex.EncodeToString(r[:])})
	pdk.Output(b)
	return 0
}

//go:wasmexport test_vars
func testVars() int32 {
	n := pdk.GetVarInt("n") + 1
	pdk.SetVarInt("n", n)
	pdk.OutputString(`{"n":` + strconv.Itoa(n) + `}`)
	return 0
}

func main() {}
