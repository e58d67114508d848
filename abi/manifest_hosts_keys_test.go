package abi

import (
	"strings"
	"testing"
)

func TestExpandAllowedHosts(t *testing.T) {
	tests := []struct {
		entries []string
		keys    map[string]string
		want    string
		err     string
	}{
		{[]string{"api.example.com", "{{keys.url}}"}, map[string]string{"url": "https://dav.example.org/dav/cal/"}, "api.example.com https://dav.example.org", ""},
		{[]string{"{{ keys.url }}"}, map[string]string{"url": "http://10.0.0.5:5232/"}, "http://10.0.0.5:5232", ""},
		{[]string{"{{keys.url}}"}, map[string]string{}, "", "is empty"},
		{[]string{"{{keys.url}}"}, map[string]string{"url": "ftp://x.example"}, "", "not an http(s) URL"},
		{[]string{"{{keys.url}}"}, map[string]string{"url": "https://127.1/"}, "", "refuses"},
		{[]string{"{{keys.url}}"}, map[string]string{"url": "secret-token-value"}, "", "not an http(s) URL"},
		{[]string{"{{keys.url}}"}, map[string]string{"url": "https://user:pw@x.example/"}, "https://x.example", ""},
	}
	for _, tt := range tests {
		got, err := ExpandAllowedHosts(tt.entries, tt.keys)
		if tt.err != "" {
			if v := tt.keys["url"]; err != nil && v != "" && strings.Contains(err.Error(), v) {
				t.Errorf("error %q quotes the key's value", err)
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%v %v: %v, %v; want error with %q", tt.entries, tt.keys, got, err, tt.err)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != tt.want {
			t.Errorf("%v %v: %v, %v; want %s", tt.entries, tt.keys, got, err, tt.want)
		}
	}
}

func TestKeyHostRefValidation(t *testing.T) {
	base := `{"name":"Dav","categories":["calendar"],"abi":"slotbox/1",
	  "keysSchema":{"type":"object","properties":{"url":{"type":"string"}}},
	  "permissions":{"http":{"allowedHosts":[%s]}}}`
	if _, err := ParseManifest([]byte(strings.Replace(base, "%s", `"{{keys.url}}"`, 1))); err != nil {
		t.Fatalf("valid key reference refused: %v", err)
	}
	_, err := ParseManifest([]byte(strings.Replace(base, "%s", `"{{keys.nope}}"`, 1)))
	ps, ok := err.(Problems)
	if !ok || len(ps.At("/permissions/http/allowedHosts/0")) == 0 {
		t.Fatalf("unknown key reference: %v; want a problem at /permissions/http/allowedHosts/0", err)
	}
}

// TestValidateKeysNeverQuotesValues: keys are secrets, so a problem names
// the field and the rule, never the value that broke it.
func TestValidateKeysNeverQuotesValues(t *testing.T) {
	m, err := ParseManifest([]byte(`{"name":"K","categories":["calendar"],"abi":"slotbox/1",
	  "keysSchema":{"type":"object","properties":{
	    "a":{"type":"string","pattern":"^tok_"},
	    "b":{"type":"string","enum":["x","y"]},
	    "c":{"type":"string","const":"z"},
	    "d":{"type":"string","format":"email"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	const secret = "canary-secret-41"
	keys := `{"a":"` + secret + `a","b":"` + secret + `b","c":"` + secret + `c","d":"` + secret + `d"}`
	err = m.ValidateKeys([]byte(keys))
	ps, ok := err.(Problems)
	if !ok || len(ps) != 4 {
		t.Fatalf("ValidateKeys: %v; want four problems", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Fatalf("problems quote a key's value: %v", err)
	}
}
