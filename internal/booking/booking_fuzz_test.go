package booking

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

// FuzzCalcomEvent feeds Cal.com payloads to the mapping: it never panics,
// and what it accepts decodes as a CalendarEvent.
func FuzzCalcomEvent(f *testing.F) {
	f.Add(`{"title":"t","destinationCalendar":{"integration":"x","externalId":"y"},"attendees":[{"utcOffset":60}]}`)
	f.Add(`{"length":"thirty","team":[],"recurringEvent":null,"organizer":7}`)
	f.Add(`{"destinationCalendar":{"a":{"b":1}},"customInputs":"x","responses":{"a":{"label":3}}}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, payload string) {
		out, err := calcomEvent(json.RawMessage(payload))
		if err != nil {
			return
		}
		var ev abi.CalendarEvent
		if err := json.Unmarshal(out, &ev); err != nil {
			t.Fatalf("accepted %s as %s, which does not decode: %v", payload, out, err)
		}
	})
}

// FuzzFillScript fills tag scripts from hostile settings: a filled value
// never carries a quote, angle bracket, backslash or line break.
func FuzzFillScript(f *testing.F) {
	f.Add("window.x = '{ID}';", "{SRC}", "ok-123")
	f.Add("{A}{B}", "https://plausible.io/{A}.js", "</script><script>")
	f.Fuzz(func(t *testing.T, content, src, value string) {
		sc := abi.TagScript{Content: content, Src: src, Attrs: map[string]string{"data-x": "{ID}"}}
		data := map[string]any{"ID": value, "A": value, "B": value, "SRC": value}
		got, err := fillScript(sc, data)
		if err != nil {
			return
		}
		for _, s := range []string{got.Attrs["data-x"]} {
			if strings.ContainsAny(s, "\"'<>\\\n\r") {
				t.Fatalf("value %q filled as %q", value, s)
			}
		}
	})
}
