// Package log captures what a guest logs during one call: lines from the log
// host function and from WASI stdout and stderr. It keeps them, up to a
// byte and a line cap, for the call record, and writes each kept line to the
// server's slog logger with the app, installation and call ids.
//
// The package is named log after its folder; it does not replace the
// standard library's log, which Slotbox does not use (slog is the server's
// logger). Import it under another name, such as applog, where both meet.
package log

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/slotbox/slotbox/abi"
)

// Defaults of a Config.
const (
	DefaultMaxBytes     = 64 << 10
	DefaultMaxLines     = 1024
	DefaultMaxLineBytes = 8 << 10
)

// Streams a line can come from.
const (
	StreamLog    = "log"    // the log host function
	StreamStdout = "stdout" // WASI fd 1
	StreamStderr = "stderr" // WASI fd 2
)

// Config holds a Capture's caps and where kept lines also go. It is
// immutable: each With method returns a changed copy. Start from
// DefaultConfig.
type Config struct {
	maxBytes     int
	maxLines     int
	maxLineBytes int
	logger       *slog.Logger
	now          func() time.Time
}

// DefaultConfig keeps up to 64 KiB of messages in up to 1024 lines, splits
// stdout and stderr lines longer than 8 KiB, and logs nowhere.
func DefaultConfig() Config {
	return Config{
		maxBytes:     DefaultMaxBytes,
		maxLines:     DefaultMaxLines,
		maxLineBytes: DefaultMaxLineBytes,
		logger:       slog.New(slog.DiscardHandler),
		now:          time.Now,
	}
}

// WithMaxBytes returns c keeping up to n bytes of messages per call.
func (c Config) WithMaxBytes(n int) Config { c.maxBytes = n; return c }

// WithMaxLines returns c keeping up to n lines per call.
func (c Config) WithMaxLines(n int) Config { c.maxLines = n; return c }

// WithMaxLineBytes returns c splitting stdout and stderr lines longer than n.
func (c Config) WithMaxLineBytes(n int) Config { c.maxLineBytes = n; return c }

// WithLogger returns c writing kept lines to l.
func (c Config) WithLogger(l *slog.Logger) Config { c.logger = l; return c }

// WithClock returns c stamping lines with now.
func (c Config) WithClock(now func() time.Time) Config { c.now = now; return c }

// Validate reports whether c is usable.
func (c Config) Validate() error {
	if c.maxBytes <= 0 || c.maxLines <= 0 || c.maxLineBytes <= 0 {
		return fmt.Errorf("log: caps must be positive (bytes %d, lines %d, line bytes %d)", c.maxBytes, c.maxLines, c.maxLineBytes)
	}
	if c.logger == nil || c.now == nil {
		return errors.New("log: config needs a logger and a clock")
	}
	return nil
}

// Call names the call whose lines a Capture collects; the ids become slog
// attributes app, installation and call.
type Call struct {
	App          string
	Installation string
	ID           string
}

// Capture collects one call's log lines. It is safe for concurrent use.
type Capture struct {
	cfg    Config
	logger *slog.Logger

	mu           sync.Mutex
	lines        []Line
	bytes        int
	truncated    bool
	marker       int // index of the truncation marker in lines
	droppedLines int
	droppedBytes int
	out, errw    *lineWriter
}

// NewCapture returns a Capture for call. An invalid cfg is replaced by
// DefaultConfig with cfg's logger, so a misconfiguration never lifts the
// caps; check Config.Validate where the config is built.
func NewCapture(cfg Config, call Call) *Capture {
	if cfg.Validate() != nil {
		logger := cfg.logger
		cfg = DefaultConfig()
		if logger != nil {
			cfg.logger = logger
		}
	}
	c := &Capture{
		cfg:    cfg,
		logger: cfg.logger.With("app", call.App, "installation", call.Installation, "call", call.ID),
		marker: -1,
	}
	c.out = &lineWriter{c: c, level: abi.LogInfo, stream: StreamStdout}
	c.errw = &lineWriter{c: c, level: abi.LogError, stream: StreamStderr}
	return c
}

// Log records one line from the log host function. Levels outside 0-3 are
// recorded as info; invalid UTF-8 is replaced; one trailing newline is
// dropped.
func (c *Capture) Log(ctx context.Context, level abi.LogLevel, msg []byte) {
	if level < abi.LogDebug || level > abi.LogError {
		level = abi.LogInfo
	}
	m := string(msg)
	m = strings.TrimSuffix(strings.TrimSuffix(m, "\n"), "\r")
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(ctx, level, StreamLog, m)
}

// Stdout returns the writer to give the guest as WASI stdout: each line is
// recorded at info level. Writes never fail.
func (c *Capture) Stdout() io.Writer { return c.out }

// Stderr returns the writer to give the guest as WASI stderr: each line is
// recorded at error level. Writes never fail.
func (c *Capture) Stderr() io.Writer { return c.errw }

