// Command httpcal is a calendar app backed by an HTTP calendar API. It makes
// its requests with a plain *http.Client whose transport is
// slotboxhttp.Transport, so the host performs them, checks each against the
// manifest's allowedHosts and, for requests under slotbox.WithCredential,
// attaches the installation's api_key as a bearer token: the secret never
// enters the module.
//
// The API it expects at base_url (an installation key, read through
// vault_get; "http://calendar.test" when unset):
//
//	GET    /calendars                  -> [{"id","name","primary","email"}]
//	GET    /events?from=ISO&to=ISO      -> [{"start","end"}]      busy times
//	POST   /events        {title,start,end,attendees:[email]} -> {"id","url"}
//	PUT    /events/{id}   same body                           -> {"id","url"}
//	DELETE /events/{id}                                        -> 204
//
// The manifest (testdata/wasm/go-httpcal.config.json) grants http to
// calendar.test only; tests that serve the API on 127.0.0.1 add that address
// with the operator's allow-net setting, since a manifest cannot name a port
// range on a loopback address.
//
// Build (see ../../build.sh):
//
//	GOOS=wasip1 GOARCH=wasm go build -trimpath -buildmode=c-shared -o testdata/wasm/go-httpcal.wasm ./guest-sdk/go/examples/httpcal
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
	"github.com/slotbox/slotbox/guest-sdk/go/slotboxhttp"
)

// defaultBaseURL is the API's address when the installation sets none.
const defaultBaseURL = "http://calendar.test"

// maxResponse caps the API responses the app reads.
const maxResponse = 1 << 20

// app is the HTTP-backed calendar.
type app struct {
	client *http.Client
}

var _ slotbox.Calendar = app{}

// apiEvent is an event as the API takes it.
type apiEvent struct {
	Title     string   `json:"title"`
	Start     string   `json:"start"`
	End       string   `json:"end"`
	Attendees []string `json:"attendees"`
}

// apiCreated is the API's answer to a write.
type apiCreated struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// apiCalendar is a calendar as the API lists it.
type apiCalendar struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Primary bool   `json:"primary"`
	Email   string `json:"email"`
}

// CreateEvent writes the event with POST /events.
func (a app) CreateEvent(ctx context.Context, in *abi.CalendarCreateEventInput) (*abi.NewCalendarEventType, error) {
	var created apiCreated
	if err := a.do(ctx, http.MethodPost, "/events", toAPI(&in.Event), &created); err != nil {
		return nil, err
	}
	return newEvent(created), nil
}

// UpdateEvent rewrites the event with PUT /events/{uid}.
func (a app) UpdateEvent(ctx context.Context, in *abi.CalendarUpdateEventInput) (*abi.NewCalendarEventType, error) {
	var updated apiCreated
	if err := a.do(ctx, http.MethodPut, "/events/"+url.PathEscape(in.UID), toAPI(&in.Event), &updated); err != nil {
		return nil, err
	}
	return newEvent(updated), nil
}

// DeleteEvent removes the event with DELETE /events/{uid}.
func (a app) DeleteEvent(ctx context.Context, in *abi.CalendarDeleteEventInput) error {
	return a.do(ctx, http.MethodDelete, "/events/"+url.PathEscape(in.UID), nil, nil)
}

// GetAvailability reads busy times with GET /events?from=&to=.
func (a app) GetAvailability(ctx context.Context, in *abi.CalendarGetAvailabilityInput) ([]abi.EventBusyDate, error) {
	q := url.Values{"from": {in.DateFrom}, "to": {in.DateTo}}
	var busy []abi.EventBusyDate
	if err := a.do(ctx, http.MethodGet, "/events?"+q.Encode(), nil, &busy); err != nil {
		return nil, err
	}
	return busy, nil
}

// ListCalendars lists the account's calendars with GET /calendars.
func (a app) ListCalendars(ctx context.Context, _ *abi.CalendarListCalendarsInput) ([]abi.IntegrationCalendar, error) {
	var cals []apiCalendar
	if err := a.do(ctx, http.MethodGet, "/calendars", nil, &cals); err != nil {
		return nil, err
	}
	out := make([]abi.IntegrationCalendar, 0, len(cals))
	for _, c := range cals {
		out = append(out, abi.IntegrationCalendar{ExternalID: c.ID, Name: c.Name, Primary: c.Primary, Email: c.Email})
	}
	return out, nil
}

// do sends one API request with the installation's credential and decodes a
// JSON answer into out (when out is not nil). API failures become
// *slotbox.Error values the host reports beside APP_ERROR: UNAUTHORIZED,
// UPSTREAM_UNAVAILABLE (retryable) or UPSTREAM_ERROR.
func (a app) do(ctx context.Context, method, path string, body, out any) error {
	base, err := baseURL(ctx)
	if err != nil {
		return err
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(slotbox.WithCredential(ctx), method, base+path, rd)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("%s %s: read response: %w", method, path, err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return &slotbox.Error{Code: "UNAUTHORIZED", Message: fmt.Sprintf("%s %s: %s", method, path, resp.Status)}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return &slotbox.Error{Code: "UPSTREAM_UNAVAILABLE", Message: fmt.Sprintf("%s %s: %s", method, path, resp.Status), Retryable: true}
	case resp.StatusCode >= 300:
		return &slotbox.Error{Code: "UPSTREAM_ERROR", Message: fmt.Sprintf("%s %s: %s", method, path, resp.Status)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &slotbox.Error{Code: "UPSTREAM_ERROR", Message: fmt.Sprintf("%s %s: decode response: %v", method, path, err)}
	}
	return nil
}

// baseURL returns the installation's base_url key without a trailing slash.
func baseURL(ctx context.Context) (string, error) {
	keys, err := slotbox.Vault(ctx, "base_url")
	if err != nil {
		return "", fmt.Errorf("read base_url: %w", err)
	}
	base := strings.TrimRight(keys["base_url"], "/")
	if base == "" {
		return defaultBaseURL, nil
	}
	return base, nil
}

// toAPI converts a booking to the API's event.
func toAPI(ev *abi.CalendarEvent) apiEvent {
	out := apiEvent{Title: ev.Title, Start: ev.StartTime, End: ev.EndTime, Attendees: make([]string, 0, len(ev.Attendees))}
	for _, p := range ev.Attendees {
		out.Attendees = append(out.Attendees, p.Email)
	}
	return out
}

// newEvent converts the API's answer to a write.
func newEvent(c apiCreated) *abi.NewCalendarEventType {
	return &abi.NewCalendarEventType{UID: c.ID, ID: c.ID, Type: "go-httpcal_calendar", URL: c.URL}
}

// init registers the app: a c-shared (reactor) module runs package
// initialisation in _initialize and never runs main. Requests time out
// after 10 s; the host gets the time left as timeout_ms.
func init() {
	client := slotboxhttp.Client()
	client.Timeout = 10 * time.Second
	slotbox.Register(app{client: client})
}

func main() {}
