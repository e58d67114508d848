package jitsi_test

// These tests load the BUILT module, testdata/wasm/apps/jitsi.wasm (run
// apps/jitsi/build.sh after changing jitsi.c), into runtime.Engine with the
// real host functions that devhost binds for config.json: vault_get over a
// throwaway SQLite vault. The manifest grants no HTTP, so devhost binds no
// http_request at all.

import (
	"context"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/apps/internal/apptest"
	"github.com/slotbox/slotbox/internal/devhost"
	"github.com/slotbox/slotbox/runtime"
)

const modulePath = "../../testdata/wasm/apps/jitsi.wasm"

// roomPattern is a room name: 128 bits in lower-case base32, 26 characters.
var roomPattern = regexp.MustCompile(`^[a-z2-7]{26}$`)

// installations numbers installations, so each test gets fresh instances.
var installations atomic.Int64

func readModule(tb testing.TB) []byte {
	tb.Helper()
	wasm, err := os.ReadFile(modulePath)
	if err != nil {
		tb.Fatalf("read the built module (run apps/jitsi/build.sh): %v", err)
	}
	return wasm
}

func readManifest(tb testing.TB) *abi.Manifest {
	tb.Helper()
	b, err := os.ReadFile("config.json")
	if err != nil {
		tb.Fatal(err)
	}
	m, err := abi.ParseManifest(b)
	if err != nil {
		tb.Fatalf("config.json: %v", err)
	}
	return m
}

// jitsi is one installation of the app with its keys.
type jitsi struct {
	tb   testing.TB
	app  *runtime.App
	host *devhost.Host
	inst string
}

// install compiles the module with config.json and binds the host functions
// for an installation with keys.
func install(tb testing.TB, keys map[string]string) *jitsi {
	tb.Helper()
	ctx := context.Background()
	m := readManifest(tb)
	e, err := runtime.NewEngine(ctx, runtime.NewConfig().WithTimeout(30*time.Second))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = e.Close(ctx) })
	app, err := e.Compile(ctx, readModule(tb), m)
	if err != nil {
		tb.Fatalf("compile: %v", err)
	}
	host, err := devhost.New(ctx, m, keys, devhost.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(host.Close)
	return &jitsi{tb: tb, app: app, host: host, inst: fmt.Sprintf("inst-%d", installations.Add(1))}
}

// call runs method with input on the installation's instance.
func (j *jitsi) call(method, input string) *runtime.Result {
	j.tb.Helper()
	return j.app.Call(context.Background(), runtime.CallRequest{
		Installation: j.inst, Method: method, Input: []byte(input), Funcs: j.host.Funcs,
	})
}

// ok runs method, requires an ok envelope that matches the method's result
// schema and decodes it into v.
func (j *jitsi) ok(method, input string, v any) {
	j.tb.Helper()
	res := j.call(method, input)
	if res.Envelope.Error != nil {
		j.tb.Fatalf("%s: %v", method, res.Envelope.Error)
	}
	if err := abi.ValidateResult(method, res.Envelope.OK); err != nil {
		j.tb.Fatalf("%s: result %s does not match its schema: %v", method, res.Envelope.OK, err)
	}
	if err := json.Unmarshal(res.Envelope.OK, v); err != nil {
		j.tb.Fatalf("%s: decode %s: %v", method, res.Envelope.OK, err)
	}
}

// wantError requires an error envelope with code (and appCode for APP_ERROR).
func wantError(t *testing.T, res *runtime.Result, code abi.Code, appCode string, retryable bool) *abi.Error {
	t.Helper()
	e := res.Envelope.Error
	if e == nil {
		t.Fatalf("want error %s/%s, got ok %s", code, appCode, res.Envelope.OK)
	}
	if e.Code != code || e.AppCode != appCode || e.Retryable != retryable {
		t.Fatalf("want %s/%s retryable=%v, got %s/%s retryable=%v: %s", code, appCode, retryable, e.Code, e.AppCode, e.Retryable, e.Message)
	}
	if e.Message == "" {
		t.Fatal("error without a message")
	}
	return e
}

