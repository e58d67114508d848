//go:build !wasip1

package abi

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Validate checks every field and returns all problems found, nil when there
// are none. It does not fill defaults: call Normalize first (ParseManifest
// does both).
func (m *Manifest) Validate() Problems {
	var l problemList
	m.validateIdentity(&l)
	m.validateListing(&l)
	m.validateAppData(&l)
	m.validateOAuth(&l)
	keys := m.validateSchemas(&l)
	m.validatePermissions(&l, keys)
	m.validateCredential(&l, keys)
	if len(l.ps) == 0 {
		return nil
	}
	sortProblems(l.ps)
	return l.ps
}

// validateIdentity checks name, slug, categories, type, variant and abi.
func (m *Manifest) validateIdentity(l *problemList) {
	switch name := strings.TrimSpace(m.Name); {
	case name == "":
		l.add("/name", "required")
	case utf8.RuneCountInString(name) > MaxNameLength:
		l.add("/name", "longer than %d characters", MaxNameLength)
	case strings.IndexFunc(m.Name, unicode.IsControl) >= 0:
		l.add("/name", "contains control characters")
	}
	switch {
	case m.Slug == "":
		l.add("/slug", "required: it could not be derived from name")
	case len(m.Slug) > MaxSlugLength:
		l.add("/slug", "longer than %d characters", MaxSlugLength)
	case !slugPattern.MatchString(m.Slug):
		l.add("/slug", "%q is not a slug: use lower-case letters and digits in groups joined by single hyphens", m.Slug)
	}

	if len(m.Categories) == 0 {
		l.add("/categories", "required: name at least one of %s", strings.Join(calcomCategories, ", "))
	}
	for i, c := range m.Categories {
		p := pointer("categories", strconv.Itoa(i))
		if _, ok := categoryRules[c]; !ok {
			l.add(p, "unknown category %q: use one of %s", c, strings.Join(calcomCategories, ", "))
		} else if slices.Index(m.Categories, c) < i {
			l.add(p, "category %q is listed twice", c)
		}
	}
	rule, known := categoryRules[first(m.Categories)]
	if known && m.Slug != "" && slugPattern.MatchString(m.Slug) {
		suffix, ok := strings.CutPrefix(m.Type, m.Slug+"_")
		if !ok || !slices.Contains(rule.types, suffix) {
			l.add("/type", "%q must be the slug and a type of category %q: %s", m.Type, m.Categories[0], joinQuoted(m.Slug+"_", rule.types))
		}
	}
	if known && !slices.Contains(rule.variants, m.Variant) {
		l.add("/variant", "%q does not fit category %q: use %s", m.Variant, m.Categories[0], joinQuoted("", rule.variants))
	}
	if m.ABI != Version && m.ABI != ExtismVersion {
		l.add("/abi", "%q is not supported: use %q or %q", m.ABI, Version, ExtismVersion)
	}
}

// validateListing checks what the store shows: logo, links, publisher, email,
// description, extendsFeature and dependencies.
func (m *Manifest) validateListing(l *problemList) {
	if m.Logo != "" {
		if err := checkLogo(m.Logo); err != nil {
			l.add("/logo", "%v", err)
		}
	}
	checkHTTPSURL(l, "/url", m.URL)
	checkHTTPSURL(l, "/docsUrl", m.DocsURL)
	if m.ExternalLink != nil {
		if m.ExternalLink.URL == "" {
			l.add("/externalLink/url", "required")
		}
		checkHTTPSURL(l, "/externalLink/url", m.ExternalLink.URL)
	}
	if utf8.RuneCountInString(m.Publisher) > MaxPublisherLength {
		l.add("/publisher", "longer than %d characters", MaxPublisherLength)
	}
	if m.Email != "" {
		if a, err := mail.ParseAddress(m.Email); err != nil || a.Address != m.Email || a.Name != "" {
			l.add("/email", "%q is not an email address", m.Email)
		}
	}
	if utf8.RuneCountInString(m.Description) > MaxDescriptionLength {
		l.add("/description", "longer than %d characters", MaxDescriptionLength)
	}
	switch m.ExtendsFeature {
	case "", "EventType", "User":
	default:
		l.add("/extendsFeature", "%q is not one of \"EventType\", \"User\"", m.ExtendsFeature)
	}
	for i, d := range m.Dependencies {
		p := pointer("dependencies", strconv.Itoa(i))
		switch {
		case !slugPattern.MatchString(d) || len(d) > MaxSlugLength:
			l.add(p, "%q is not an app slug", d)
		case d == m.Slug:
			l.add(p, "an app cannot depend on itself")
		case slices.Index(m.Dependencies, d) < i:
			l.add(p, "%q is listed twice", d)
		}
	}
}

