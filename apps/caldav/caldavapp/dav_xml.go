package caldavapp

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// WebDAV (RFC 4918) and CalDAV (RFC 4791) namespaces.
const (
	nsDAV    = "DAV:"
	nsCalDAV = "urn:ietf:params:xml:ns:caldav"
)

// davTime is the UTC date-time form of CalDAV time-range and expand.
const davTime = "20060102T150405Z"

// Request bodies. Each asks only for the properties the app reads.
const (
	xmlProlog = `<?xml version="1.0" encoding="utf-8"?>` + "\n"

	// bodyPrincipal asks the url where the user's principal and calendar
	// home are; a principal URL answers the home directly.
	bodyPrincipal = xmlProlog + `<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
		`<D:prop><D:current-user-principal/><C:calendar-home-set/><D:resourcetype/></D:prop></D:propfind>`

	// bodyHomeSet asks a principal for its calendar home and addresses.
	bodyHomeSet = xmlProlog + `<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
		`<D:prop><C:calendar-home-set/><C:calendar-user-address-set/><D:displayname/></D:prop></D:propfind>`

	// bodyCalendars lists the collections of a calendar home.
	bodyCalendars = xmlProlog + `<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
		`<D:prop><D:resourcetype/><D:displayname/><C:supported-calendar-component-set/>` +
		`<D:current-user-privilege-set/></D:prop></D:propfind>`

	// bodyETag asks one resource for its ETag.
	bodyETag = xmlProlog + `<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`
)

// bodyCalendarQuery is a calendar-query REPORT for the events overlapping
// [from, to): the server filters by time range and, where it supports
// expand, returns recurring events as their instances in the range.
func bodyCalendarQuery(from, to time.Time) string {
	f, t := from.UTC().Format(davTime), to.UTC().Format(davTime)
	return xmlProlog + `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
		`<D:prop><D:getetag/><C:calendar-data><C:expand start="` + f + `" end="` + t + `"/></C:calendar-data></D:prop>` +
		`<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">` +
		`<C:time-range start="` + f + `" end="` + t + `"/>` +
		`</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`
}

// multistatus is a 207 Multi-Status body.
type multistatus struct {
	XMLName   xml.Name     `xml:"DAV: multistatus"`
	Responses []msResponse `xml:"DAV: response"`
	// base is the URL the request went to; hrefs resolve against it.
	base string
}

// msResponse is one resource of a multistatus.
type msResponse struct {
	Hrefs     []string   `xml:"DAV: href"`
	Status    string     `xml:"DAV: status"`
	Propstats []propstat `xml:"DAV: propstat"`
}

// propstat is a group of properties that share a status.
type propstat struct {
	Prop   props  `xml:"DAV: prop"`
	Status string `xml:"DAV: status"`
}

// props are the properties the app asks for.
type props struct {
	CurrentUserPrincipal   *hrefSet      `xml:"DAV: current-user-principal"`
	CalendarHomeSet        *hrefSet      `xml:"urn:ietf:params:xml:ns:caldav calendar-home-set"`
	CalendarUserAddressSet *hrefSet      `xml:"urn:ietf:params:xml:ns:caldav calendar-user-address-set"`
	ResourceType           *resourceType `xml:"DAV: resourcetype"`
	DisplayName            *string       `xml:"DAV: displayname"`
	ComponentSet           *componentSet `xml:"urn:ietf:params:xml:ns:caldav supported-calendar-component-set"`
	Privileges             *privilegeSet `xml:"DAV: current-user-privilege-set"`
	ETag                   *string       `xml:"DAV: getetag"`
	CalendarData           *string       `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
}

// hrefSet is a property holding hrefs.
type hrefSet struct {
	Hrefs []string `xml:"DAV: href"`
}

// resourceType is DAV:resourcetype.
type resourceType struct {
	Calendar   *struct{} `xml:"urn:ietf:params:xml:ns:caldav calendar"`
	Collection *struct{} `xml:"DAV: collection"`
}

// componentSet is CALDAV:supported-calendar-component-set.
type componentSet struct {
	Comps []struct {
		Name string `xml:"name,attr"`
	} `xml:"urn:ietf:params:xml:ns:caldav comp"`
}

// supports reports whether the set names component (VEVENT).
func (c *componentSet) supports(component string) bool {
	for _, comp := range c.Comps {
		if strings.EqualFold(comp.Name, component) {
			return true
		}
	}
	return false
}

// privilegeSet is DAV:current-user-privilege-set.
type privilegeSet struct {
	Privileges []struct {
		Any []struct {
			XMLName xml.Name
		} `xml:",any"`
	} `xml:"DAV: privilege"`
}

// canWrite reports whether the privileges let the user add events: DAV:all,
// DAV:write, DAV:write-content or DAV:bind.
func (p *privilegeSet) canWrite() bool {
	for _, priv := range p.Privileges {
		for _, a := range priv.Any {
			if a.XMLName.Space != nsDAV {
				continue
			}
			switch a.XMLName.Local {
			case "all", "write", "write-content", "bind":
				return true
			}
		}
	}
	return false
}

// parseMultistatus decodes a 207 body.
func parseMultistatus(body []byte) (*multistatus, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("empty multistatus body")
	}
	var ms multistatus
	if err := xml.Unmarshal(body, &ms); err != nil {
		return nil, fmt.Errorf("decode multistatus: %w", err)
	}
	return &ms, nil
}

// href returns the first href of r.
func (r *msResponse) href() string {
	if len(r.Hrefs) == 0 {
		return ""
	}
	return r.Hrefs[0]
}

// found returns the properties of r's successful propstats, merged; a
// property the server reported in a 404 propstat is absent.
func (r *msResponse) found() props {
	var out props
	for _, ps := range r.Propstats {
		if !statusOK(ps.Status) {
			continue
		}
		p := ps.Prop
		out.CurrentUserPrincipal = firstNonNil(out.CurrentUserPrincipal, p.CurrentUserPrincipal)
		out.CalendarHomeSet = firstNonNil(out.CalendarHomeSet, p.CalendarHomeSet)
		out.CalendarUserAddressSet = firstNonNil(out.CalendarUserAddressSet, p.CalendarUserAddressSet)
		out.ResourceType = firstNonNil(out.ResourceType, p.ResourceType)
		out.DisplayName = firstNonNil(out.DisplayName, p.DisplayName)
		out.ComponentSet = firstNonNil(out.ComponentSet, p.ComponentSet)
		out.Privileges = firstNonNil(out.Privileges, p.Privileges)
		out.ETag = firstNonNil(out.ETag, p.ETag)
		out.CalendarData = firstNonNil(out.CalendarData, p.CalendarData)
	}
	return out
}

// responseStatus returns the status code of a response-level status line,
// 0 when there is none.
func (r *msResponse) responseStatus() int { return statusCode(r.Status) }

func firstNonNil[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}

// statusOK reports whether a status line ("HTTP/1.1 200 OK") is 2xx; a
// missing status counts as success.
func statusOK(line string) bool {
	c := statusCode(line)
	return c == 0 || c >= 200 && c < 300
}

// statusCode returns the code of a status line, 0 when it has none.
func statusCode(line string) int {
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0
	}
	n, err := strconv.Atoi(f[1])
	if err != nil {
		return 0
	}
	return n
}

// quoteETag returns an ETag as it goes into If-Match: the server's value,
// quoted if the server sent it bare (some servers drop the quotes in
// getetag).
func quoteETag(etag string) string {
	etag = strings.TrimSpace(etag)
	if etag == "" || strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, `W/"`) {
		return etag
	}
	return `"` + etag + `"`
}
