package slotbox

import (
	"bytes"
	"context"
	"log/slog"
	"sync"

	"github.com/slotbox/slotbox/abi"
)

// Log writes msg to the app's log through the host's log import, at level
// (abi.LogDebug, abi.LogInfo, abi.LogWarn or abi.LogError). The host caps
// and stores it; nothing is written when the host drops the level.
func Log(level abi.LogLevel, msg string) {
	logLine(context.Background(), level, []byte(msg))
}

// Logger returns a *slog.Logger that writes through the log import; see
// NewLogHandler.
func Logger() *slog.Logger { return slog.New(NewLogHandler(nil)) }

// NewLogHandler returns a slog.Handler that writes each record as one line,
// "message key=value ...", through the host's log import at the record's
// level (below Info is debug, below Warn info, below Error warn, the rest
// error). The host stamps time and level itself, so the line carries
// neither. opts may be nil; opts.Level defaults to slog.LevelInfo.
// The *Context logging methods honour a fake host in the context.
func NewLogHandler(opts *slog.HandlerOptions) slog.Handler {
	var o slog.HandlerOptions
	if opts != nil {
		o = *opts
	}
	level := o.Level
	if level == nil {
		level = slog.LevelInfo
	}
	user := o.ReplaceAttr
	o.Level = slog.LevelDebug - 100 // the outer handler filters
	o.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 {
			switch a.Key {
			case slog.TimeKey, slog.LevelKey, slog.MessageKey:
				return slog.Attr{}
			}
		}
		if user != nil {
			return user(groups, a)
		}
		return a
	}
	sink := &logSink{}
	return &logHandler{level: level, sink: sink, attrs: slog.NewTextHandler(sink, &o)}
}

// logSink is the buffer one record is formatted into.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends to the record being formatted.
func (s *logSink) Write(p []byte) (int, error) { return s.buf.Write(p) }

// logHandler formats the attributes with a slog.TextHandler and sends
// "message attrs" to the host.
type logHandler struct {
	level slog.Leveler
	sink  *logSink
	attrs slog.Handler
}

// Enabled reports whether level reaches the handler's minimum level.
func (h *logHandler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= h.level.Level()
}

// Handle writes one record.
func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	h.sink.mu.Lock()
	defer h.sink.mu.Unlock()
	b := &h.sink.buf
	b.Reset()
	b.WriteString(r.Message)
	msgLen := b.Len()
	b.WriteByte(' ')
	if err := h.attrs.Handle(ctx, r); err != nil {
		return err
	}
	line := bytes.TrimRight(b.Bytes(), "\n")
	if len(line) == msgLen+1 { // no attributes
		line = line[:msgLen]
	}
	logLine(ctx, hostLevel(r.Level), line)
	if b.Cap() > 64<<10 {
		b.Reset()
		*b = bytes.Buffer{}
	}
	return nil
}

// WithAttrs returns a handler that adds attrs to every record.
func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logHandler{level: h.level, sink: h.sink, attrs: h.attrs.WithAttrs(attrs)}
}

// WithGroup returns a handler that nests later attributes under name.
func (h *logHandler) WithGroup(name string) slog.Handler {
	return &logHandler{level: h.level, sink: h.sink, attrs: h.attrs.WithGroup(name)}
}

// hostLevel maps a slog level to the log import's level.
func hostLevel(l slog.Level) abi.LogLevel {
	switch {
	case l < slog.LevelInfo:
		return abi.LogDebug
	case l < slog.LevelWarn:
		return abi.LogInfo
	case l < slog.LevelError:
		return abi.LogWarn
	}
	return abi.LogError
}
