package abi_test

import (
	"strings"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

func TestMethodsCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range abi.Methods() {
		if seen[m.Name] {
			t.Errorf("method[%s] listed twice", m.Name)
		}
		seen[m.Name] = true
		got, ok := abi.LookupMethod(m.Name)
		if !ok || got.Name != m.Name || got.Category != m.Category {
			t.Errorf("LookupMethod(%q) = %+v, %v", m.Name, got, ok)
		}
		if m.Input == nil || m.Result == nil {
			t.Errorf("method[%s] lacks input or result type", m.Name)
		}
		if abi.InputSchema(m.Name) == nil || abi.ResultSchema(m.Name) == nil {
			t.Errorf("method[%s] has no committed schema: run go generate ./abi", m.Name)
		}
		prefix, _, _ := strings.Cut(m.Name, ".")
		want := map[string]abi.Category{
			"calendar": abi.CategoryCalendar, "crm": abi.CategoryCRM, "payment": abi.CategoryPayment,
			"video": abi.CategoryConferencing, "analytics": abi.CategoryAnalytics,
			"automation": abi.CategoryAutomation, "app": abi.CategoryAny,
		}[prefix]
		if m.Category != want {
			t.Errorf("method[%s] category = %q, want %q", m.Name, m.Category, want)
		}
	}
	if len(seen) != 24 {
		t.Errorf("catalogue has %d methods, abi-v1 section 5 lists 24", len(seen))
	}
	if _, ok := abi.LookupMethod("calendar.nope"); ok {
		t.Error("LookupMethod found an unknown method")
	}
	if abi.InputSchema("calendar.nope") != nil {
		t.Error("InputSchema returned a schema for an unknown method")
	}
	ms := abi.Methods()
	ms[0].Name = "changed"
	if abi.Methods()[0].Name == "changed" {
		t.Error("Methods shares its backing array with callers")
	}
}

func TestMethodsOf(t *testing.T) {
	names := func(c abi.Category) []string {
		var out []string
		for _, m := range abi.MethodsOf(c) {
			out = append(out, m.Name)
		}
		return out
	}
	got := strings.Join(names(abi.CategoryConferencing), ",")
	want := "video.createMeeting,video.updateMeeting,video.deleteMeeting,video.getAvailability,app.checkKeys"
	if got != want {
		t.Errorf("MethodsOf(conferencing) = %s, want %s", got, want)
	}
	if got := strings.Join(names(abi.CategoryOther), ","); got != "app.checkKeys" {
		t.Errorf("MethodsOf(other) = %s", got)
	}
}
