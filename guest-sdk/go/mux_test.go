package slotbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

// testCalendar implements part of Calendar and KeysChecker, with behaviour
// chosen by the event title.
type testCalendar struct{}

func (testCalendar) CreateEvent(_ context.Context, in *abi.CalendarCreateEventInput) (*abi.NewCalendarEventType, error) {
	switch in.Event.Title {
	case "plain error":
		return nil, errors.New("backend down")
	case "coded error":
		return nil, fmt.Errorf("write: %w", &Error{Code: "QUOTA", Message: "over quota", Retryable: true})
	case "panic":
		panic("kaboom")
	case "nil":
		return nil, nil
	case "html":
		return &abi.NewCalendarEventType{UID: "<&>", ID: "1"}, nil
	}
	return &abi.NewCalendarEventType{UID: "u-" + in.Event.Title, ID: "1", Type: "test", URL: "https://x/" + in.ExternalCalendarID}, nil
}

func (testCalendar) GetAvailability(_ context.Context, in *abi.CalendarGetAvailabilityInput) ([]abi.EventBusyDate, error) {
	if in.DateFrom == "none" {
		return nil, nil
	}
	return []abi.EventBusyDate{{Start: in.DateFrom, End: in.DateTo}}, nil
}

func (testCalendar) DeleteEvent(context.Context, *abi.CalendarDeleteEventInput) error { return nil }

func (testCalendar) CheckKeys(context.Context, *abi.AppCheckKeysInput) (*abi.AppCheckKeysResult, error) {
	return &abi.AppCheckKeysResult{Valid: true}, nil
}

func TestMuxCall(t *testing.T) {
	mux := NewMux()
	mux.Register(testCalendar{})
	tests := []struct {
		name   string
		method string
		in     string
		want   string
	}{
		{"ok result", abi.MethodCalendarCreateEvent, `{"event":{"title":"a"},"externalCalendarId":"primary"}`,
			`{"ok":{"uid":"u-a","id":"1","type":"test","password":"","url":"https://x/primary"}}`},
		{"no HTML escaping", abi.MethodCalendarCreateEvent, `{"event":{"title":"html"}}`,
			`{"ok":{"uid":"<&>","id":"1","type":"","password":"","url":""}}`},
		{"list result", abi.MethodCalendarGetAvailability, `{"dateFrom":"a","dateTo":"b","selectedCalendars":[]}`,
			`{"ok":[{"start":"a","end":"b"}]}`},
		{"nil list is []", abi.MethodCalendarGetAvailability, `{"dateFrom":"none"}`, `{"ok":[]}`},
		{"empty result", abi.MethodCalendarDeleteEvent, `{"uid":"x","event":{}}`, `{"ok":{}}`},
		{"empty input reads as {}", abi.MethodAppCheckKeys, ``, `{"ok":{"valid":true}}`},
		{"unknown fields are ignored", abi.MethodAppCheckKeys, `{"future":1}`, `{"ok":{"valid":true}}`},
		{"method of the category not implemented", abi.MethodCalendarListCalendars, `{}`,
			`{"error":{"code":"NOT_IMPLEMENTED","message":"method \"calendar.listCalendars\" is not implemented by this app","retryable":false}}`},
		{"method of another category", abi.MethodCRMCreateEvent, `{}`,
			`{"error":{"code":"NOT_IMPLEMENTED","message":"method \"crm.createEvent\" is not implemented by this app","retryable":false}}`},
		{"unknown method", "nope", `{}`,
			`{"error":{"code":"NOT_IMPLEMENTED","message":"method \"nope\" is not implemented by this app","retryable":false}}`},
		{"bad JSON", abi.MethodCalendarCreateEvent, `{"event":`,
			`{"error":{"code":"INVALID_INPUT","message":"decode input: unexpected end of JSON input","retryable":false}}`},
		{"wrong JSON type", abi.MethodAppCheckKeys, `[1]`,
			`{"error":{"code":"INVALID_INPUT","message":"decode input: json: cannot unmarshal array into Go value of type abi.Empty","retryable":false}}`},
		{"plain error", abi.MethodCalendarCreateEvent, `{"event":{"title":"plain error"}}`,
			`{"error":{"code":"INTERNAL","message":"backend down","retryable":false}}`},
		{"coded error", abi.MethodCalendarCreateEvent, `{"event":{"title":"coded error"}}`,
			`{"error":{"code":"QUOTA","message":"write: QUOTA: over quota","retryable":true}}`},
		{"panic", abi.MethodCalendarCreateEvent, `{"event":{"title":"panic"}}`,
			`{"error":{"code":"INTERNAL","message":"panic in calendar.createEvent: kaboom","retryable":false}}`},
		{"nil result", abi.MethodCalendarCreateEvent, `{"event":{"title":"nil"}}`,
			`{"error":{"code":"INTERNAL","message":"method returned neither a result nor an error","retryable":false}}`},
	}
	host := &recordingHost{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mux.Call(host.ctx(), tt.method, []byte(tt.in))
			if string(got) != tt.want {
				t.Fatalf("Call(%s, %s)\n got %s\nwant %s", tt.method, tt.in, got, tt.want)
			}
		})
	}
}