// event is a CalendarEvent input as the host sends it.
const event = `{"type":"intro","title":"Intro call","startTime":"2025-05-12T09:00:00Z","endTime":"2025-05-12T09:30:00Z",` +
	`"organizer":{"name":"Olga","email":"olga@example.com","timeZone":"Europe/Berlin","language":{"locale":"en"}},` +
	`"attendees":[{"name":"Ann","email":"ann@example.com","timeZone":"UTC","language":{"locale":"en"}}],` +
	`"uid":"booking-uid-1","location":"integrations:jitsi"}`

var createInput = `{"event":` + event + `}`

type videoCallData struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	Password string `json:"password"`
	URL      string `json:"url"`
}

func TestManifest(t *testing.T) {
	m := readManifest(t)
	if m.Permissions.HTTP != nil || m.Credential != nil || m.Permissions.KV {
		t.Fatalf("jitsi must grant no HTTP, credential or KV: %+v", m.Permissions)
	}
	if m.Category() != abi.CategoryConferencing || m.Type != "jitsi_video" {
		t.Fatalf("category %q type %q", m.Category(), m.Type)
	}
	loc := m.AppData.Location
	if loc == nil || loc.Type != "integrations:jitsi" || loc.Label != "Jitsi Video" || loc.LinkType != "dynamic" {
		t.Fatalf("appData.location = %+v", loc)
	}
	for _, tc := range []struct {
		keys string
		ok   bool
	}{
		{`{}`, true},
		{`{"jitsiHost":"meet.jit.si"}`, true},
		{`{"jitsiHost":"meet.example.com"}`, true},
		{`{"jitsiHost":"Video.Example.org:8443"}`, true},
		{`{"jitsiHost":"https://meet.jit.si"}`, false},
		{`{"jitsiHost":"meet.jit.si/room"}`, false},
		{`{"jitsiHost":"localhost"}`, false},
		{`{"jitsiHost":"meet..example.com"}`, false},
		{`{"jitsiHost":"-meet.example.com"}`, false},
		{`{"jitsiHost":"meet.example.com:0"}`, false},
		{`{"jitsiHost":"meet.example.com","other":"x"}`, false},
	} {
		err := m.ValidateKeys([]byte(tc.keys))
		if (err == nil) != tc.ok {
			t.Errorf("ValidateKeys(%s) = %v, want ok=%v", tc.keys, err, tc.ok)
		}
	}
}

// TestNoNetwork proves the module cannot reach the network: it imports no
// http_request, so the runtime accepts it with permissions that grant no
// HTTP, and without the vault grant the only refusal is vault_get.
func TestNoNetwork(t *testing.T) {
	ctx := context.Background()
	wasm := readModule(t)

	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	var imports []string
	for _, f := range cm.ImportedFunctions() {
		mod, name, _ := f.Import()
		imports = append(imports, mod+"."+name)
	}
	slices.Sort(imports)
	want := []string{"slotbox.take_result", "slotbox.vault_get", "wasi_snapshot_preview1.random_get"}
	if !slices.Equal(imports, want) {
		t.Fatalf("imports = %v, want %v", imports, want)
	}

	e, err := runtime.NewEngine(ctx, runtime.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(ctx)
	m := readManifest(t)
	if _, err := e.Compile(ctx, wasm, m); err != nil {
		t.Fatalf("with config.json's permissions (no http): %v", err)
	}
	bare := *m
	bare.Permissions = abi.Permissions{}
	_, err = e.Compile(ctx, wasm, &bare)
	var ve *runtime.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("with empty permissions: want a ValidationError, got %v", err)
	}
	if len(ve.Violations) != 1 || !ve.Has(runtime.RulePermission, "slotbox.vault_get") {
		t.Fatalf("with empty permissions: want exactly the vault_get refusal, got %v", ve)
	}
	host, err := devhost.New(ctx, m, nil, devhost.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	if _, ok := host.Funcs[abi.ImportHTTPRequest]; ok {
		t.Fatal("devhost bound http_request for a manifest without permissions.http")
	}
}

func TestCreateMeeting(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys map[string]string
		host string
	}{
		{"default host", nil, "meet.jit.si"},
		{"empty key", map[string]string{"jitsiHost": ""}, "meet.jit.si"},
		{"own server", map[string]string{"jitsiHost": "meet.example.com"}, "meet.example.com"},
		{"case and port", map[string]string{"jitsiHost": "Video.Example.ORG:8443"}, "video.example.org:8443"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := install(t, tc.keys)
			var v videoCallData
			j.ok(abi.MethodVideoCreateMeeting, createInput, &v)
			if v.Type != "jitsi_video" || v.Password != "" {
				t.Fatalf("type %q password %q", v.Type, v.Password)
			}
			if !roomPattern.MatchString(v.ID) {
				t.Fatalf("room %q is not 26 base32 characters", v.ID)
			}
			if want := "https://" + tc.host + "/" + v.ID; v.URL != want {
				t.Fatalf("url = %q, want %q", v.URL, want)
			}
		})
	}
}

