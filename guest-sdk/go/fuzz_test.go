package slotbox

import (
	"encoding/json"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

// FuzzMuxCall checks that any method name and input yields exactly one
// valid envelope and never a panic.
func FuzzMuxCall(f *testing.F) {
	for _, m := range abi.Methods() {
		f.Add(m.Name, []byte(`{}`))
	}
	f.Add(abi.MethodCalendarCreateEvent, []byte(`{"event":{"title":"panic"}}`))
	f.Add(abi.MethodCalendarGetAvailability, []byte(`{"dateFrom":1}`))
	f.Add("", []byte{0xff, 0xfe})
	mux := NewMux()
	allApp{}.register(mux)
	mux2 := NewMux()
	mux2.Register(testCalendar{})
	ctx := (&recordingHost{}).ctx()
	f.Fuzz(func(t *testing.T, method string, in []byte) {
		for _, m := range []*Mux{mux, mux2} {
			out := m.Call(ctx, method, in)
			var env struct {
				OK    json.RawMessage `json:"ok"`
				Error *Error          `json:"error"`
			}
			if err := json.Unmarshal(out, &env); err != nil {
				t.Fatalf("envelope is not JSON: %v: %q", err, out)
			}
			if (env.OK == nil) == (env.Error == nil) {
				t.Fatalf("envelope must have exactly one of ok and error: %s", out)
			}
			if env.Error != nil && (env.Error.Code == "" || len(env.Error.Message) > maxMessageBytes) {
				t.Fatalf("bad error: %s", out)
			}
		}
	})
}
