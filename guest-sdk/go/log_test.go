package slotbox

import (
	"log/slog"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

func TestLogHandler(t *testing.T) {
	tests := []struct {
		name string
		opts *slog.HandlerOptions
		log  func(l *slog.Logger, h *recordingHost)
		want []hostLog
	}{
		{"message only", nil, func(l *slog.Logger, h *recordingHost) { l.InfoContext(h.ctx(), "hello") },
			[]hostLog{{int32(abi.LogInfo), "hello"}}},
		{"attributes", nil, func(l *slog.Logger, h *recordingHost) {
			l.WarnContext(h.ctx(), "slow call", "method", "calendar.createEvent", "ms", 12)
		}, []hostLog{{int32(abi.LogWarn), "slow call method=calendar.createEvent ms=12"}}},
		{"levels", &slog.HandlerOptions{Level: slog.LevelDebug - 4}, func(l *slog.Logger, h *recordingHost) {
			l.DebugContext(h.ctx(), "d")
			l.ErrorContext(h.ctx(), "e")
			l.Log(h.ctx(), slog.LevelError+4, "beyond error")
			l.Log(h.ctx(), slog.LevelDebug-4, "below debug")
		}, []hostLog{{0, "d"}, {3, "e"}, {3, "beyond error"}, {0, "below debug"}}},
		{"below the minimum level", nil, func(l *slog.Logger, h *recordingHost) { l.DebugContext(h.ctx(), "dropped") }, nil},
		{"with attrs and group", nil, func(l *slog.Logger, h *recordingHost) {
			l.With("app", "echo").WithGroup("req").InfoContext(h.ctx(), "done", "id", 7)
		}, []hostLog{{1, "done app=echo req.id=7"}}},
		{"quoted values", nil, func(l *slog.Logger, h *recordingHost) { l.InfoContext(h.ctx(), "m", "k", "a b") },
			[]hostLog{{1, `m k="a b"`}}},
		{"user ReplaceAttr", &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == "secret" {
				a.Value = slog.StringValue("***")
			}
			return a
		}}, func(l *slog.Logger, h *recordingHost) { l.InfoContext(h.ctx(), "m", "secret", "x") },
			[]hostLog{{1, "m secret=***"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := &recordingHost{}
			tt.log(slog.New(NewLogHandler(tt.opts)), host)
			if len(host.logs) != len(tt.want) {
				t.Fatalf("logged %q, want %q", host.logs, tt.want)
			}
			for i := range tt.want {
				if host.logs[i] != tt.want[i] {
					t.Fatalf("line %d = %+v, want %+v", i, host.logs[i], tt.want[i])
				}
			}
		})
	}
}

func TestLoggerDefaultsToInfo(t *testing.T) {
	l := Logger()
	if l.Handler().Enabled(t.Context(), slog.LevelDebug) || !l.Handler().Enabled(t.Context(), slog.LevelInfo) {
		t.Fatal("Logger must log info and above")
	}
}