// TestRoomsAreUnguessable checks that rooms come from fresh randomness:
// the same booking gets a different room on every call and on every new
// instance (a fixed seed would repeat the first room), no room contains the
// booking's uid, and each decodes to exactly 128 bits.
func TestRoomsAreUnguessable(t *testing.T) {
	j := install(t, nil)
	seen := map[string]bool{}
	const calls = 300
	for i := range calls {
		if i%100 == 0 {
			j.inst = fmt.Sprintf("inst-%d", installations.Add(1)) // a fresh instance
		}
		res := j.call(abi.MethodVideoCreateMeeting, createInput)
		if res.Envelope.Error != nil {
			t.Fatal(res.Envelope.Error)
		}
		if i%100 == 0 && !res.Instantiated {
			t.Fatal("a new installation did not get a new instance")
		}
		var v videoCallData
		if err := json.Unmarshal(res.Envelope.OK, &v); err != nil {
			t.Fatal(err)
		}
		if seen[v.ID] {
			t.Fatalf("room %q repeated after %d calls", v.ID, i)
		}
		seen[v.ID] = true
		if strings.Contains(v.ID, "booking") || strings.Contains(v.URL, "booking-uid-1") {
			t.Fatalf("room %q reveals the booking uid", v.URL)
		}
		raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(v.ID))
		if err != nil || len(raw) != 16 {
			t.Fatalf("room %q does not decode to 16 bytes: %v", v.ID, err)
		}
	}
	// The first character is the top 5 bits of the first random byte. Over
	// 300 rooms a given symbol is missing with probability (31/32)^300, about
	// 7e-5, so fewer than 24 of the 32 is practically impossible for a
	// uniform source and certain for a constant or badly biased one.
	first := map[byte]bool{}
	for id := range seen {
		first[id[0]] = true
	}
	if len(first) < 24 {
		t.Fatalf("only %d distinct first characters over %d rooms: the randomness is biased", len(first), calls)
	}
}