// validateAppData checks appData.location and appData.tag.
func (m *Manifest) validateAppData(l *problemList) {
	if m.AppData == nil {
		return
	}
	if loc := m.AppData.Location; loc != nil {
		if !slices.ContainsFunc(m.Categories, func(c string) bool {
			return c == "conferencing" || c == "video" || c == "messaging"
		}) {
			l.add("/appData/location", "only conferencing (or messaging) apps provide a location")
		}
		if name, ok := strings.CutPrefix(loc.Type, "integrations:"); !ok || name == "" {
			l.add("/appData/location/type", "%q must be \"integrations:\" and a name, such as \"integrations:%s\"", loc.Type, strings.ReplaceAll(m.Slug, "-", "_"))
		}
		if strings.TrimSpace(loc.Label) == "" {
			l.add("/appData/location/label", "required")
		}
		switch loc.LinkType {
		case "static":
			if loc.URLRegExp != "" {
				if _, err := regexp.Compile(loc.URLRegExp); err != nil {
					l.add("/appData/location/urlRegExp", "does not compile: %v", err)
				}
			}
		case "dynamic":
			if loc.URLRegExp != "" {
				l.add("/appData/location/urlRegExp", "only a static link has a urlRegExp")
			}
		default:
			l.add("/appData/location/linkType", "%q must be \"static\" or \"dynamic\"", loc.LinkType)
		}
	}
	if tag := m.AppData.Tag; tag != nil {
		for i, s := range tag.Scripts {
			p := pointer("appData", "tag", "scripts", strconv.Itoa(i))
			switch {
			case s.Src == "" && s.Content == "":
				l.add(p, "needs src or content")
			case s.Src != "":
				checkHTTPSURL(l, p+"/src", s.Src)
			}
		}
	}
}

// validateOAuth checks isOAuth and the oauth block together.
func (m *Manifest) validateOAuth(l *problemList) {
	switch {
	case m.IsOAuth && m.OAuth == nil:
		l.add("/oauth", "required when isOAuth is true: give authUrl and tokenUrl")
		return
	case !m.IsOAuth && m.OAuth != nil:
		l.add("/oauth", "only allowed when isOAuth is true")
		return
	case m.OAuth == nil:
		return
	}
	if m.OAuth.AuthURL == "" {
		l.add("/oauth/authUrl", "required")
	}
	checkHTTPSURL(l, "/oauth/authUrl", m.OAuth.AuthURL)
	if m.OAuth.TokenURL == "" {
		l.add("/oauth/tokenUrl", "required")
	}
	checkHTTPSURL(l, "/oauth/tokenUrl", m.OAuth.TokenURL)
	for i, s := range m.OAuth.Scopes {
		if s == "" || strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == '"' || r == '\\' || r > '~' }) >= 0 {
			l.add(pointer("oauth", "scopes", strconv.Itoa(i)), "%q is not an OAuth scope", s)
		}
	}
}

// validateSchemas checks keysSchema and appDataSchema and returns the names
// of the keys keysSchema declares (nil when it has none or is broken).
func (m *Manifest) validateSchemas(l *problemList) map[string]bool {
	var keys map[string]bool
	if len(m.KeysSchema) > 0 {
		keys = checkAppSchema(l, "/keysSchema", m.KeysSchema)
	}
	if len(m.AppDataSchema) > 0 {
		checkAppSchema(l, "/appDataSchema", m.AppDataSchema)
	}
	return keys
}

