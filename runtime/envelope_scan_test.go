package runtime

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScanEnvelope(t *testing.T) {
	tests := []struct {
		in      string
		ok, err string
		bad     bool
	}{
		{in: `{"ok":[]}`, ok: `[]`},
		{in: ` {"ok" : {"a":[1,-2.5e3,true,false,null,"x\"\u00e9"]} } `, ok: `{"a":[1,-2.5e3,true,false,null,"x\"\u00e9"]}`},
		{in: `{"error":{"code":"X","message":"m"}}`, err: `{"code":"X","message":"m"}`},
		{in: `{"\u006fk":1}`, ok: `1`},
		{in: `{"other":1}`},
		{in: `{}`},
		{in: `[1,2]`, bad: true},
		{in: `{"ok":1}x`, bad: true},
		{in: `{"ok":1,"ok":2}`, bad: true},
		{in: `{"ok":01}`, bad: true},
		{in: `{"ok":1.}`, bad: true},
		{in: `{"ok":"a` + "\x01" + `"}`, bad: true},
		{in: `{"ok":"\x"}`, bad: true},
		{in: "{\"ok\":\"\xff\"}", bad: true},
		{in: `{"ok":[1,]}`, bad: true},
		{in: `{"ok":tru}`, bad: true},
		{in: `{"ok"}`, bad: true},
		{in: ``, bad: true},
		{in: strings.Repeat("[", 20000), bad: true},
	}
	for _, tt := range tests {
		ok, errv, err := scanEnvelope([]byte(tt.in))
		if tt.bad {
			if err == nil {
				t.Errorf("%q: scanned; want an error", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if string(ok) != tt.ok || string(errv) != tt.err {
			t.Errorf("%q: ok %q error %q; want %q %q", tt.in, ok, errv, tt.ok, tt.err)
		}
	}
}

// FuzzScanEnvelope checks the hand-written scanner against encoding/json:
// both accept the same documents (for objects of valid UTF-8) and find the
// same "ok" value.
func FuzzScanEnvelope(f *testing.F) {
	for _, s := range []string{`{"ok":[]}`, `{"error":{"code":"A","message":"b","retryable":true}}`, `{"ok":{"a":"\u00e9\n","b":[1e5,-0.5,null]}}`, `{"ok":1,"x":{}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ok, _, err := scanEnvelope(b)
		var obj map[string]json.RawMessage
		stdErr := json.Unmarshal(b, &obj)
		if !utf8.Valid(b) {
			if err == nil {
				t.Fatalf("accepted invalid UTF-8 %q", b)
			}
			return
		}
		if err == nil && stdErr != nil && !strings.Contains(stdErr.Error(), "duplicate") {
			t.Fatalf("scanner accepted %q; encoding/json: %v", b, stdErr)
		}
		if err != nil && stdErr == nil && !strings.Contains(err.Error(), "twice") && !strings.Contains(err.Error(), "deep") {
			t.Fatalf("scanner refused %q (%v); encoding/json accepts it", b, err)
		}
		if err == nil && obj != nil {
			if want, has := obj["ok"]; has != (ok != nil) || (has && string(want) != string(ok)) {
				t.Fatalf("ok %q; encoding/json found %q", ok, want)
			}
		}
	})
}

// TestScanSpecialAtEveryOffset puts a quote, an escape or a control
// character at every offset of a long string, so the word-at-a-time skip
// is checked at every alignment.
func TestScanSpecialAtEveryOffset(t *testing.T) {
	for _, special := range []string{`\"`, `\\`, `\u00e9`, "\x01", "\x1f", `"`} {
		for i := 0; i < 24; i++ {
			body := strings.Repeat("é", i/2) + strings.Repeat("a", i%2) + special + strings.Repeat("b", 20)
			doc := `{"ok":"` + body + `"}`
			_, _, err := scanEnvelope([]byte(doc))
			var want map[string]any
			stdErr := json.Unmarshal([]byte(doc), &want)
			if (err == nil) != (stdErr == nil) {
				t.Fatalf("offset %d, %q: scanner %v, encoding/json %v", i, special, err, stdErr)
			}
		}
	}
}
