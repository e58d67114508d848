package log_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slotbox/slotbox/abi"
	applog "github.com/slotbox/slotbox/hostfuncs/log"
)

// records is a slog handler output parsed back into maps.
type records struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (r *records) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.Write(p)
}

func (r *records) all(t *testing.T) []map[string]any {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(r.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("slog line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

var call = applog.Call{App: "zoomvideo", Installation: "inst-1", ID: "call-9"}

func newCapture(rec *records, cfg applog.Config) *applog.Capture {
	logger := slog.New(slog.NewJSONHandler(rec, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return applog.NewCapture(cfg.WithLogger(logger), call)
}

func messages(lines []applog.Line) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Message)
	}
	return out
}

func TestLogLevelsAndAttributes(t *testing.T) {
	ctx := context.Background()
	rec := &records{}
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newCapture(rec, applog.DefaultConfig().WithClock(func() time.Time { return at }))
	tests := []struct {
		level     abi.LogLevel
		msg       string
		wantLevel abi.LogLevel
		wantMsg   string
		slogLevel string
	}{
		{abi.LogDebug, "d", abi.LogDebug, "d", "DEBUG"},
		{abi.LogInfo, "i\n", abi.LogInfo, "i", "INFO"},
		{abi.LogWarn, "w\r\n", abi.LogWarn, "w", "WARN"},
		{abi.LogError, "e", abi.LogError, "e", "ERROR"},
		{7, "odd level", abi.LogInfo, "odd level", "INFO"},
		{-1, "negative level", abi.LogInfo, "negative level", "INFO"},
		{abi.LogInfo, "bad \xff utf8", abi.LogInfo, "bad \uFFFD utf8", "INFO"},
		{abi.LogInfo, "two\nlines", abi.LogInfo, "two\nlines", "INFO"},
	}
	for _, tt := range tests {
		c.Log(ctx, tt.level, []byte(tt.msg))
	}
	lines := c.Lines()
	recs := rec.all(t)
	if len(lines) != len(tests) || len(recs) != len(tests) {
		t.Fatalf("%d lines, %d slog records; want %d", len(lines), len(recs), len(tests))
	}
	for i, tt := range tests {
		l, r := lines[i], recs[i]
		if l.Level != tt.wantLevel || l.Message != tt.wantMsg || l.Stream != applog.StreamLog || !l.Time.Equal(at) {
			t.Errorf("line %d = %+v; want level %v message %q", i, l, tt.wantLevel, tt.wantMsg)
		}
		if r["level"] != tt.slogLevel || r["msg"] != tt.wantMsg || r["app"] != "zoomvideo" || r["installation"] != "inst-1" || r["call"] != "call-9" || r["stream"] != "log" {
			t.Errorf("slog record %d = %v", i, r)
		}
	}
	if c.Truncated() {
		t.Error("truncated without reaching a cap")
	}
}

func TestByteCap(t *testing.T) {
	tests := []struct {
		name         string
		max          int
		in           []string
		kept         []string
		droppedLines int
		droppedBytes int
	}{
		{"fits exactly", 10, []string{"12345", "67890"}, []string{"12345", "67890"}, 0, 0},
		{"next line dropped", 10, []string{"12345", "67890", "abc"}, []string{"12345", "67890", "MARKER"}, 1, 3},
		{"straddling line cut", 10, []string{"1234567", "89abc", "zz", "y"}, []string{"1234567", "89a", "MARKER"}, 2, 2 + 2 + 1},
		{"cut on a rune boundary", 4, []string{"aé€"}, []string{"aé", "MARKER"}, 0, 3},
		{"first line too long", 3, []string{"abcdef"}, []string{"abc", "MARKER"}, 0, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &records{}
			c := newCapture(rec, applog.DefaultConfig().WithMaxBytes(tt.max))
			for _, m := range tt.in {
				c.Log(context.Background(), abi.LogInfo, []byte(m))
			}
			lines := c.Lines()
			got := messages(lines)
			if len(got) != len(tt.kept) {
				t.Fatalf("kept %q; want %q", got, tt.kept)
			}
			for i, want := range tt.kept {
				if want == "MARKER" {
					l := lines[i]
					if l.Level != abi.LogWarn || !strings.HasPrefix(l.Message, "log truncated") ||
						!strings.Contains(l.Message, fmt.Sprintf("%d bytes", tt.max)) ||
						!strings.Contains(l.Message, fmt.Sprintf("%d more lines (%d bytes)", tt.droppedLines, tt.droppedBytes)) {
						t.Errorf("marker %+v", l)
					}
					continue
				}
				if got[i] != want {
					t.Errorf("line %d = %q; want %q", i, got[i], want)
				}
			}
			dl, db := c.Dropped()
			if dl != tt.droppedLines || db != tt.droppedBytes || c.Truncated() != (tt.droppedBytes > 0) {
				t.Errorf("dropped %d lines %d bytes, truncated %v; want %d, %d", dl, db, c.Truncated(), tt.droppedLines, tt.droppedBytes)
			}
			// Dropped lines never reach slog; the truncation is logged once.
			warns := 0
			for _, r := range rec.all(t) {
				if r["msg"] == "y" || r["msg"] == "zz" || r["msg"] == "abc" && tt.name == "next line dropped" {
					t.Errorf("dropped line logged: %v", r)
				}
				if strings.Contains(fmt.Sprint(r["msg"]), "truncated") {
					warns++
				}
			}
			if want := map[bool]int{true: 1, false: 0}[c.Truncated()]; warns != want {
				t.Errorf("%d truncation warnings in slog; want %d", warns, want)
			}
		})
	}
}

func TestLineCap(t *testing.T) {
	c := newCapture(&records{}, applog.DefaultConfig().WithMaxLines(3))
	for range 10 {
		c.Log(context.Background(), abi.LogInfo, nil) // empty lines cost no bytes but count as lines
	}
	lines := c.Lines()
	if len(lines) != 4 || !strings.Contains(lines[3].Message, "7 more lines") {
		t.Fatalf("lines %q", messages(lines))
	}
}

func TestStdStreams(t *testing.T) {
	rec := &records{}
	c := newCapture(rec, applog.DefaultConfig().WithMaxLineBytes(8))
	out, errw := c.Stdout(), c.Stderr()
	writes := []struct {
		w io.Writer
		s string
	}{
		{out, "hel"}, {out, "lo\nwor"}, {errw, "oops\r\n"}, {out, "ld\n"},
		{out, "0123456789abcdefXY\n"}, // longer than 8: split
		{out, "\n"},                   // an empty line
		{errw, "no newline"},
	}
	for _, w := range writes {
		n, err := w.w.Write([]byte(w.s))
		if n != len(w.s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", w.s, n, err)
		}
	}
	want := []struct {
		msg    string
		level  abi.LogLevel
		stream string
	}{
		{"hello", abi.LogInfo, "stdout"},
		{"oops", abi.LogError, "stderr"},
		{"world", abi.LogInfo, "stdout"},
		{"01234567", abi.LogInfo, "stdout"},
		{"89abcdef", abi.LogInfo, "stdout"},
		{"XY", abi.LogInfo, "stdout"},
		{"", abi.LogInfo, "stdout"},
		{"no newli", abi.LogError, "stderr"}, // unterminated and longer than 8: split
	}
	lines := c.Lines()
	if len(lines) != len(want)+1 {
		t.Fatalf("lines %q", messages(lines))
	}
	for i, w := range want {
		if l := lines[i]; l.Message != w.msg || l.Level != w.level || l.Stream != w.stream {
			t.Errorf("line %d = %+v; want %+v", i, l, w)
		}
	}
	if last := lines[len(lines)-1]; last.Message != "ne" || last.Stream != "stderr" {
		t.Errorf("flushed tail = %+v; want \"ne\" from stderr", last)
	}
	recs := rec.all(t)
	if len(recs) != len(lines) || recs[1]["level"] != "ERROR" || recs[1]["stream"] != "stderr" || recs[0]["call"] != "call-9" {
		t.Errorf("slog records %v", recs)
	}
}

func TestStreamsAfterTruncation(t *testing.T) {
	c := newCapture(&records{}, applog.DefaultConfig().WithMaxBytes(4))
	out := c.Stdout()
	for range 3 {
		if n, err := out.Write([]byte("abcdef\n")); n != 7 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	lines := c.Lines()
	if got := messages(lines); len(got) != 2 || got[0] != "abcd" {
		t.Fatalf("lines %q", got)
	}
	_, db := c.Dropped()
	if db != 2+7+7 {
		t.Errorf("dropped %d bytes; want 16", db)
	}
}

func TestConcurrent(t *testing.T) {
	const workers, each = 8, 100
	c := newCapture(&records{}, applog.DefaultConfig().WithMaxLines(workers*each*2))
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			for j := range each {
				if i%2 == 0 {
					c.Log(context.Background(), abi.LogInfo, fmt.Appendf(nil, "w%d-%d", i, j))
				} else {
					fmt.Fprintf(c.Stdout(), "w%d-%d\n", i, j)
				}
			}
		})
	}
	wg.Wait()
	if n := len(c.Lines()); n != workers*each {
		t.Fatalf("%d lines; want %d", n, workers*each)
	}
}

