package abi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/abi/internal/schemagen"
)

// TestSchemasUpToDate regenerates the schemas in memory and compares them
// with the committed files, which abi embeds.
func TestSchemasUpToDate(t *testing.T) {
	want, err := schemagen.Generate(".")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("schema", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var committed []string
	for _, f := range files {
		committed = append(committed, filepath.Base(f))
	}
	var generated []string
	for name := range want {
		generated = append(generated, name)
	}
	sort.Strings(generated)
	if !slices.Equal(committed, generated) {
		t.Fatalf("abi/schema holds %q, the generator makes %q: run go generate ./abi", committed, generated)
	}
	for name, b := range want {
		got, err := os.ReadFile(filepath.Join("schema", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, b) {
			t.Errorf("abi/schema/%s is stale: run go generate ./abi", name)
		}
	}
	for _, m := range abi.Methods() {
		if !bytes.Equal(abi.InputSchema(m.Name), want[schemagen.InputFile(m.Name)]) ||
			!bytes.Equal(abi.ResultSchema(m.Name), want[schemagen.ResultFile(m.Name)]) {
			t.Errorf("embedded schemas of %s differ from the generated ones: rebuild after go generate ./abi", m.Name)
		}
	}
	if !bytes.Equal(abi.ManifestSchema(), want[schemagen.ManifestFile]) {
		t.Error("embedded manifest schema differs from the generated one")
	}
}

func readEvent(t testing.TB) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "calendar_event.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCalendarEventRoundTrip checks that a CalendarEvent in Cal.com's shape,
// nulls included, validates, decodes into the Go types and validates again
// after the Go types encode it.
func TestCalendarEventRoundTrip(t *testing.T) {
	in := []byte(`{"event":` + string(readEvent(t)) + `,"externalCalendarId":"ada@example.com"}`)
	if err := abi.ValidateInput(abi.MethodCalendarCreateEvent, in); err != nil {
		t.Fatalf("Cal.com-shaped input rejected: %v", err)
	}
	var got abi.CalendarCreateEventInput
	if err := json.Unmarshal(in, &got); err != nil {
		t.Fatal(err)
	}
	ev := got.Event
	checks := []struct {
		name      string
		got, want any
	}{
		{"externalCalendarId", got.ExternalCalendarID, "ada@example.com"},
		{"startTime", ev.StartTime, "2025-05-12T09:00:00Z"},
		{"organizer.language", ev.Organizer.Language.Locale, "en"},
		{"organizer.timeFormat", ev.Organizer.TimeFormat, abi.TimeFormat24h},
		{"attendees[0].email", ev.Attendees[0].Email, "grace@example.org"},
		{"team.members[0].name", ev.Team.Members[0].Name, "Charles Babbage"},
		{"iCalUID", ev.ICalUID, "bFJeNb2uX8ANpT3JL5EfXw@Cal.com"},
		{"destinationCalendar[0].credentialId", ev.DestinationCalendar[0].CredentialID, int64(11)},
		{"videoCallData.url", ev.VideoCallData.URL, "https://meet.example.com/room-123"},
		{"responses.notes.label", ev.Responses["notes"].Label, "additional_notes"},
		{"responses.location.value", string(ev.Responses["location"].Value), `{ "value": "integrations:daily", "optionValue": "" }`},
		{"appsStatus[0].type", ev.AppsStatus[0].Type, "daily_video"},
		{"bookingId", ev.BookingID, int64(1234)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if err := abi.ValidateInput(abi.MethodCalendarCreateEvent, out); err != nil {
		t.Errorf("Go-encoded input rejected: %v\n%s", err, out)
	}
}

func TestValidateInput(t *testing.T) {
	event := string(readEvent(t))
	tests := []struct {
		name, method, input string
		want                []string // problem paths; none means valid
	}{
		{"update", abi.MethodCalendarUpdateEvent, `{"uid":"abc","event":` + event + `}`, nil},
		{"empty input for checkKeys", abi.MethodAppCheckKeys, `{}`, nil},
		{"availability", abi.MethodCalendarGetAvailability, `{"dateFrom":"2025-05-01T00:00:00Z","dateTo":"2025-06-01T00:00:00.000Z","selectedCalendars":[{"externalId":"primary","integration":"google_calendar"}]}`, nil},
		{"payment", abi.MethodPaymentCreate, `{"payment":{"amount":2500,"currency":"usd"},"bookingId":1,"bookerName":"Grace","bookerEmail":"g@example.org","paymentOption":"HOLD"}`, nil},
		{"trigger", abi.MethodAutomationOnTrigger, `{"triggerEvent":"BOOKING_CREATED","createdAt":"2025-05-12T09:00:00Z","payload":{"title":"x"}}`, nil},
		{"missing event", abi.MethodCalendarCreateEvent, `{}`, []string{"/event"}},
		{"unknown field", abi.MethodCalendarDeleteEvent, `{"uid":"a","event":` + event + `,"force":true}`, []string{"/force"}},
		{"not UTC ISO time", abi.MethodCalendarGetAvailability, `{"dateFrom":"May 1","dateTo":"2025-06-01T00:00:00Z","selectedCalendars":[]}`, []string{"/dateFrom"}},
		{"nested problems all at once", abi.MethodCalendarCreateEvent,
			`{"event":{"type":"30min","title":"t","startTime":"2025-05-12T09:00:00Z","endTime":"2025-05-12T09:30:00Z",` +
				`"organizer":{"name":"Ada","email":"a@example.com","timeZone":"UTC","language":{"locale":"en","translate":"fn"}},` +
				`"attendees":[{"name":1,"email":"g@example.org","timeZone":"UTC"}],"paymentInfo":{"amount":"ten"},"schedulingType":"SOLO","iCalSequence":-1}}`,
			[]string{"/event/attendees/0/language", "/event/attendees/0/name", "/event/iCalSequence", "/event/organizer/language/translate", "/event/paymentInfo/amount", "/event/schedulingType"}},
		{"enum", abi.MethodPaymentCreate, `{"payment":{"amount":1,"currency":"usd"},"bookingId":1,"bookerName":"G","bookerEmail":"g@example.org","paymentOption":"LATER"}`, []string{"/paymentOption"}},
		{"negative amount and bad currency", abi.MethodPaymentCreate, `{"payment":{"amount":-1,"currency":"dollars"},"bookingId":1,"bookerName":"G","bookerEmail":"g@example.org","paymentOption":"HOLD"}`, []string{"/payment/amount", "/payment/currency"}},
		{"payload not an object", abi.MethodAutomationOnTrigger, `{"triggerEvent":"BOOKING_CREATED","createdAt":"2025-05-12T09:00:00Z","payload":[]}`, []string{"/payload"}},
		{"not JSON", abi.MethodCalendarListCalendars, `{`, []string{""}},
		{"two documents", abi.MethodCalendarListCalendars, `{} {}`, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkValidation(t, abi.ValidateInput(tt.method, []byte(tt.input)), tt.method, "input", tt.want)
		})
	}
}

func checkValidation(t *testing.T, err error, method, part string, want []string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("rejected: %v", err)
		}
		return
	}
	var ve *abi.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not *abi.ValidationError", err, err)
	}
	if ve.Method != method || ve.Part != part {
		t.Errorf("error names %s %s, want %s %s", ve.Method, ve.Part, method, part)
	}
	if got := paths(ve.Problems); !slices.Equal(got, want) {
		t.Errorf("problems at %q, want %q:\n%v", got, want, ve)
	}
	if !strings.Contains(err.Error(), "method["+method+"] "+part) {
		t.Errorf("error text %q does not name the method", err)
	}
}

