//go:build !wasip1

package abi

import (
	"fmt"
	"strconv"
)

// Describe states the permissions in plain words for the operator who
// installs the app, one sentence per grant, such as "May send HTTPS requests
// to api.attio.com". It returns nil when the app asks for nothing. An entry
// that does not parse is described as it is written, marked invalid.
func (p Permissions) Describe() []string {
	var out []string
	if p.HTTP != nil {
		for _, e := range p.HTTP.AllowedHosts {
			out = append(out, describeHost(e))
		}
	}
	if p.Vault != nil {
		for _, f := range p.Vault.Reveal {
			out = append(out, fmt.Sprintf("May read the %s field of its credential in clear", f))
		}
	}
	if p.KV {
		out = append(out, fmt.Sprintf("May store up to %d keys of data, %d KiB each at most", KVMaxKeys, KVMaxValueBytes>>10))
	}
	return out
}

func describeHost(entry string) string {
	if field, ok := KeyHostRef(entry); ok {
		return fmt.Sprintf("May send HTTPS requests to the server whose URL the installation gives in its %s key", field)
	}
	h, err := ParseAllowedHost(entry)
	if err != nil {
		return fmt.Sprintf("May send HTTP requests to %q (an invalid entry, never matched)", entry)
	}
	kind := "HTTPS requests"
	if h.Scheme == "http" {
		kind = "unencrypted HTTP requests"
	}
	target := h.Host
	switch {
	case h.Wildcard:
		target = "any subdomain of " + h.Host
	case h.IP:
		target = "the IP address " + h.Host
	}
	port := ""
	if (h.Scheme == "https" && h.Port != 443) || (h.Scheme == "http" && h.Port != 80) {
		port = " on port " + strconv.Itoa(h.Port)
	}
	note := ""
	if h.IP {
		note = ", if the server's address policy lets it reach that address"
	}
	return fmt.Sprintf("May send %s to %s%s%s", kind, target, port, note)
}
