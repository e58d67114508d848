package caldavapp

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// icloudHome is how iCloud answers a PROPFIND on a calendar home: hrefs
// are paths on the partition host, properties the user may not read come
// back in a 404 propstat.
const icloudHome = `<?xml version="1.0" encoding="UTF-8"?>
<multistatus xmlns="DAV:">
 <response>
  <href>/123456/calendars/</href>
  <propstat><prop><resourcetype><collection/></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat>
 </response>
 <response>
  <href>/123456/calendars/home/</href>
  <propstat><prop>
   <resourcetype><collection/><calendar xmlns="urn:ietf:params:xml:ns:caldav"/></resourcetype>
   <displayname>Home</displayname>
   <supported-calendar-component-set xmlns="urn:ietf:params:xml:ns:caldav"><comp name="VEVENT"/></supported-calendar-component-set>
   <current-user-privilege-set><privilege><read/></privilege><privilege><write/></privilege></current-user-privilege-set>
  </prop><status>HTTP/1.1 200 OK</status></propstat>
 </response>
 <response>
  <href>https://p42-caldav.icloud.com:443/123456/calendars/US%20Holidays/</href>
  <propstat><prop>
   <resourcetype><collection/><C:calendar xmlns:C="urn:ietf:params:xml:ns:caldav"/></resourcetype>
   <displayname>US Holidays</displayname>
   <current-user-privilege-set><privilege><read/></privilege><privilege><read-current-user-privilege-set/></privilege></current-user-privilege-set>
  </prop><status>HTTP/1.1 200 OK</status></propstat>
  <propstat><prop><C:supported-calendar-component-set xmlns:C="urn:ietf:params:xml:ns:caldav"/></prop><status>HTTP/1.1 404 Not Found</status></propstat>
 </response>
 <response>
  <href>/123456/calendars/reminders/</href>
  <propstat><prop>
   <resourcetype><collection/><calendar xmlns="urn:ietf:params:xml:ns:caldav"/></resourcetype>
   <displayname></displayname>
   <supported-calendar-component-set xmlns="urn:ietf:params:xml:ns:caldav"><comp name="VTODO"/></supported-calendar-component-set>
  </prop><status>HTTP/1.1 200 OK</status></propstat>
 </response>
</multistatus>`

func TestCalendarsOf(t *testing.T) {
	ms, err := parseMultistatus([]byte(icloudHome))
	if err != nil {
		t.Fatal(err)
	}
	ms.base = "https://p42-caldav.icloud.com/123456/calendars/"
	got := calendarsOf(ms)
	want := []calendar{
		{url: "https://p42-caldav.icloud.com/123456/calendars/home/", name: "Home", events: true},
		{url: "https://p42-caldav.icloud.com:443/123456/calendars/US%20Holidays/", name: "US Holidays", readOnly: true, events: true},
		{url: "https://p42-caldav.icloud.com/123456/calendars/reminders/", name: "reminders", events: false},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("calendar %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if p := primaryCalendar(got); p != want[0].url {
		t.Fatalf("primary %q, want %q", p, want[0].url)
	}
}

func TestParseMultistatusErrors(t *testing.T) {
	for _, body := range []string{"", "   ", "<html><body>login</body></html>", "<multistatus xmlns=\"DAV:\"><response>", "not xml at all"} {
		if _, err := parseMultistatus([]byte(body)); err == nil {
			t.Errorf("%q parsed", body)
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct{ base, href, want string }{
		{"https://caldav.icloud.com/", "/123/principal/", "https://caldav.icloud.com/123/principal/"},
		{"https://caldav.icloud.com/", "https://p42-caldav.icloud.com:443/123/calendars/", "https://p42-caldav.icloud.com:443/123/calendars/"},
		{"http://127.0.0.1:5232/", "/slotbox/work%20cal/", "http://127.0.0.1:5232/slotbox/work%20cal/"},
		{"https://dav.example.com/dav/", "calendars/", "https://dav.example.com/dav/calendars/"},
		{"https://dav.example.com/dav/", "  /x/?q=1#f  ", "https://dav.example.com/x/"},
	}
	for _, tc := range tests {
		got, err := resolve(tc.base, tc.href)
		if err != nil || got != tc.want {
			t.Errorf("resolve(%q, %q) = %q, %v; want %q", tc.base, tc.href, got, err, tc.want)
		}
	}
	for _, bad := range []string{"mailto:a@b.c", "file:///etc/passwd", "javascript:alert(1)"} {
		if got, err := resolve("https://dav.example.com/", bad); err == nil {
			t.Errorf("resolve(%q) = %q, want an error", bad, got)
		}
	}
}

func TestMailAddress(t *testing.T) {
	if got := mailAddress([]string{"/principals/alice/", "MAILTO:alice%40example.com", "mailto:other@example.com"}); got != "alice@example.com" {
		t.Fatalf("mailAddress = %q", got)
	}
	if got := mailAddress([]string{"urn:uuid:1"}); got != "" {
		t.Fatalf("mailAddress = %q, want none", got)
	}
}

func TestQuoteETag(t *testing.T) {
	for in, want := range map[string]string{`"abc"`: `"abc"`, `abc`: `"abc"`, `W/"abc"`: `W/"abc"`, ` "x" `: `"x"`, ``: ``} {
		if got := quoteETag(in); got != want {
			t.Errorf("quoteETag(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseMultistatus(f *testing.F) {
	f.Add([]byte(icloudHome))
	f.Add([]byte(`<multistatus xmlns="DAV:"><response><href>/a</href><status>HTTP/1.1 404 Not Found</status></response></multistatus>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ms, err := parseMultistatus(body)
		if err != nil {
			return
		}
		ms.base = "https://dav.example.com/home/"
		for _, c := range calendarsOf(ms) {
			if _, err := resolve(ms.base, c.url); err != nil {
				t.Fatalf("calendar URL %q does not resolve: %v", c.url, err)
			}
		}
		for _, r := range ms.Responses {
			_ = r.found()
			_ = r.responseStatus()
		}
	})
}

func TestHostRefusal(t *testing.T) {
	in := fmt.Errorf("http PROPFIND [x]: %w", &slotbox.Error{Code: abi.CodeInvalidInput, Message: `method "PROPFIND" not allowed`})
	var se *slotbox.Error
	if !errors.As(hostRefusal(in), &se) || se.Code != CodeHostRefused || !strings.Contains(se.Message, "PROPFIND") {
		t.Fatalf("hostRefusal(%v) = %v", in, se)
	}
	net := &slotbox.Error{Code: abi.CodeNetworkError, Message: "refused", Retryable: true}
	if got := hostRefusal(net); got != error(net) {
		t.Fatalf("hostRefusal changed %v into %v", net, got)
	}
}