func TestValidateResult(t *testing.T) {
	tests := []struct {
		name, method, result string
		want                 []string
	}{
		{"calendar event, extra fields", abi.MethodCalendarCreateEvent,
			`{"uid":"e1","id":"e1","type":"acme_calendar","password":"","url":"","additionalInfo":{"calWarnings":[]},"etag":"\"123\"","raw":{"x":[1,2]}}`, nil},
		{"calendar event, Cal.com nulls", abi.MethodCalendarUpdateEvent,
			`{"uid":"","id":"g-1","type":"google_calendar","password":"","url":"","additionalInfo":{},"iCalUID":null,"thirdPartyRecurringEventId":null}`, nil},
		{"calendar event, minimal", abi.MethodCalendarCreateEvent, `{"uid":"e1","id":"e1"}`, nil},
		{"calendar event, garbage types", abi.MethodCalendarCreateEvent, `{"uid":5,"id":["x"],"additionalInfo":"none","conferenceData":{"createRequest":1}}`,
			[]string{"/additionalInfo", "/conferenceData/createRequest", "/id", "/uid"}},
		{"calendar event, missing ids", abi.MethodCalendarCreateEvent, `{"type":"acme_calendar"}`, []string{"/id", "/uid"}},
		{"calendar event, not an object", abi.MethodCalendarCreateEvent, `"ok"`, []string{""}},
		{"busy times", abi.MethodCalendarGetAvailability, `[{"start":"2025-05-12T09:00:00Z","end":"2025-05-12T10:00:00+02:00","source":null,"userId":3}]`, nil},
		{"busy times, empty", abi.MethodCalendarGetAvailability, `[]`, nil},
		{"busy times, bad", abi.MethodCalendarGetAvailability, `[{"start":"tomorrow"},{"start":"2025-05-12T09:00:00Z","end":1}]`, []string{"/0/end", "/0/start", "/1/end"}},
		{"busy times, null", abi.MethodCalendarGetAvailability, `null`, []string{""}},
		{"calendars", abi.MethodCalendarListCalendars, `[{"externalId":"https://dav.example.com/cal/1/","name":"Work","primary":true,"readOnly":false,"integration":"caldav_calendar"}]`, nil},
		{"calendars, no externalId", abi.MethodCalendarListCalendars, `[{"name":"Work"}]`, []string{"/0/externalId"}},
		{"delete answers {}", abi.MethodCalendarDeleteEvent, `{}`, nil},
		{"delete answers extra", abi.MethodCalendarDeleteEvent, `{"deleted":true}`, nil},
		{"delete answers array", abi.MethodCalendarDeleteEvent, `[]`, []string{""}},
		{"video", abi.MethodVideoCreateMeeting, `{"type":"acme_video","id":"m1","password":"","url":"https://meet.example.com/m1"}`, nil},
		{"video without url", abi.MethodVideoUpdateMeeting, `{"type":"acme_video","id":"m1","password":null}`, []string{"/password", "/url"}},
		{"crm event", abi.MethodCRMCreateEvent, `{"id":"00U123","type":"salesforce_crm"}`, nil},
		{"contacts", abi.MethodCRMGetContacts, `[{"id":"c1","email":"a@example.com","ownerEmail":"o@example.com","recordType":"Lead"}]`, nil},
		{"contacts, numeric id", abi.MethodCRMCreateContacts, `[{"id":17,"email":"a@example.com"}]`, []string{"/0/id"}},
		{"payment", abi.MethodPaymentCreate, `{"id":"pi_1","success":false,"url":"https://pay.example.com/pi_1","data":{"client_secret":"x"}}`, nil},
		{"payment, success as string", abi.MethodPaymentCreate, `{"id":"pi_1","success":"yes","url":""}`, []string{"/success"}},
		{"webhook", abi.MethodPaymentHandleWebhook, `{"paymentId":"pi_1","status":"succeeded"}`, nil},
		{"webhook, unknown status", abi.MethodPaymentHandleWebhook, `{"paymentId":"pi_1","status":"paid"}`, []string{"/status"}},
		{"refund", abi.MethodPaymentRefund, `{"id":"pi_1","refunded":true}`, nil},
		{"checkKeys", abi.MethodAppCheckKeys, `{"valid":false,"message":"The API key was revoked."}`, nil},
		{"checkKeys without valid", abi.MethodAppCheckKeys, `{"message":"ok"}`, []string{"/valid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkValidation(t, abi.ValidateResult(tt.method, []byte(tt.result)), tt.method, "result", tt.want)
		})
	}
}

