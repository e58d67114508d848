package httpapi

import (
	"strings"
	"testing"
)

func TestSettings(t *testing.T) {
	h := newHarness(t)
	h.publish("small/echo", func(m map[string]any) {
		m["appDataSchema"] = map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
			"calendarId": map[string]any{"type": "string"}, "minutesBefore": map[string]any{"type": "integer", "minimum": 0}}}
	})
	in := h.install(h.keyA, "test-echo", `{}`)
	a := bearerOf(h.keyA)
	url := "/api/event-types/et-42/apps/" + in.ID
	h.run(t, []scenario{
		{name: "put", method: "PUT", url: url, headers: a, body: `{"appData":{"calendarId":"work","minutesBefore":10}}`, status: 200,
			want: []string{`"enabled":true`, `"appData":{"calendarId":"work","minutesBefore":10}`, `"eventTypeId":"et-42"`}},
		{name: "show", method: "GET", url: url, headers: a, status: 200, want: []string{`"calendarId":"work"`}},
		{name: "list", method: "GET", url: "/api/event-types/et-42/apps", headers: a, status: 200, want: []string{in.ID}},
		{name: "disable with empty appData", method: "PUT", url: url, headers: a, body: `{"enabled":false}`, status: 200, want: []string{`"enabled":false`, `"appData":{}`}},
		{name: "schema problems", method: "PUT", url: url, headers: a, body: `{"appData":{"minutesBefore":-5,"color":"red"}}`, status: 422,
			want: []string{`"code":"VALIDATION"`, `"path":"/appData/minutesBefore"`, `"path":"/appData/color"`}},
		{name: "appData not an object", method: "PUT", url: url, headers: a, body: `{"appData":[1]}`, status: 422, want: []string{`"path":"/appData"`}},
		{name: "event type id too long", method: "PUT", url: "/api/event-types/" + strings.Repeat("e", 300) + "/apps/" + in.ID, headers: a, body: `{}`, status: 400},
		{name: "unknown installation", method: "PUT", url: "/api/event-types/et-42/apps/ins_nope", headers: a, body: `{}`, status: 404},
		{name: "delete", method: "DELETE", url: url, headers: a, status: 204},
		{name: "gone", method: "GET", url: url, headers: a, status: 404},
		{name: "empty list", method: "GET", url: "/api/event-types/et-42/apps", headers: a, status: 200, want: []string{`"items":[]`}},
	})
}