func TestMuxPanicLogsStack(t *testing.T) {
	mux := NewMux()
	mux.Register(testCalendar{})
	host := &recordingHost{}
	mux.Call(host.ctx(), abi.MethodCalendarCreateEvent, []byte(`{"event":{"title":"panic"}}`))
	if len(host.logs) != 1 {
		t.Fatalf("logged %d lines, want 1", len(host.logs))
	}
	l := host.logs[0]
	if l.level != int32(abi.LogError) || !strings.HasPrefix(l.msg, "panic in calendar.createEvent: kaboom\n") ||
		!strings.Contains(l.msg, "goroutine ") {
		t.Fatalf("panic log = %d %q", l.level, l.msg)
	}
}

func TestMuxCallReturnsACopy(t *testing.T) {
	mux := NewMux()
	mux.Register(testCalendar{})
	first := mux.Call(context.Background(), abi.MethodCalendarCreateEvent, []byte(`{"event":{"title":"a"}}`))
	keep := string(first)
	mux.Call(context.Background(), abi.MethodCalendarCreateEvent, []byte(`{"event":{"title":"b"}}`))
	if string(first) != keep {
		t.Fatalf("a later call changed an earlier result: %s", first)
	}
}

func TestMuxLargeOutputNotKept(t *testing.T) {
	mux := NewMux()
	mux.Register(bigLister{})
	mux.serve(context.Background(), []byte(abi.MethodCalendarListCalendars), nil)
	if mux.out.Cap() <= maxKeptOutput {
		t.Fatalf("output buffer cap %d, expected a large one", mux.out.Cap())
	}
	mux.serve(context.Background(), []byte(abi.MethodAppCheckKeys), nil)
	if mux.out.Cap() > maxKeptOutput {
		t.Fatalf("large output buffer (cap %d) kept after the next call", mux.out.Cap())
	}
}

type bigLister struct{}

func (bigLister) ListCalendars(context.Context, *abi.CalendarListCalendarsInput) ([]abi.IntegrationCalendar, error) {
	return []abi.IntegrationCalendar{{ExternalID: strings.Repeat("x", 2*maxKeptOutput)}}, nil
}

func TestRegister(t *testing.T) {
	tests := []struct {
		name     string
		register func(*Mux)
		want     []string
	}{
		{"partial calendar", func(m *Mux) { m.Register(testCalendar{}) }, []string{abi.MethodAppCheckKeys,
			abi.MethodCalendarCreateEvent, abi.MethodCalendarDeleteEvent, abi.MethodCalendarGetAvailability}},
		{"one method", func(m *Mux) { m.Register(bigLister{}) }, []string{abi.MethodCalendarListCalendars}},
		{"every category", allApp{}.register, allMethods()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := NewMux()
			tt.register(mux)
			got := mux.Methods()
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Fatalf("methods = %v, want %v", got, want)
			}
		})
	}
}

func TestRegisterPanics(t *testing.T) {
	tests := []struct {
		name string
		do   func()
		want string
	}{
		{"no methods", func() { NewMux().Register(struct{}{}) }, "has none of the methods"},
		{"wrong signature", func() { NewMux().Register(wrongSignature{}) }, "has none of the methods"},
		{"twice", func() { m := NewMux(); m.Register(bigLister{}); m.Register(bigLister{}) }, "registered twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				v := recover()
				if s, _ := v.(string); !strings.Contains(s, tt.want) {
					t.Fatalf("panic = %v, want it to contain %q", v, tt.want)
				}
			}()
			tt.do()
		})
	}
}

// wrongSignature has ListCalendars with the wrong result type.
type wrongSignature struct{}

func (wrongSignature) ListCalendars(context.Context, *abi.CalendarListCalendarsInput) ([]string, error) {
	return nil, nil
}

// allMethods returns every method of the catalogue.
func allMethods() []string {
	var out []string
	for _, m := range abi.Methods() {
		out = append(out, m.Name)
	}
	return out
}

// TestEveryCatalogueMethodHasABinder keeps binders in step with abi.
func TestEveryCatalogueMethodHasABinder(t *testing.T) {
	var have []string
	for _, b := range binders {
		have = append(have, b.method)
	}
	slices.Sort(have)
	want := allMethods()
	slices.Sort(want)
	if !slices.Equal(have, want) {
		t.Fatalf("binders cover %v\ncatalogue has %v", have, want)
	}
}

