package main_test

// Tests of the built module testdata/wasm/apps/applecalendar.wasm. iCloud
// is never dialled: the manifest is strict (no key can point the app
// elsewhere), so these tests check that every call fails cleanly, with the
// host's code, when iCloud cannot be reached or may not be. The CalDAV
// logic itself is tested against servers in apps/caldav and, preset for
// iCloud, natively in package applecalendar.

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/internal/apptest"
)

// keys are well-formed iCloud keys.
var keys = map[string]string{"username": "alice@icloud.com", "password": "abcd-efgh-ijkl-mnop"}

func TestManifest(t *testing.T) {
	m, err := readManifest()
	if err != nil {
		t.Fatalf("abi.ParseManifest refuses config.json: %v", err)
	}
	if m.Slug != slug || m.Type != "applecalendar_calendar" || m.Category() != abi.CategoryCalendar {
		t.Fatalf("slug %q type %q category %q", m.Slug, m.Type, m.Category())
	}
	if got := m.Permissions.HTTP.AllowedHosts; !slices.Equal(got, []string{"caldav.icloud.com", "*.icloud.com"}) {
		t.Fatalf("allowedHosts %v", got)
	}
	if m.Permissions.Vault != nil || m.Permissions.KV {
		t.Fatalf("permissions %+v: the app reads no key and keeps no state", m.Permissions)
	}
	if c := m.Credential; c == nil || c.Inject != abi.InjectBasic || c.Field != "password" || c.Username != "username" {
		t.Fatalf("credential %+v", m.Credential)
	}
	for _, tc := range []struct {
		keys string
		ok   bool
	}{
		{`{"username":"alice@icloud.com","password":"abcd-efgh-ijkl-mnop"}`, true},
		{`{"username":"alice@icloud.com","password":"abcdefghijklmnop"}`, true},
		{`{"username":"alice@icloud.com","password":"hunter2"}`, false},
		{`{"password":"abcd-efgh-ijkl-mnop"}`, false},
		{`{"username":"alice@icloud.com","password":"abcd-efgh-ijkl-mnop","url":"https://evil.example/"}`, false},
	} {
		if err := m.ValidateKeys([]byte(tc.keys)); (err == nil) != tc.ok {
			t.Errorf("keys %s: valid=%v, want %v (%v)", tc.keys, err == nil, tc.ok, err)
		}
	}
}

// TestNoNetwork checks the calls that reach iCloud first thing.
func TestNoNetwork(t *testing.T) {
	private := resolver{"caldav.icloud.com": {netip.MustParseAddr("10.0.0.1")}, "p42-caldav.icloud.com": {netip.MustParseAddr("10.0.0.2")}}
	loopback := resolver{"caldav.icloud.com": {netip.MustParseAddr("127.0.0.1")}}
	create := func(calendar string) any {
		return abi.CalendarCreateEventInput{ExternalCalendarID: calendar, Event: abi.CalendarEvent{
			Title: "t", StartTime: "2030-03-04T14:00:00Z", EndTime: "2030-03-04T15:00:00Z",
			Organizer: abi.Person{Name: "O", Email: "o@icloud.com"}, ICalUID: "apple-1@Cal.com"}}
	}
	tests := []struct {
		name    string
		keys    map[string]string
		res     resolver
		method  string
		input   any
		appCode abi.Code
	}{
		{"checkKeys, no DNS", keys, resolver{}, abi.MethodAppCheckKeys, map[string]any{}, abi.CodeNetworkError},
		{"listCalendars, no DNS", keys, resolver{}, abi.MethodCalendarListCalendars, map[string]any{}, abi.CodeNetworkError},
		{"checkKeys, private address", keys, private, abi.MethodAppCheckKeys, map[string]any{}, abi.CodePermissionDenied},
		{"listCalendars, loopback", keys, loopback, abi.MethodCalendarListCalendars, map[string]any{}, abi.CodePermissionDenied},
		{"checkKeys, no credential", nil, resolver{}, abi.MethodAppCheckKeys, map[string]any{}, abi.CodePermissionDenied},
		{"createEvent, partition host", keys, private, abi.MethodCalendarCreateEvent, create("https://p42-caldav.icloud.com/123/calendars/home/"), abi.CodePermissionDenied},
		{"createEvent, calendar outside iCloud", keys, resolver{}, abi.MethodCalendarCreateEvent, create("https://calendar.example.com/cal/"), abi.CodePermissionDenied},
		{"createEvent, plain http", keys, resolver{}, abi.MethodCalendarCreateEvent, create("http://caldav.icloud.com/123/calendars/home/"), abi.CodePermissionDenied},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.keys, tc.res)
			env := h.Call(tc.method, tc.input).Envelope
			if env.Error == nil {
				t.Fatalf("succeeded with %s", env.OK)
			}
			if env.Error.Code != abi.CodeAppError || env.Error.AppCode != string(tc.appCode) {
				t.Fatalf("got %+v, want APP_ERROR[%s]", env.Error, tc.appCode)
			}
			if strings.Contains(env.Error.Message, keys["password"]) || strings.Contains(env.Error.Message, "10.0.0.") {
				t.Fatalf("the error leaks the password or an internal address: %s", env.Error.Message)
			}
		})
	}
}

// BenchmarkCheckKeysRefused is a warm call of the app through the host up to
// the address policy, which refuses iCloud's (resolved) private address:
// the app's and the host's share of a call, without the network.
func BenchmarkCheckKeysRefused(b *testing.B) {
	h := newHarness(b, keys, resolver{"caldav.icloud.com": {netip.MustParseAddr("10.0.0.1")}})
	h.Call(abi.MethodAppCheckKeys, map[string]any{})
	for b.Loop() {
		if env := h.Call(abi.MethodAppCheckKeys, map[string]any{}).Envelope; env.Error == nil {
			b.Fatal("checkKeys succeeded")
		}
	}
}

// BenchmarkCompile is the time to validate, meter and compile the module
// in a fresh engine without a cache.
func BenchmarkCompile(b *testing.B) {
	_, man := loadModule(b)
	apptest.BenchCompile(b, apptest.ReadModule(b, slug), man)
}

// BenchmarkInstantiate is the time to instantiate the module (its
// _initialize included) and serve one trivial call on the new instance.
func BenchmarkInstantiate(b *testing.B) {
	_, man := loadModule(b)
	apptest.BenchInstantiate(b, apptest.ReadModule(b, slug), man, abi.MethodCRMGetContacts, []byte(`{}`), abi.CodeNotImplemented)
}
