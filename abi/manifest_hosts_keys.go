//go:build !wasip1

package abi

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// keyHostRef matches an allowedHosts entry that names a key instead of a
// host: "{{keys.url}}". It follows Spin, whose allowed_outbound_hosts may
// name application variables, for apps such as CalDAV whose server is the
// user's: the entry allows the scheme, host and port of that key's URL, set
// at install time, and the host's address policy still applies to it.
var keyHostRef = regexp.MustCompile(`^\{\{\s*keys\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$`)

// KeyHostRef returns the keys field an allowedHosts entry of the form
// "{{keys.NAME}}" names, and whether the entry has that form.
func KeyHostRef(entry string) (field string, ok bool) {
	m := keyHostRef.FindStringSubmatch(entry)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// ExpandAllowedHosts returns an installation's allowedHosts: every
// "{{keys.NAME}}" entry replaced by the scheme, host and port of the URL in
// that key. Every result parses with ParseAllowedHost.
func ExpandAllowedHosts(entries []string, keys map[string]string) ([]string, error) {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		field, ok := KeyHostRef(e)
		if !ok {
			out = append(out, e)
			continue
		}
		host, err := hostOfKey(keys[field])
		if err != nil {
			return nil, fmt.Errorf("allowedHosts entry %s: key %s: %w", e, field, err)
		}
		out = append(out, host)
	}
	return out, nil
}

// hostOfKey turns a key's URL into an allowedHosts entry.
func hostOfKey(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", fmt.Errorf("is empty")
	}
	// Messages never quote the value: a key may hold a secret (a URL with
	// user info, say).
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("is not an http(s) URL with a host")
	}
	entry := u.Scheme + "://" + u.Host
	if _, err := ParseAllowedHost(entry); err != nil {
		return "", fmt.Errorf("names a host the allow-list refuses: %w", err)
	}
	return entry, nil
}
