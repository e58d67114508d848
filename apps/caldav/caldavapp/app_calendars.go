package caldavapp

import (
	"context"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/slotbox/slotbox/abi"
	slotbox "github.com/slotbox/slotbox/guest-sdk/go"
)

// maxHomes caps the calendar homes discovery visits.
const maxHomes = 4

// calendar is one calendar collection discovery found.
type calendar struct {
	url      string
	name     string
	readOnly bool
	// events reports whether the collection takes VEVENTs.
	events bool
}

// account is what discovery found.
type account struct {
	email     string
	calendars []calendar
}

// ListCalendars serves calendar.listCalendars: the account's calendars that
// hold events, found by discovery. ExternalID is the collection's absolute
// URL; the primary calendar is a writable one with a default-looking name,
// else the first writable one.
func (a *App) ListCalendars(ctx context.Context, _ *abi.CalendarListCalendarsInput) ([]abi.IntegrationCalendar, error) {
	acc, err := a.discover(ctx)
	if err != nil {
		return nil, err
	}
	primary := primaryCalendar(acc.calendars)
	out := make([]abi.IntegrationCalendar, 0, len(acc.calendars))
	for _, c := range acc.calendars {
		if !c.events {
			continue
		}
		out = append(out, abi.IntegrationCalendar{
			ExternalID:  c.url,
			Integration: a.cfg.integration,
			Name:        c.name,
			Primary:     c.url == primary,
			ReadOnly:    c.readOnly,
			Email:       acc.email,
		})
	}
	return out, nil
}

