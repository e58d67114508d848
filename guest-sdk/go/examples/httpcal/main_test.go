package main

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
	"github.com/slotbox/slotbox/guest-sdk/go/slotboxhttp"
	"github.com/slotbox/slotbox/guest-sdk/go/slotboxtest"
)

func TestHTTPCalNative(t *testing.T) {
	var auth, host string
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, host = r.Header.Get("Authorization"), r.Host
		switch {
		case r.Method == "PUT" && r.URL.Path == "/events/ev-1":
			fmt.Fprint(w, `{"id":"ev-1","url":"u"}`)
		case r.URL.Path == "/calendars":
			http.Error(w, "denied", http.StatusUnauthorized)
		default:
			http.NotFound(w, r)
		}
	})
	fake := &slotboxtest.Host{HTTP: api, Credential: "tok"} // no base_url revealed...
	fake.Vault = map[string]string{"base_url": ""}          // ...set but empty: the default applies
	mux := slotbox.NewMux()
	mux.Register(app{client: slotboxhttp.Client()})
	ctx := fake.Context(t.Context())

	tests := []struct {
		method, in, want string
	}{
		{abi.MethodCalendarUpdateEvent, `{"uid":"ev-1","event":{"title":"T"}}`,
			`{"ok":{"uid":"ev-1","id":"ev-1","type":"go-httpcal_calendar","password":"","url":"u"}}`},
		{abi.MethodCalendarListCalendars, `{}`,
			`{"error":{"code":"UNAUTHORIZED","message":"GET /calendars: 401 Unauthorized","retryable":false}}`},
		{abi.MethodCalendarDeleteEvent, `{"uid":"x/y","event":{}}`,
			`{"error":{"code":"UPSTREAM_ERROR","message":"DELETE /events/x%2Fy: 404 Not Found","retryable":false}}`},
	}
	for _, tt := range tests {
		if got := mux.Call(ctx, tt.method, []byte(tt.in)); string(got) != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.method, got, tt.want)
		}
	}
	if auth != "Bearer tok" || host != "calendar.test" {
		t.Errorf("API saw Authorization %q Host %q", auth, host)
	}
}
