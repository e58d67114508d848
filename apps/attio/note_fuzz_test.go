package attio_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slotbox/slotbox/internal/devhost"
	"github.com/slotbox/slotbox/runtime"
)

// FuzzNoteText sends arbitrary booking text through the guest (the SDK's
// JSON reader and writer, the note builder) to Attio: the note must carry
// the title and description exactly, whatever they hold.
func FuzzNoteText(f *testing.F) {
	for _, s := range [][2]string{
		{"Intro call", "Agenda"},
		{"Réunion ☕", "línea 1\nlínea 2\ttab \"quoted\" \\ back"},
		{"emoji 👩‍💻", "\u2028\u2029 separators, \x00 nul, \x1f unit"},
		{"</script>", "{\"json\": [1, 2]}"},
		{"x", "\ufeffBOM and \uFFFD replacement"},
	} {
		f.Add(s[0], s[1])
	}
	e := newEnvWith(f, "test", testManifest(f), true)
	bob := e.fake.addPerson("Bob Example", "bob@example.com")
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, title, description string) {
		// JSON carries U+FFFD for invalid UTF-8; the caps count UTF-16
		// units; the title is trimmed (JavaScript's and Go's whitespace
		// differ, so only titles without outer space are compared).
		if !utf8.ValidString(title) || !utf8.ValidString(description) || len(title) > 150 || len(description) > 2000 ||
			strings.TrimSpace(title) != title || strings.Trim(title, "\ufeff\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000") != title {
			return
		}
		ev := event(title)
		ev["description"] = description
		in, err := json.Marshal(map[string]any{"event": ev, "contacts": []map[string]string{{"id": bob, "email": "bob@example.com"}}})
		if err != nil {
			t.Fatal(err)
		}
		res := e.App.Call(ctx, runtime.CallRequest{Installation: devhost.Installation, Method: "crm.createEvent", Input: in, Funcs: e.Funcs})
		if res.Envelope.Error != nil {
			t.Fatalf("title %q description %q: %v", title, description, res.Envelope.Error)
		}
		var got crmEvent
		if err := json.Unmarshal(res.Envelope.OK, &got); err != nil {
			t.Fatal(err)
		}
		n := e.fake.note(got.ID)
		if n == nil {
			t.Fatalf("no note %s", got.ID)
		}
		wantTitle := title
		if title == "" {
			wantTitle = "Booking"
		}
		if n.Title != wantTitle {
			t.Errorf("title %q, want %q", n.Title, wantTitle)
		}
		if description != "" && !strings.Contains(n.Content, "\nDescription: "+description+"\n") {
			t.Errorf("content %q lacks the description %q", n.Content, description)
		}
	})
}
