package log

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/slotbox/slotbox/abi"
)

// Line is one kept log line.
type Line struct {
	Time    time.Time
	Level   abi.LogLevel
	Stream  string // StreamLog, StreamStdout or StreamStderr
	Message string
}

type lineJSON struct {
	Time    time.Time `json:"time"`
	Level   string    `json:"level"`
	Stream  string    `json:"stream"`
	Message string    `json:"message"`
}

// MarshalJSON writes the level by name: {"time","level":"info","stream","message"}.
func (l Line) MarshalJSON() ([]byte, error) {
	return json.Marshal(lineJSON{Time: l.Time, Level: l.Level.String(), Stream: l.Stream, Message: l.Message})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (l *Line) UnmarshalJSON(b []byte) error {
	var in lineJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	level, err := parseLevel(in.Level)
	if err != nil {
		return err
	}
	*l = Line{Time: in.Time, Level: level, Stream: in.Stream, Message: in.Message}
	return nil
}

func parseLevel(s string) (abi.LogLevel, error) {
	for l := abi.LogDebug; l <= abi.LogError; l++ {
		if l.String() == s {
			return l, nil
		}
	}
	return 0, fmt.Errorf("log: unknown level %q", s)
}
