//go:build !wasip1

package abi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Caps on a manifest and its fields.
const (
	MaxManifestSize      = 256 << 10 // bytes of config.json
	MaxSlugLength        = 64
	MaxNameLength        = 100 // runes
	MaxPublisherLength   = 100 // runes
	MaxDescriptionLength = 1000
)

// ParseManifest decodes a config.json, fills the fields Normalize derives and
// validates the result. Unknown fields are ignored (Cal.com configs carry
// many); a field of the wrong type is a problem. The error, when not nil, is
// Problems listing everything wrong at once.
func ParseManifest(data []byte) (*Manifest, error) {
	if len(data) > MaxManifestSize {
		return nil, Problems{{Message: fmt.Sprintf("manifest is %d bytes, more than the %d allowed", len(data), MaxManifestSize)}}
	}
	ps := checkManifestShape(data)
	if len(ps) > 0 && ps[0].Path == "" {
		return nil, ps // not a JSON object: nothing more to say
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil && len(ps) == 0 {
		ps = append(ps, Problem{Message: "decode: " + err.Error()})
	}
	m.Normalize()
	for _, p := range m.Validate() {
		if !coveredBy(p.Path, ps) {
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		sortProblems(ps)
		return nil, ps
	}
	return &m, nil
}

// checkManifestShape reports syntax errors and fields of the wrong type, with
// their paths.
func checkManifestShape(data []byte) Problems {
	trimmed := bytes.TrimSpace(data)
	if !json.Valid(trimmed) {
		var v any
		err := json.Unmarshal(trimmed, &v)
		return Problems{{Message: fmt.Sprintf("not valid JSON: %v", err)}}
	}
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Problems{{Message: "must be a JSON object"}}
	}
	return validateManifestSchema(trimmed)
}

// coveredBy reports whether a problem at path is already explained by one
// of ps at the same path or above it.
func coveredBy(path string, ps Problems) bool {
	for _, p := range ps {
		if p.Path != "" && under(path, p.Path) {
			return true
		}
	}
	return false
}

// Normalize fills what a manifest may leave out: abi defaults to slotbox/1,
// a null keysSchema or appDataSchema counts as absent,
// slug is derived from name, type is slug + "_" + the first category and
// variant follows the first category ("conferencing" for video).
func (m *Manifest) Normalize() {
	if string(m.KeysSchema) == "null" {
		m.KeysSchema = nil
	}
	if string(m.AppDataSchema) == "null" {
		m.AppDataSchema = nil
	}
	if m.ABI == "" {
		m.ABI = Version
	}
	if m.Slug == "" {
		m.Slug = Slugify(m.Name)
	}
	if len(m.Categories) == 0 {
		return
	}
	rule, ok := categoryRules[m.Categories[0]]
	if !ok {
		return
	}
	if m.Type == "" && m.Slug != "" {
		m.Type = m.Slug + "_" + rule.types[0]
	}
	if m.Variant == "" {
		m.Variant = rule.variants[0]
	}
}

// Category returns the catalogue category of the manifest's first category:
// "video" counts as conferencing, "messaging" and "web3" as other. It returns
// "" when the manifest has no known category.
func (m *Manifest) Category() Category {
	if len(m.Categories) == 0 {
		return ""
	}
	return categoryOf(m.Categories[0])
}

// Slugify derives a slug from a name: accents dropped, lower case, runs of
// anything but letters and digits turned into one "-", at most MaxSlugLength
// long. It returns "" when nothing usable is left.
func Slugify(name string) string {
	var sb strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && sb.Len() > 0 {
				sb.WriteByte('-')
			}
			dash = false
			sb.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
		if sb.Len() >= MaxSlugLength {
			break
		}
	}
	s := sb.String()
	if len(s) > MaxSlugLength {
		s = s[:MaxSlugLength]
	}
	return strings.TrimRight(s, "-")
}

// categoryRule lists, for a Cal.com category, the type suffixes and variants
// that fit it; the first of each is the default.
type categoryRule struct{ types, variants []string }

// categoryRules covers Cal.com's AppCategories. Cal.com's own configs show
// the alternatives: CRM apps typed *_other_calendar, WhatsApp typed
// *_video with category messaging, ga4 with variant analytics.
var categoryRules = map[string]categoryRule{
	"calendar":     {[]string{"calendar", "other_calendar"}, []string{"calendar", "other_calendar"}},
	"conferencing": {[]string{"conferencing", "video"}, []string{"conferencing"}},
	"video":        {[]string{"video", "conferencing"}, []string{"conferencing"}},
	"messaging":    {[]string{"messaging", "video"}, []string{"messaging", "conferencing"}},
	"payment":      {[]string{"payment"}, []string{"payment"}},
	"crm":          {[]string{"crm", "other_calendar"}, []string{"crm", "other_calendar"}},
	"analytics":    {[]string{"analytics", "other"}, []string{"analytics", "other"}},
	"automation":   {[]string{"automation", "other"}, []string{"automation", "other"}},
	"other":        {[]string{"other"}, []string{"other", "hrms"}},
	"web3":         {[]string{"other"}, []string{"other"}},
}