func TestInvalidConfigKeepsCaps(t *testing.T) {
	rec := &records{}
	c := newCapture(rec, applog.DefaultConfig().WithMaxBytes(0))
	if err := applog.DefaultConfig().WithMaxBytes(0).Validate(); err == nil {
		t.Fatal("Validate accepted a zero cap")
	}
	big := bytes.Repeat([]byte("x"), applog.DefaultMaxBytes+10)
	c.Log(context.Background(), abi.LogInfo, big)
	if !c.Truncated() || len(rec.all(t)) == 0 {
		t.Fatal("an invalid config lifted the caps or lost the logger")
	}
}

func TestLineJSON(t *testing.T) {
	in := applog.Line{Time: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), Level: abi.LogWarn, Stream: "stderr", Message: "m"}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"time":"2030-01-01T00:00:00Z","level":"warn","stream":"stderr","message":"m"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var out applog.Line
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("Unmarshal = %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"level":"loud"}`), &out); err == nil {
		t.Fatal("unknown level accepted")
	}
}

// BenchmarkLog measures one kept line, logged to a JSON slog handler.
func BenchmarkLog(b *testing.B) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	cfg := applog.DefaultConfig().WithLogger(logger)
	msg := []byte("fetched 42 events from the calendar")
	c := applog.NewCapture(cfg, call)
	i := 0
	for b.Loop() {
		if i++; i%applog.DefaultMaxLines == 0 {
			c = applog.NewCapture(cfg, call)
		}
		c.Log(context.Background(), abi.LogInfo, msg)
	}
}

