package abi

import "encoding/json"

// Manifest is an app's config.json: Cal.com's app metadata plus the fields
// Slotbox adds (abi, permissions, credential, keysSchema, appDataSchema).
type Manifest struct {
	Name           string   `json:"name"`
	Slug           string   `json:"slug,omitempty"`
	Type           string   `json:"type,omitempty"`
	Variant        string   `json:"variant,omitempty"`
	Categories     []string `json:"categories,omitempty"`
	Logo           string   `json:"logo,omitempty"`
	URL            string   `json:"url,omitempty"`
	DocsURL        string   `json:"docsUrl,omitempty"`
	Publisher      string   `json:"publisher,omitempty"`
	Email          string   `json:"email,omitempty"`
	Description    string   `json:"description,omitempty"`
	ExtendsFeature string   `json:"extendsFeature,omitempty"`
	IsTemplate     bool     `json:"isTemplate,omitempty"`
	IsOAuth        bool     `json:"isOAuth,omitempty"`
	Dependencies   []string `json:"dependencies,omitempty"`
	// ConcurrentMeetings lets a conferencing app serve team events.
	ConcurrentMeetings bool            `json:"concurrentMeetings,omitempty"`
	AppData            *AppData        `json:"appData,omitempty" jsonschema:"nullable"`
	ExternalLink       *ExternalLink   `json:"externalLink,omitempty"`
	ABI                string          `json:"abi"`
	Permissions        Permissions     `json:"permissions"`
	Credential         *Credential     `json:"credential,omitempty"`
	OAuth              *OAuthConfig    `json:"oauth,omitempty"`
	KeysSchema         json.RawMessage `json:"keysSchema,omitempty"`
	AppDataSchema      json.RawMessage `json:"appDataSchema,omitempty"`
}

// AppData is the Cal.com appData block of a manifest.
type AppData struct {
	Location *LocationData `json:"location,omitempty"`
	// Tag is the analytics tag scripts an analytics app injects into the booking page.
	Tag *TagData `json:"tag,omitempty"`
}

// LocationData makes a conferencing app a location type of event types.
type LocationData struct {
	Type     string `json:"type"`
	Label    string `json:"label"`
	LinkType string `json:"linkType"` // "static" or "dynamic"
	// OrganizerInputPlaceholder and URLRegExp describe a static link the organizer enters.
	OrganizerInputPlaceholder string `json:"organizerInputPlaceholder,omitempty" jsonschema:"nullable"`
	URLRegExp                 string `json:"urlRegExp,omitempty" jsonschema:"nullable"`
}

// TagData lists the scripts of a tag-based analytics app.
type TagData struct {
	Scripts []TagScript `json:"scripts"`
}

// TagScript is one script tag; {KEY} placeholders are filled from appData.
type TagScript struct {
	Src     string            `json:"src,omitempty"`
	Content string            `json:"content,omitempty"`
	Attrs   map[string]string `json:"attrs,omitempty"`
}

// ExternalLink sends the user to a page outside the store.
type ExternalLink struct {
	URL  string `json:"url"`
	Text string `json:"text,omitempty"`
}

// Permissions are the capabilities an app asks for; each host import needs one.
type Permissions struct {
	HTTP  *HTTPPermission  `json:"http,omitempty"`
	Vault *VaultPermission `json:"vault,omitempty"`
	KV    bool             `json:"kv,omitempty"`
}

// HTTPPermission lists the hosts an app may reach.
type HTTPPermission struct {
	AllowedHosts []string `json:"allowedHosts"`
}

// VaultPermission lists the credential fields an app may read in clear.
type VaultPermission struct {
	Reveal []string `json:"reveal"`
}

// Grants reports whether p grants the named permission (see ImportPermission).
func (p Permissions) Grants(perm string) bool {
	switch perm {
	case "":
		return true
	case PermissionHTTP:
		return p.HTTP != nil && len(p.HTTP.AllowedHosts) > 0
	case PermissionVault:
		return p.Vault != nil && len(p.Vault.Reveal) > 0
	case PermissionKV:
		return p.KV
	}
	return false
}

// Credential says how the host attaches an installation's secret to requests
// the app makes with "auth":"credential". On the wire "inject" is "bearer",
// "basic" or {"header": NAME}; MarshalJSON and UnmarshalJSON map that to
// Inject and Header.
type Credential struct {
	// Inject is InjectBearer, InjectBasic or InjectHeader.
	Inject string `json:"-"`
	// Header is the header name when Inject is "header".
	Header string `json:"-"`
	// Field is the keys field holding the secret (for basic: the password).
	// For an OAuth app, "" or "access_token" means the access token.
	Field string `json:"field"`
	// Username names the keys field holding the user name, for basic only.
	Username string `json:"usernameField,omitempty"`
}

// OAuthConfig describes the provider of an OAuth app (isOAuth: true); the
// client id and secret are the app's keys, set by the operator.
type OAuthConfig struct {
	AuthURL  string   `json:"authUrl"`
	TokenURL string   `json:"tokenUrl"`
	Scopes   []string `json:"scopes,omitempty"`
}
