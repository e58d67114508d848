package slotbox

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/slotbox/slotbox/guest-sdk/go/internal/hostapi"
)

// recordingHost is a hostapi.Host that records every call and answers with
// canned envelopes keyed by function name.
type recordingHost struct {
	mu      sync.Mutex
	answers map[string]string // fn -> envelope
	fail    error             // returned by every Call when set
	calls   []hostCall
	logs    []hostLog
}

type hostCall struct {
	fn string
	in map[string]any
}

type hostLog struct {
	level int32
	msg   string
}

func (h *recordingHost) Call(fn string, in []byte) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var m map[string]any
	if err := json.Unmarshal(in, &m); err != nil {
		panic("guest sent invalid JSON to " + fn + ": " + err.Error())
	}
	h.calls = append(h.calls, hostCall{fn, m})
	if h.fail != nil {
		return nil, h.fail
	}
	if a, ok := h.answers[fn]; ok {
		return []byte(a), nil
	}
	return []byte(`{"ok":{}}`), nil
}

func (h *recordingHost) Log(level int32, msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.logs = append(h.logs, hostLog{level, string(msg)})
}

func (h *recordingHost) ctx() context.Context { return hostapi.WithHost(context.Background(), h) }

// lastCall returns the last recorded call.
func (h *recordingHost) lastCall(t *testing.T) hostCall {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.calls) == 0 {
		t.Fatal("no host call recorded")
	}
	return h.calls[len(h.calls)-1]
}

// mustJSON decodes an envelope or fails the test.
func mustJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return m
}