// Results built with the Go types validate: a Go guest that fills the
// fields the contract requires never trips BAD_OUTPUT.
func TestGoResultsValidate(t *testing.T) {
	results := map[string]any{
		abi.MethodCalendarCreateEvent:     abi.NewCalendarEventType{UID: "u", ID: "u", Type: "acme_calendar"},
		abi.MethodCalendarGetAvailability: abi.CalendarGetAvailabilityResult{{Start: "2025-05-12T09:00:00Z", End: "2025-05-12T10:00:00Z"}},
		abi.MethodCalendarListCalendars:   abi.CalendarListCalendarsResult{{ExternalID: "primary", Primary: true}},
		abi.MethodCalendarDeleteEvent:     abi.Empty{},
		abi.MethodCRMCreateEvent:          abi.CrmEvent{ID: "1"},
		abi.MethodCRMGetContacts:          abi.CRMGetContactsResult{{ID: "1", Email: "a@example.com"}},
		abi.MethodPaymentCreate:           abi.PaymentCreateResult{ID: "pi", URL: "https://pay.example.com"},
		abi.MethodPaymentHandleWebhook:    abi.PaymentHandleWebhookResult{Status: abi.PaymentIgnored},
		abi.MethodVideoCreateMeeting:      abi.VideoCallData{Type: "acme_video", ID: "m", URL: "https://meet.example.com/m"},
		abi.MethodAppCheckKeys:            abi.AppCheckKeysResult{Valid: true},
	}
	for method, v := range results {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := abi.ValidateResult(method, b); err != nil {
			t.Errorf("%s: %v\n%s", method, err, b)
		}
	}
}