// Flush records the unterminated last line of stdout and stderr, if any.
func (c *Capture) Flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out.flush()
	c.errw.flush()
}

// Lines flushes stdout and stderr and returns a copy of the kept lines, for
// the call record. When the caps were hit, the last line is a warn-level
// marker saying how much was dropped.
func (c *Capture) Lines() []Line {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out.flush()
	c.errw.flush()
	out := append([]Line(nil), c.lines...)
	if c.marker >= 0 {
		out[c.marker].Message = fmt.Sprintf("log truncated: the call's log cap (%d bytes, %d lines) was reached; %d more lines (%d bytes) were dropped",
			c.cfg.maxBytes, c.cfg.maxLines, c.droppedLines, c.droppedBytes)
	}
	return out
}

// Truncated reports whether a cap was hit.
func (c *Capture) Truncated() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.truncated
}

// Dropped returns how many lines were dropped whole and how many message
// bytes were not kept (including the cut end of a line kept in part).
func (c *Capture) Dropped() (lines, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.droppedLines, c.droppedBytes
}

// add keeps a line within the caps and logs it; c.mu is held.
func (c *Capture) add(ctx context.Context, level abi.LogLevel, stream, msg string) {
	msg = strings.ToValidUTF8(msg, "\uFFFD")
	if c.truncated {
		c.droppedLines++
		c.droppedBytes += len(msg)
		return
	}
	room := c.cfg.maxBytes - c.bytes
	if len(c.lines) >= c.cfg.maxLines || room <= 0 {
		c.truncate(ctx)
		c.droppedLines++
		c.droppedBytes += len(msg)
		return
	}
	cut := false
	if len(msg) > room {
		end := room
		for end > 0 && !utf8.RuneStart(msg[end]) {
			end--
		}
		c.droppedBytes += len(msg) - end
		msg, cut = msg[:end], true
	}
	c.bytes += len(msg)
	line := Line{Time: c.cfg.now(), Level: level, Stream: stream, Message: msg}
	c.lines = append(c.lines, line)
	c.logger.Log(ctx, slogLevel(level), msg, "stream", stream)
	if cut {
		c.truncate(ctx)
	}
}

// truncate appends the marker once; c.mu is held.
func (c *Capture) truncate(ctx context.Context) {
	if c.truncated {
		return
	}
	c.truncated = true
	c.marker = len(c.lines)
	c.lines = append(c.lines, Line{Time: c.cfg.now(), Level: abi.LogWarn, Stream: StreamLog, Message: "log truncated"})
	c.logger.Log(ctx, slog.LevelWarn, "guest log truncated; later lines of this call are dropped",
		"max_bytes", c.cfg.maxBytes, "max_lines", c.cfg.maxLines)
}

func slogLevel(l abi.LogLevel) slog.Level {
	switch l {
	case abi.LogDebug:
		return slog.LevelDebug
	case abi.LogWarn:
		return slog.LevelWarn
	case abi.LogError:
		return slog.LevelError
	}
	return slog.LevelInfo
}

// lineWriter turns a WASI stream into lines.
type lineWriter struct {
	c      *Capture
	level  abi.LogLevel
	stream string
	buf    []byte
}

// Write records each complete line of p and buffers the rest, splitting a
// line that grows past the line cap (on a UTF-8 boundary). It always
// reports len(p), nil: a guest's print never fails because the log is full.
func (w *lineWriter) Write(p []byte) (int, error) {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	n := len(p)
	if w.c.truncated {
		w.c.droppedBytes += len(p) + len(w.buf)
		w.buf = w.buf[:0]
		return n, nil
	}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			i = len(p)
		}
		take := min(i, w.c.cfg.maxLineBytes-len(w.buf))
		w.buf = append(w.buf, p[:take]...)
		p = p[take:]
		switch {
		case take == i && len(p) > 0: // the line ends here
			p = p[1:]
			w.emit()
		case len(w.buf) >= w.c.cfg.maxLineBytes: // too long: emit a piece
			w.split()
		}
	}
	return n, nil
}

// emit records the buffered line; c.mu is held.
func (w *lineWriter) emit() {
	line := strings.TrimSuffix(string(w.buf), "\r")
	w.buf = w.buf[:0]
	w.c.add(context.Background(), w.level, w.stream, line)
}

// split records a full buffer as one piece, keeping an incomplete last
// rune for the next piece; c.mu is held.
func (w *lineWriter) split() {
	j := len(w.buf) - 1
	for j > 0 && !utf8.RuneStart(w.buf[j]) {
		j--
	}
	if j <= 0 || utf8.FullRune(w.buf[j:]) {
		w.emit()
		return
	}
	carry := bytes.Clone(w.buf[j:])
	w.buf = w.buf[:j]
	w.emit()
	w.buf = append(w.buf, carry...)
}

// flush records an unterminated buffered line; c.mu is held.
func (w *lineWriter) flush() {
	if len(w.buf) > 0 {
		w.emit()
	}
}
