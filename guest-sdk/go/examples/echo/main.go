// Command echo is a calendar app that needs no calendar: it shows every part
// of the Go SDK in one small module and is the fixture the SDK's own wazero
// test runs (testdata/wasm/go-echo.wasm, manifest go-echo.config.json).
//
//   - calendar.createEvent answers a NewCalendarEventType computed from the
//     input: uid is the event's iCalUID, or a hash of title and times when it
//     has none; id, type and url derive from uid.
//   - calendar.listCalendars answers one fixed calendar.
//   - calendar.getAvailability answers the busy times stored as a JSON list
//     of {start, end} under the key-value key "busy" that overlap the window.
//   - app.checkKeys reads the "api_key" field through vault_get and reports
//     whether it is set.
//   - calendar.updateEvent and calendar.deleteEvent are left out: they answer
//     NOT_IMPLEMENTED, like every method of another category.
//   - An event titled "panic" makes createEvent index past the attendees on
//     purpose: the SDK recovers the Go runtime panic, logs its stack and
//     answers INTERNAL, and the instance stays usable.
//
// Every method logs through the SDK's slog handler. The manifest grants kv
// and the reveal of "api_key"; the module imports kv_get, vault_get, log and
// take_result and nothing else.
//
// Build (see ../../build.sh):
//
//	GOOS=wasip1 GOARCH=wasm go build -trimpath -buildmode=c-shared -o testdata/wasm/go-echo.wasm ./guest-sdk/go/examples/echo
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"time"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// busyKey is the key-value key holding the busy times, a JSON list of
// abi.EventBusyDate.
const busyKey = "busy"

// app is the echo calendar. Its logger writes through the log import.
type app struct {
	log *slog.Logger
}

// CreateEvent answers the event the input describes, without storing it.
func (a app) CreateEvent(ctx context.Context, in *abi.CalendarCreateEventInput) (*abi.NewCalendarEventType, error) {
	ev := &in.Event
	if ev.Title == "" || ev.StartTime == "" || ev.EndTime == "" {
		return nil, slotbox.Errorf(abi.CodeInvalidInput, "event needs title, startTime and endTime")
	}
	if ev.Title == "panic" {
		_ = ev.Attendees[len(ev.Attendees)] // index out of range, on purpose
	}
	uid := ev.ICalUID
	if uid == "" {
		h := fnv.New64a()
		fmt.Fprintf(h, "%s|%s|%s", ev.Title, ev.StartTime, ev.EndTime)
		uid = strconv.FormatUint(h.Sum64(), 16) + "@echo.slotbox.invalid"
	}
	out := &abi.NewCalendarEventType{
		UID:     uid,
		ID:      "echo-" + uid,
		Type:    "go-echo_calendar",
		URL:     "https://echo.slotbox.invalid/events/" + uid,
		ICalUID: uid,
	}
	a.log.InfoContext(ctx, "created event", "uid", uid, "attendees", len(ev.Attendees))
	return out, nil
}

// ListCalendars answers the one calendar echo has.
func (a app) ListCalendars(ctx context.Context, _ *abi.CalendarListCalendarsInput) ([]abi.IntegrationCalendar, error) {
	a.log.DebugContext(ctx, "listing calendars")
	return []abi.IntegrationCalendar{{
		ExternalID:  "echo-primary",
		Integration: "go-echo_calendar",
		Name:        "Echo",
		Primary:     true,
		Email:       "echo@slotbox.invalid",
	}}, nil
}

// GetAvailability answers the stored busy times that overlap the window.
func (a app) GetAvailability(ctx context.Context, in *abi.CalendarGetAvailabilityInput) ([]abi.EventBusyDate, error) {
	from, err := time.Parse(time.RFC3339, in.DateFrom)
	if err != nil {
		return nil, slotbox.Errorf(abi.CodeInvalidInput, "dateFrom: "+err.Error())
	}
	to, err := time.Parse(time.RFC3339, in.DateTo)
	if err != nil {
		return nil, slotbox.Errorf(abi.CodeInvalidInput, "dateTo: "+err.Error())
	}
	raw, found, err := slotbox.KVGet(ctx, busyKey)
	if err != nil {
		return nil, fmt.Errorf("load busy times: %w", err)
	}
	if !found {
		return nil, nil // the SDK answers []
	}
	var all []abi.EventBusyDate
	if err := json.Unmarshal([]byte(raw), &all); err != nil {
		return nil, &slotbox.Error{Code: "CORRUPT_STATE", Message: "stored busy times: " + err.Error()}
	}
	var out []abi.EventBusyDate
	for _, b := range all {
		start, err1 := time.Parse(time.RFC3339, b.Start)
		end, err2 := time.Parse(time.RFC3339, b.End)
		if err1 != nil || err2 != nil {
			a.log.WarnContext(ctx, "skipping unreadable busy time", "start", b.Start, "end", b.End)
			continue
		}
		if start.Before(to) && end.After(from) {
			out = append(out, b)
		}
	}
	a.log.InfoContext(ctx, "availability", "stored", len(all), "overlapping", len(out))
	return out, nil
}

// CheckKeys reports whether the installation has an api_key.
func (a app) CheckKeys(ctx context.Context, _ *abi.AppCheckKeysInput) (*abi.AppCheckKeysResult, error) {
	keys, err := slotbox.Vault(ctx, "api_key")
	if err != nil {
		return nil, fmt.Errorf("read keys: %w", err)
	}
	if keys["api_key"] == "" {
		a.log.WarnContext(ctx, "api_key is empty")
		return &abi.AppCheckKeysResult{Valid: false, Message: "api_key is required"}, nil
	}
	return &abi.AppCheckKeysResult{Valid: true}, nil
}

// newApp returns the app with a logger that writes through the log import
// at debug level and above.
func newApp() app {
	return app{log: slog.New(slotbox.NewLogHandler(&slog.HandlerOptions{Level: slog.LevelDebug}))}
}

// init registers the app: a c-shared (reactor) module runs package
// initialisation in _initialize and never runs main.
func init() { slotbox.Register(newApp()) }

func main() {}
