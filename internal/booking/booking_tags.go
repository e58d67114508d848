package booking

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"

	"github.com/slotbox/slotbox/abi"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
)

// TagScript is one script tag for a booking page: src or inline content,
// and attributes, with the app's settings filled in.
type TagScript struct {
	InstallationID string            `json:"installationId"`
	App            string            `json:"app"`
	Src            string            `json:"src,omitempty"`
	Content        string            `json:"content,omitempty"`
	Attrs          map[string]string `json:"attrs,omitempty"`
}

// Tags are an event type's tag scripts and why any were left out.
type Tags struct {
	Scripts  []TagScript `json:"scripts"`
	Warnings []string    `json:"warnings,omitempty"`
}

// placeholder is a {NAME} in a tag script.
var placeholder = regexp.MustCompile(`\{([A-Za-z0-9_]{1,64})\}`)

// safeValue is what a setting may hold to go into a script: no quotes,
// angle brackets, backslashes or line breaks, which could break out of a
// script string or tag.
var safeValue = regexp.MustCompile(`^[A-Za-z0-9 ._:/@+\-~%=?&#,]{0,512}$`)

// Tags returns the tag scripts (the manifest's appData.tag) of an event
// type's enabled analytics apps, each {NAME} filled from the app's settings
// for the event type (Cal.com's booking-page tag manager). A script is left
// out, with a warning, when a setting it needs is missing or unsafe, or when
// its src is not https on a host of the app's allowedHosts.
func (s *Service) Tags(ctx context.Context, tenantID, eventTypeID string) (Tags, error) {
	apps, err := s.eventApps(ctx, tenantID, eventTypeID)
	if err != nil {
		return Tags{}, err
	}
	out := Tags{Scripts: []TagScript{}}
	for _, a := range apps {
		m := a.Manifest
		if a.Category != abi.CategoryAnalytics || !a.Enabled || !a.Valid || m.AppData == nil || m.AppData.Tag == nil {
			continue
		}
		allow := scriptAllowList(m)
		data := a.appData()
		for i, sc := range m.AppData.Tag.Scripts {
			t, err := fillScript(sc, data)
			if err == nil && t.Src != "" {
				err = checkSrc(t.Src, allow)
			}
			if err != nil {
				out.Warnings = append(out.Warnings, fmt.Sprintf("%s[%s] script %d left out: %v", a.Slug, a.InstallationID, i, err))
				continue
			}
			t.InstallationID, t.App = a.InstallationID, a.Slug
			out.Scripts = append(out.Scripts, t)
		}
	}
	return out, nil
}

// scriptAllowList is the app's allowedHosts without the entries that name
// installation keys (a booking page is public; keys are not).
func scriptAllowList(m *abi.Manifest) *hhttp.AllowList {
	if m.Permissions.HTTP == nil {
		return nil
	}
	var entries []string
	for _, e := range m.Permissions.HTTP.AllowedHosts {
		if _, isKey := abi.KeyHostRef(e); !isKey {
			entries = append(entries, e)
		}
	}
	if len(entries) == 0 {
		return nil
	}
	l, err := hhttp.ParseAllowList(entries)
	if err != nil {
		return nil
	}
	return &l
}

// fillScript fills a script's placeholders from settings.
func fillScript(sc abi.TagScript, data map[string]any) (TagScript, error) {
	var bad error
	fill := func(s string) string {
		return placeholder.ReplaceAllStringFunc(s, func(m string) string {
			name := m[1 : len(m)-1]
			v, ok := data[name]
			if !ok {
				bad = fmt.Errorf("setting %s is not set", name)
				return ""
			}
			var str string
			switch x := v.(type) {
			case string:
				str = x
			case float64:
				str = strconv.FormatFloat(x, 'f', -1, 64)
			case bool:
				str = strconv.FormatBool(x)
			default:
				bad = fmt.Errorf("setting %s is not a string or number", name)
				return ""
			}
			if !safeValue.MatchString(str) {
				bad = fmt.Errorf("setting %s holds characters a script cannot carry", name)
				return ""
			}
			return str
		})
	}
	t := TagScript{Src: fill(sc.Src), Content: fill(sc.Content)}
	if len(sc.Attrs) > 0 {
		t.Attrs = make(map[string]string, len(sc.Attrs))
		for k, v := range sc.Attrs {
			t.Attrs[k] = fill(v)
		}
	}
	return t, bad
}

// checkSrc accepts an https URL on a host of allow.
func checkSrc(src string, allow *hhttp.AllowList) error {
	u, err := url.Parse(src)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return fmt.Errorf("src is not an https URL")
	}
	if allow == nil || !allow.Allows(u) {
		return fmt.Errorf("src host %s is not in the app's allowedHosts", u.Hostname())
	}
	return nil
}
