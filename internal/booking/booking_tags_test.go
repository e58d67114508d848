package booking

import (
	"strings"
	"testing"
)

func TestTags(t *testing.T) {
	e := newEnv(t)
	tagged := func(m map[string]any) {
		m["permissions"].(map[string]any)["http"] = map[string]any{"allowedHosts": []string{"plausible.io", "{{keys.base_url}}"}}
		m["appData"] = map[string]any{"tag": map[string]any{"scripts": []any{
			map[string]any{"src": "https://plausible.io/js/script.{VARIANT}.js", "attrs": map[string]any{"data-domain": "{TRACKED_DOMAIN}"}},
			map[string]any{"content": "window.plausibleGoal = '{GOAL}';"},
			map[string]any{"src": "https://evil.example/x.js"},
		}}}
	}
	a := e.install("peer-plausible", "analytics", tagged)
	e.enable("et", a, `{"VARIANT":"outbound-links","TRACKED_DOMAIN":"shop.example.com","GOAL":"booked"}`)
	e.enable("et-bad", a, `{"VARIANT":"outbound-links","TRACKED_DOMAIN":"x\"><script>","GOAL":"ok"}`)
	cal := e.install("peer-cal", "calendar", nil) // not analytics: no tags
	e.enable("et", cal, `{}`)

	tags, err := e.svc.Tags(e.ctx, e.tenant.ID, "et")
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Scripts) != 2 || tags.Scripts[0].Src != "https://plausible.io/js/script.outbound-links.js" ||
		tags.Scripts[0].Attrs["data-domain"] != "shop.example.com" || tags.Scripts[1].Content != "window.plausibleGoal = 'booked';" ||
		tags.Scripts[0].App != "peer-plausible" {
		t.Errorf("scripts %+v", tags.Scripts)
	}
	if len(tags.Warnings) != 1 || !strings.Contains(tags.Warnings[0], "evil.example is not in the app's allowedHosts") {
		t.Errorf("warnings %v", tags.Warnings)
	}
	bad, err := e.svc.Tags(e.ctx, e.tenant.ID, "et-bad")
	if err != nil {
		t.Fatal(err)
	}
	if len(bad.Scripts) != 1 || !strings.Contains(bad.Warnings[0], "TRACKED_DOMAIN holds characters") {
		t.Errorf("unsafe value: %+v", bad)
	}
	none, err := e.svc.Tags(e.ctx, e.tenant.ID, "et-none")
	if err != nil || len(none.Scripts) != 0 {
		t.Errorf("no apps: %+v, %v", none, err)
	}
}
