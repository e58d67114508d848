package daily_test

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/devhost"
	"github.com/slotbox/slotbox/runtime"
)

// rfc3339 is the form the app accepts: RFC 3339 with upper-case T and Z.
var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-](\d{2}):\d{2})$`)

// referenceExpiry is the room expiry the app must compute for a booking
// ending at end, by Go's time package; ok is false when the app must refuse
// end as invalid input.
func referenceExpiry(end string) (exp int64, ok bool) {
	m := rfc3339.FindStringSubmatch(end)
	if m == nil || len(end) > 40 || (m[3] != "" && m[3] > "23") {
		return 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, end)
	if err != nil {
		return 0, false
	}
	return t.Unix() + int64(expiryBuffer/time.Second), true
}

// FuzzEndTime checks the guest's RFC 3339 parser against Go's: every end
// time either becomes the same room expiry or is refused as INVALID_INPUT.
func FuzzEndTime(f *testing.F) {
	for _, s := range []string{
		"2026-12-01T10:30:00Z", "2026-12-01T10:30:00.000Z", "2026-12-01T11:30:00+01:00", "1970-01-01T00:00:00Z",
		"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-23:59", "2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z",
		"2026-12-01t10:30:00z", "2026-12-01 10:30:00Z", "2026-12-01T10:30:60Z", "2026-12-01T10:30:00,5Z",
		"2026-12-01T24:00:00Z", "2026-12-01T10:30:00+24:00", "2026-12-01T10:30:00.Z", "2026-12-01T1:30:00Z",
		"2026-12-01T10:30:00+0100", "2026-12-01", "", "2026-04-31T10:00:00Z", "2026-00-10T10:00:00Z",
	} {
		f.Add(s)
	}
	e := newEnvWith(f, "test", testManifest(f), true)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, end string) {
		if !utf8.ValidString(end) {
			return // JSON would carry U+FFFD instead
		}
		in, err := json.Marshal(map[string]any{"event": event(end)})
		if err != nil {
			t.Fatal(err)
		}
		res := e.App.Call(ctx, runtime.CallRequest{Installation: devhost.Installation, Method: "video.createMeeting", Input: in, Funcs: e.Funcs})
		want, valid := referenceExpiry(end)
		if !valid {
			if res.Envelope.Error == nil || res.Envelope.Error.Code != abi.CodeInvalidInput {
				t.Fatalf("endTime %q: got %+v, want INVALID_INPUT", end, res.Envelope)
			}
			return
		}
		if res.Envelope.Error != nil {
			t.Fatalf("endTime %q: %v", end, res.Envelope.Error)
		}
		var got videoCallData
		if err := json.Unmarshal(res.Envelope.OK, &got); err != nil {
			t.Fatal(err)
		}
		room := e.fake.room(got.ID)
		if room == nil || room.exp() != want {
			t.Fatalf("endTime %q: room %+v, want exp %d", end, room, want)
		}
	})
}