func TestValidateUnknownMethod(t *testing.T) {
	for _, err := range []error{
		abi.ValidateInput("calendar.nope", []byte(`{}`)),
		abi.ValidateResult("", []byte(`{}`)),
	} {
		if !errors.Is(err, abi.ErrUnknownMethod) {
			t.Errorf("error %v does not wrap ErrUnknownMethod", err)
		}
	}
}

// TestValidateConcurrent runs first use of a schema from many goroutines;
// with -race it checks that the lazy compilation is safe.
func TestValidateConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := abi.Methods()[i%len(abi.Methods())]
			if err := abi.ValidateResult(m.Name, []byte(`{"bogus":1}`)); err != nil {
				var ve *abi.ValidationError
				if !errors.As(err, &ve) {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestSchemasAreCopies(t *testing.T) {
	s := abi.InputSchema(abi.MethodCalendarCreateEvent)
	s[0] = 'X'
	if abi.InputSchema(abi.MethodCalendarCreateEvent)[0] != '{' {
		t.Error("InputSchema returns shared memory")
	}
}

func BenchmarkValidateResult(b *testing.B) {
	result := mustJSON(b, abi.NewCalendarEventType{
		UID: "bFJeNb2uX8ANpT3JL5EfXw", ID: "6b2c1e0f9d8a4c3b", Type: "google_calendar",
		URL: "https://calendar.example.com/event?eid=6b2c1e0f9d8a4c3b", ICalUID: "bFJeNb2uX8ANpT3JL5EfXw@Cal.com",
		AdditionalInfo: map[string]any{"hangoutLink": "https://meet.example.com/abc-defg-hij", "calWarnings": []string{}},
		HangoutLink:    "https://meet.example.com/abc-defg-hij",
	})
	if err := abi.ValidateResult(abi.MethodCalendarCreateEvent, result); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(result)))
	b.ReportAllocs()
	for b.Loop() {
		if err := abi.ValidateResult(abi.MethodCalendarCreateEvent, result); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateInputCalendarEvent(b *testing.B) {
	in := []byte(`{"event":` + string(readEvent(b)) + `}`)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if err := abi.ValidateInput(abi.MethodCalendarCreateEvent, in); err != nil {
			b.Fatal(err)
		}
	}
}