// discover finds the account's calendars: current-user-principal on the
// base URL, then the principal's calendar-home-set, then the collections
// of each home. A base URL that is a principal, a home or a calendar
// itself works too.
func (a *App) discover(ctx context.Context) (*account, error) {
	base, err := a.baseURL(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := a.propfind(ctx, base, "0", bodyPrincipal)
	if err != nil {
		return nil, err
	}
	var principal string
	var homes []string
	baseIsCalendar := false
	for _, r := range ms.Responses {
		p := r.found()
		if p.CurrentUserPrincipal != nil && len(p.CurrentUserPrincipal.Hrefs) > 0 && principal == "" {
			if principal, err = resolve(ms.base, p.CurrentUserPrincipal.Hrefs[0]); err != nil {
				return nil, badResponse("PROPFIND "+pathOf(base), "current-user-principal: %v", err)
			}
		}
		if p.CalendarHomeSet != nil {
			homes = appendResolved(homes, ms.base, p.CalendarHomeSet.Hrefs)
		}
		if p.ResourceType != nil && p.ResourceType.Calendar != nil {
			baseIsCalendar = true
		}
	}
	acc := &account{}
	if principal != "" {
		pms, err := a.propfind(ctx, principal, "0", bodyHomeSet)
		if err != nil {
			return nil, err
		}
		for _, r := range pms.Responses {
			p := r.found()
			if p.CalendarHomeSet != nil && len(homes) == 0 {
				homes = appendResolved(homes, pms.base, p.CalendarHomeSet.Hrefs)
			}
			if p.CalendarUserAddressSet != nil && acc.email == "" {
				acc.email = mailAddress(p.CalendarUserAddressSet.Hrefs)
			}
		}
	}
	switch {
	case len(homes) > 0:
	case baseIsCalendar:
		cms, err := a.propfind(ctx, base, "0", bodyCalendars)
		if err != nil {
			return nil, err
		}
		acc.calendars = calendarsOf(cms)
		return acc, nil
	default:
		// No principal or home: take the URL as the calendar home.
		homes = []string{base}
	}
	if len(homes) > maxHomes {
		homes = homes[:maxHomes]
	}
	for _, home := range homes {
		cms, err := a.propfind(ctx, home, "1", bodyCalendars)
		if err != nil {
			return nil, err
		}
		for _, c := range calendarsOf(cms) {
			if !slices.ContainsFunc(acc.calendars, func(o calendar) bool { return sameResource(o.url, c.url) }) {
				acc.calendars = append(acc.calendars, c)
			}
		}
	}
	slices.SortFunc(acc.calendars, func(x, y calendar) int { return strings.Compare(x.url, y.url) })
	return acc, nil
}

// calendarsOf returns the calendar collections of a PROPFIND answer.
func calendarsOf(ms *multistatus) []calendar {
	var out []calendar
	for _, r := range ms.Responses {
		p := r.found()
		if p.ResourceType == nil || p.ResourceType.Calendar == nil {
			continue
		}
		u, err := resolve(ms.base, r.href())
		if err != nil {
			continue
		}
		u = withSlash(u)
		c := calendar{url: u, events: p.ComponentSet == nil || p.ComponentSet.supports("VEVENT")}
		if p.DisplayName != nil {
			c.name = strings.TrimSpace(*p.DisplayName)
		}
		if c.name == "" {
			c.name = lastSegment(u)
		}
		c.readOnly = p.Privileges != nil && !p.Privileges.canWrite()
		out = append(out, c)
	}
	return out
}

// defaultNames are the last path segments servers give a user's default
// calendar (Nextcloud, sabre/Baikal, iCloud, Radicale setups).
var defaultNames = []string{"personal", "default", "calendar", "home", "main"}

// primaryCalendar picks the calendar bookings go to when none is named:
// a writable event calendar with a default-looking name, else the first
// writable one. It returns "" when there is none.
func primaryCalendar(cals []calendar) string {
	first := ""
	for _, c := range cals {
		if !c.events || c.readOnly {
			continue
		}
		if slices.Contains(defaultNames, strings.ToLower(lastSegment(c.url))) {
			return c.url
		}
		if first == "" {
			first = c.url
		}
	}
	return first
}

// targetCalendar returns the calendar to write a new event to: the one the
// call names, else the event's destination calendar of this integration,
// else the primary calendar found by discovery.
func (a *App) targetCalendar(ctx context.Context, externalID string, dest []abi.DestinationCalendar) (string, error) {
	if externalID != "" {
		return calendarURL(externalID)
	}
	for _, d := range dest {
		if d.Integration == a.cfg.integration && d.ExternalID != "" {
			return calendarURL(d.ExternalID)
		}
	}
	acc, err := a.discover(ctx)
	if err != nil {
		return "", err
	}
	if p := primaryCalendar(acc.calendars); p != "" {
		return p, nil
	}
	return "", &slotbox.Error{Code: CodeNoCalendar, Message: "the account has no writable calendar that takes events"}
}

// calendarURL checks an externalId: the absolute URL of a collection.
func calendarURL(externalID string) (string, error) {
	u, err := url.Parse(externalID)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return "", invalidInput("calendar id %q is not the URL of a CalDAV calendar", clip(externalID, 200))
	}
	u.RawQuery, u.Fragment = "", ""
	return withSlash(u.String()), nil
}

// objectURL is the URL of the event named uid in calendar calURL.
func objectURL(calURL, uid string) string {
	return withSlash(calURL) + url.PathEscape(uid) + ".ics"
}

// withSlash returns u with a path that ends in a slash.
func withSlash(u string) string {
	if strings.HasSuffix(u, "/") {
		return u
	}
	return u + "/"
}

// lastSegment returns the last path segment of a URL, unescaped.
func lastSegment(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return path.Base(strings.TrimSuffix(p.Path, "/"))
}

// appendResolved appends the hrefs resolved against base, skipping bad ones.
func appendResolved(dst []string, base string, hrefs []string) []string {
	for _, h := range hrefs {
		if u, err := resolve(base, h); err == nil {
			dst = append(dst, withSlash(u))
		}
	}
	return dst
}

// mailAddress returns the first mailto: address of a
// calendar-user-address-set.
func mailAddress(hrefs []string) string {
	for _, h := range hrefs {
		h = strings.TrimSpace(h)
		if len(h) > 7 && strings.EqualFold(h[:7], "mailto:") {
			if addr, err := url.PathUnescape(h[7:]); err == nil {
				return addr
			}
		}
	}
	return ""
}