// FuzzStdout writes arbitrary bytes in arbitrary chunks: writes never fail
// and the caps always hold.
func FuzzStdout(f *testing.F) {
	f.Add([]byte("hello\nworld\r\n"), uint8(3))
	f.Add([]byte("\xff\xfe\n\n\n"), uint8(1))
	f.Add(bytes.Repeat([]byte("é"), 100), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		const maxBytes, maxLines, maxLine = 64, 5, 16
		c := applog.NewCapture(applog.DefaultConfig().WithMaxBytes(maxBytes).WithMaxLines(maxLines).WithMaxLineBytes(maxLine), call)
		step := int(chunk%32) + 1
		for p := data; len(p) > 0; {
			n := min(step, len(p))
			if w, err := c.Stdout().Write(p[:n]); w != n || err != nil {
				t.Fatalf("Write = %d, %v", w, err)
			}
			p = p[n:]
		}
		lines := c.Lines()
		if len(lines) > maxLines+1 {
			t.Fatalf("%d lines", len(lines))
		}
		total := 0
		for i, l := range lines {
			if c.Truncated() && i == len(lines)-1 {
				continue // the marker
			}
			// Invalid bytes become U+FFFD (3 bytes each); valid text stays within the line cap.
			if len(l.Message) > 3*maxLine || utf8.Valid(data) && len(l.Message) > maxLine {
				t.Fatalf("line of %d bytes", len(l.Message))
			}
			total += len(l.Message)
		}
		if total > maxBytes {
			t.Fatalf("kept %d bytes", total)
		}
	})
}