func TestUpdateMeetingKeepsTheRoom(t *testing.T) {
	j := install(t, map[string]string{"jitsiHost": "other.example.com"})
	var created videoCallData
	j.ok(abi.MethodVideoCreateMeeting, createInput, &created)

	ref := fmt.Sprintf(`{"type":"jitsi_video","uid":%q,"meetingId":%q,"meetingUrl":%q}`, created.ID, created.ID, created.URL)
	var updated videoCallData
	j.ok(abi.MethodVideoUpdateMeeting, `{"bookingRef":`+ref+`,"event":`+event+`}`, &updated)
	if updated != created {
		t.Fatalf("update changed the meeting: %+v, created %+v", updated, created)
	}

	// A reference without meetingId names the room by the URL's last segment.
	var byURL videoCallData
	j.ok(abi.MethodVideoUpdateMeeting, `{"bookingRef":{"type":"jitsi_video","uid":"","meetingUrl":"https://meet.jit.si/abc"},"event":`+event+`}`, &byURL)
	if byURL.ID != "abc" || byURL.URL != "https://meet.jit.si/abc" {
		t.Fatalf("by url: %+v", byURL)
	}

	for _, tc := range []struct{ name, ref string }{
		{"no meetingUrl", `{"type":"jitsi_video","uid":"x"}`},
		{"empty meetingUrl", `{"type":"jitsi_video","uid":"x","meetingUrl":""}`},
		{"not https", `{"type":"jitsi_video","uid":"x","meetingUrl":"javascript:alert(1)"}`},
		{"bookingRef not an object", `"x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := j.call(abi.MethodVideoUpdateMeeting, `{"bookingRef":`+tc.ref+`,"event":`+event+`}`)
			wantError(t, res, abi.CodeInvalidInput, "", false)
		})
	}
}

func TestDeleteAndAvailability(t *testing.T) {
	j := install(t, nil)
	var empty map[string]any
	j.ok(abi.MethodVideoDeleteMeeting, `{"uid":"abcdefghijklmnopqrstuvwxyz"}`, &empty)
	if len(empty) != 0 {
		t.Fatalf("deleteMeeting = %v, want {}", empty)
	}
	wantError(t, j.call(abi.MethodVideoDeleteMeeting, `{}`), abi.CodeInvalidInput, "", false)

	var busy []any
	j.ok(abi.MethodVideoGetAvailability, `{"dateFrom":"2025-05-12T00:00:00Z","dateTo":"2025-05-13T00:00:00Z"}`, &busy)
	if len(busy) != 0 {
		t.Fatalf("getAvailability = %v, want []", busy)
	}
}

func TestCheckKeys(t *testing.T) {
	for _, tc := range []struct {
		name    string
		keys    map[string]string
		valid   bool
		message string
	}{
		{"default", nil, true, "meet.jit.si"},
		{"own server", map[string]string{"jitsiHost": "meet.example.com"}, true, ""},
		{"url", map[string]string{"jitsiHost": "https://meet.example.com/"}, false, "without https:// or a path"},
		{"single label", map[string]string{"jitsiHost": "jitsi"}, false, "fully qualified"},
		{"ip address", map[string]string{"jitsiHost": "10.0.0.1"}, false, "not an IP address"},
		{"bad port", map[string]string{"jitsiHost": "meet.example.com:99999"}, false, "port"},
		{"long label", map[string]string{"jitsiHost": strings.Repeat("a", 64) + ".example.com"}, false, "63"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := install(t, tc.keys)
			var got struct {
				Valid   bool   `json:"valid"`
				Message string `json:"message"`
			}
			j.ok(abi.MethodAppCheckKeys, `{}`, &got)
			if got.Valid != tc.valid || !strings.Contains(got.Message, tc.message) {
				t.Fatalf("checkKeys = %+v, want valid=%v message containing %q", got, tc.valid, tc.message)
			}
		})
	}
}

// TestErrors checks that every failure answers a clear error, never an ok.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		keys      map[string]string
		method    string
		input     string
		code      abi.Code
		appCode   string
		retryable bool
	}{
		{"malformed jitsiHost", map[string]string{"jitsiHost": "meet.example.com/path"}, abi.MethodVideoCreateMeeting, createInput, abi.CodeAppError, "INVALID_KEYS", false},
		{"no event", nil, abi.MethodVideoCreateMeeting, `{}`, abi.CodeInvalidInput, "", false},
		{"event not an object", nil, abi.MethodVideoCreateMeeting, `{"event":[]}`, abi.CodeInvalidInput, "", false},
		{"not json", nil, abi.MethodVideoCreateMeeting, `{"event":`, abi.CodeInvalidInput, "", false},
		{"other category", nil, abi.MethodCalendarCreateEvent, createInput, abi.CodeNotImplemented, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := install(t, tc.keys)
			wantError(t, j.call(tc.method, tc.input), tc.code, tc.appCode, tc.retryable)
		})
	}
}

// BenchmarkMainCreateMeeting is the warm call of the app's main method.
func BenchmarkMainCreateMeeting(b *testing.B) {
	j := install(b, map[string]string{"jitsiHost": "meet.example.com"})
	j.ok(abi.MethodVideoCreateMeeting, createInput, new(videoCallData)) // instantiate outside the loop
	b.ReportAllocs()
	for b.Loop() {
		if res := j.call(abi.MethodVideoCreateMeeting, createInput); res.Envelope.Error != nil {
			b.Fatal(res.Envelope.Error)
		}
	}
}

// BenchmarkCompile is Engine.Compile of the module on a fresh engine.
func BenchmarkCompile(b *testing.B) {
	apptest.BenchCompile(b, readModule(b), readManifest(b))
}

// BenchmarkInstantiate is the first call of a new installation: a new
// instance (instantiation and _initialize) plus video.getAvailability, which
// makes no host call.
func BenchmarkInstantiate(b *testing.B) {
	apptest.BenchInstantiate(b, readModule(b), readManifest(b), abi.MethodVideoGetAvailability,
		[]byte(`{"dateFrom":"2025-05-12T00:00:00Z","dateTo":"2025-05-13T00:00:00Z"}`), "")
}
