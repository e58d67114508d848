package webhook

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/slotbox/slotbox/internal/store"
)

// FuzzPayload builds payloads from arbitrary stored events: never a panic,
// and every payload is Cal.com's {triggerEvent, createdAt, payload} with
// the booking's uid.
func FuzzPayload(f *testing.F) {
	f.Add(`{"title":"t","metadata":{"videoCallUrl":"x"}}`, "https://m.example/1")
	f.Add(`{"metadata":"not an object","uid":7}`, "")
	f.Add(`null`, "")
	f.Fuzz(func(t *testing.T, event, video string) {
		b := store.Booking{ID: "bkg_1", UID: "u1", Status: store.BookingAccepted, Event: json.RawMessage(event),
			StartTime: time.Unix(0, 0), EndTime: time.Unix(60, 0)}
		raw, err := Payload("BOOKING_CREATED", time.Unix(0, 0), Booking{Booking: b, VideoCallURL: video})
		if err != nil {
			return
		}
		var got struct {
			TriggerEvent string         `json:"triggerEvent"`
			Payload      map[string]any `json:"payload"`
		}
		if err := json.Unmarshal(raw, &got); err != nil || got.TriggerEvent != "BOOKING_CREATED" || got.Payload["uid"] != "u1" {
			t.Fatalf("payload %s from %s: %v", raw, event, err)
		}
	})
}