// TestEveryMethodRoundTrips calls every method of an app that implements
// all of them and checks that the ok result has the catalogue's JSON type.
func TestEveryMethodRoundTrips(t *testing.T) {
	mux := NewMux()
	allApp{}.register(mux)
	for _, m := range abi.Methods() {
		t.Run(m.Name, func(t *testing.T) {
			env := mustJSON(t, mux.Call(context.Background(), m.Name, []byte(`{}`)))
			ok, has := env["ok"]
			if !has {
				t.Fatalf("envelope %v has no ok", env)
			}
			want, _ := json.Marshal(m.Result)
			wantKind := string(want[:1])
			got, _ := json.Marshal(ok)
			if wantKind == "n" { // a nil slice in the catalogue: a list result
				wantKind = "["
			}
			if string(got[:1]) != wantKind {
				t.Fatalf("result %s, want a JSON value starting with %s", got, wantKind)
			}
		})
	}
}

// allApp implements every service interface.
type allApp struct{ calendarPart }

var (
	_ Calendar    = allApp{}
	_ Payment     = allApp{}
	_ Video       = videoPart{}
	_ CRM         = crmPart{}
	_ Analytics   = allApp{}
	_ Automation  = allApp{}
	_ KeysChecker = allApp{}
)

// register registers the calendar methods through the embedded part; crm
// and video, whose method names collide with calendar's, come from separate
// values, as a real multi-category app would do.
func (a allApp) register(m *Mux) {
	m.Register(a)
	m.Register(crmPart{})
	m.Register(videoPart{})
}

type calendarPart struct{}

func (calendarPart) CreateEvent(context.Context, *abi.CalendarCreateEventInput) (*abi.NewCalendarEventType, error) {
	return &abi.NewCalendarEventType{}, nil
}
func (calendarPart) UpdateEvent(context.Context, *abi.CalendarUpdateEventInput) (*abi.NewCalendarEventType, error) {
	return &abi.NewCalendarEventType{}, nil
}
func (calendarPart) DeleteEvent(context.Context, *abi.CalendarDeleteEventInput) error { return nil }
func (calendarPart) GetAvailability(context.Context, *abi.CalendarGetAvailabilityInput) ([]abi.EventBusyDate, error) {
	return nil, nil
}
func (calendarPart) ListCalendars(context.Context, *abi.CalendarListCalendarsInput) ([]abi.IntegrationCalendar, error) {
	return nil, nil
}

func (allApp) Create(context.Context, *abi.PaymentCreateInput) (*abi.PaymentCreateResult, error) {
	return &abi.PaymentCreateResult{}, nil
}
func (allApp) Update(context.Context, *abi.PaymentUpdateInput) (*abi.PaymentUpdateResult, error) {
	return &abi.PaymentUpdateResult{}, nil
}
func (allApp) Refund(context.Context, *abi.PaymentRefundInput) (*abi.PaymentRefundResult, error) {
	return &abi.PaymentRefundResult{}, nil
}
func (allApp) AfterPayment(context.Context, *abi.PaymentAfterPaymentInput) error { return nil }
func (allApp) DeletePayment(context.Context, *abi.PaymentDeletePaymentInput) (*abi.PaymentDeletePaymentResult, error) {
	return &abi.PaymentDeletePaymentResult{}, nil
}
func (allApp) HandleWebhook(context.Context, *abi.PaymentHandleWebhookInput) (*abi.PaymentHandleWebhookResult, error) {
	return &abi.PaymentHandleWebhookResult{}, nil
}
func (allApp) Track(context.Context, *abi.AnalyticsTrackInput) error       { return nil }
func (allApp) Identify(context.Context, *abi.AnalyticsIdentifyInput) error { return nil }
func (allApp) OnTrigger(context.Context, *abi.AutomationOnTriggerInput) error {
	return nil
}
func (allApp) CheckKeys(context.Context, *abi.AppCheckKeysInput) (*abi.AppCheckKeysResult, error) {
	return &abi.AppCheckKeysResult{}, nil
}

type crmPart struct{}

func (crmPart) CreateEvent(context.Context, *abi.CRMCreateEventInput) (*abi.CrmEvent, error) {
	return &abi.CrmEvent{}, nil
}
func (crmPart) UpdateEvent(context.Context, *abi.CRMUpdateEventInput) (*abi.CrmEvent, error) {
	return &abi.CrmEvent{}, nil
}
func (crmPart) DeleteEvent(context.Context, *abi.CRMDeleteEventInput) error { return nil }
func (crmPart) GetContacts(context.Context, *abi.CRMGetContactsInput) ([]abi.Contact, error) {
	return nil, nil
}
func (crmPart) CreateContacts(context.Context, *abi.CRMCreateContactsInput) ([]abi.Contact, error) {
	return nil, nil
}

type videoPart struct{}

func (videoPart) CreateMeeting(context.Context, *abi.VideoCreateMeetingInput) (*abi.VideoCallData, error) {
	return &abi.VideoCallData{}, nil
}
func (videoPart) UpdateMeeting(context.Context, *abi.VideoUpdateMeetingInput) (*abi.VideoCallData, error) {
	return &abi.VideoCallData{}, nil
}
func (videoPart) DeleteMeeting(context.Context, *abi.VideoDeleteMeetingInput) error { return nil }
func (videoPart) GetAvailability(context.Context, *abi.VideoGetAvailabilityInput) ([]abi.EventBusyDate, error) {
	return nil, nil
}