// checkAppSchema checks that raw is a JSON Schema of an object that compiles,
// and returns its top-level property names.
func checkAppSchema(l *problemList, at string, raw json.RawMessage) map[string]bool {
	var top struct {
		Type       any                        `json:"type"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		l.add(at, "must be a JSON Schema object")
		return nil
	}
	if top.Type != "object" {
		l.add(at+"/type", `must be "object": keys and settings are JSON objects`)
	}
	before := len(l.ps)
	if _, ps := compileAppSchema(raw); len(ps) > 0 {
		for _, p := range ps {
			l.add(at+p.Path, "%s", p.Message)
		}
	}
	if len(l.ps) > before {
		return nil
	}
	names := make(map[string]bool, len(top.Properties))
	for k := range top.Properties {
		names[k] = true
	}
	return names
}

// validatePermissions checks the http, vault and kv grants.
func (m *Manifest) validatePermissions(l *problemList, keys map[string]bool) {
	if h := m.Permissions.HTTP; h != nil {
		if len(h.AllowedHosts) == 0 {
			l.add("/permissions/http/allowedHosts", "list at least one host, or drop permissions.http")
		}
		if len(h.AllowedHosts) > MaxAllowedHosts {
			l.add("/permissions/http/allowedHosts", "more than %d hosts", MaxAllowedHosts)
		}
		seen := map[string]bool{}
		for i, e := range h.AllowedHosts {
			p := pointer("permissions", "http", "allowedHosts", strconv.Itoa(i))
			if field, ok := KeyHostRef(e); ok {
				if !keys[field] {
					l.add(p, "%q names key %s, which keysSchema does not define", e, field)
				}
				if seen[e] {
					l.add(p, "%q is listed twice", e)
				}
				seen[e] = true
				continue
			}
			ah, err := ParseAllowedHost(e)
			if err != nil {
				l.add(p, "%q: %v", e, err)
				continue
			}
			if seen[ah.String()] {
				l.add(p, "%q is listed twice", e)
			}
			seen[ah.String()] = true
		}
	}
	if v := m.Permissions.Vault; v != nil {
		if len(v.Reveal) == 0 {
			l.add("/permissions/vault/reveal", "list at least one field, or drop permissions.vault")
		}
		if len(v.Reveal) > MaxRevealFields {
			l.add("/permissions/vault/reveal", "more than %d fields", MaxRevealFields)
		}
		for i, f := range v.Reveal {
			p := pointer("permissions", "vault", "reveal", strconv.Itoa(i))
			switch {
			case len(m.KeysSchema) == 0:
				l.add(p, "%q is not a field: the manifest has no keysSchema", f)
			case keys != nil && !keys[f]:
				l.add(p, "%q is not a property of keysSchema", f)
			case slices.Index(v.Reveal, f) < i:
				l.add(p, "%q is listed twice", f)
			}
		}
	}
}

// OAuthAccessTokenField is the credential field that names an OAuth app's
// access token, which the host keeps fresh.
const OAuthAccessTokenField = "access_token"

// MaxRevealFields caps permissions.vault.reveal.
const MaxRevealFields = 64

// forbiddenHeaders are headers a credential may not be injected as: the host
// owns them.
var forbiddenHeaders = []string{
	"host", "content-length", "transfer-encoding", "connection", "upgrade",
	"te", "trailer", "keep-alive", "proxy-authorization", "proxy-connection",
	"cookie", "expect",
}

// validateCredential checks how the host attaches the secret to requests.
func (m *Manifest) validateCredential(l *problemList, keys map[string]bool) {
	c := m.Credential
	if c == nil {
		return
	}
	if m.Permissions.HTTP == nil {
		l.add("/credential", "needs permissions.http: the credential is only ever attached to HTTP requests")
	}
	switch c.Inject {
	case InjectBearer, InjectBasic:
	case InjectHeader:
		switch {
		case c.Header == "":
			l.add("/credential/inject/header", "required: the header to send the secret in")
		case !isToken(c.Header):
			l.add("/credential/inject/header", "%q is not a header name", c.Header)
		case slices.Contains(forbiddenHeaders, strings.ToLower(c.Header)):
			l.add("/credential/inject/header", "%q is set by the host and cannot carry a credential", c.Header)
		}
	case "":
		l.add("/credential/inject", `required: "bearer", "basic" or {"header": NAME}`)
	default:
		l.add("/credential/inject", `%q must be "bearer", "basic" or {"header": NAME}`, c.Inject)
	}
	// An OAuth app's secret is its access token: field "" or "access_token".
	if !m.IsOAuth || (c.Field != "" && c.Field != OAuthAccessTokenField) {
		checkKeyField(l, "/credential/field", c.Field, m.KeysSchema, keys)
	}
	switch {
	case c.Username == "":
	case c.Inject != InjectBasic:
		l.add("/credential/usernameField", `only "basic" has a user name`)
	default:
		checkKeyField(l, "/credential/usernameField", c.Username, m.KeysSchema, keys)
	}
}

func checkKeyField(l *problemList, at, field string, schema json.RawMessage, keys map[string]bool) {
	switch {
	case field == "":
		l.add(at, "required: the keysSchema property that holds it")
	case len(schema) == 0:
		l.add(at, "%q is not a field: the manifest has no keysSchema", field)
	case keys != nil && !keys[field]:
		l.add(at, "%q is not a property of keysSchema", field)
	}
}

// isToken reports whether s is an HTTP token (RFC 9110 section 5.6.2).
func isToken(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

// checkLogo accepts a relative path inside the app bundle or an https URL.
func checkLogo(s string) error {
	if strings.Contains(s, "://") {
		if err := httpsURL(s); err != nil {
			return err
		}
		return nil
	}
	if strings.HasPrefix(s, "/") || strings.Contains(s, `\`) || strings.Contains(s, ":") {
		return fmt.Errorf("%q must be a relative path in the app bundle (\"icon.svg\") or an https URL", s)
	}
	for _, seg := range strings.Split(s, "/") {
		if seg == ".." {
			return fmt.Errorf("%q must stay inside the app bundle", s)
		}
	}
	if path.Clean(s) != s || strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
		return fmt.Errorf("%q is not a clean relative path", s)
	}
	return nil
}

func checkHTTPSURL(l *problemList, at, s string) {
	if s == "" {
		return
	}
	if err := httpsURL(s); err != nil {
		l.add(at, "%v", err)
	}
}

// httpsURL accepts an absolute https URL with a host and no user info.
func httpsURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL", s)
	case u.Scheme != "https":
		return fmt.Errorf("%q must be an https URL", s)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return fmt.Errorf("%q must not carry user info", s)
	}
	return nil
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func joinQuoted(prefix string, vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = strconv.Quote(prefix + v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
