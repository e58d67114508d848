package abi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Values of Credential.Inject.
const (
	InjectBearer = "bearer" // Authorization: Bearer <field>
	InjectBasic  = "basic"  // Authorization: Basic base64(<usernameField>:<field>)
	InjectHeader = "header" // <Header>: <field>
)

// credentialJSON is Credential on the wire; Inject is a string or {"header": NAME}.
type credentialJSON struct {
	Inject   json.RawMessage `json:"inject,omitempty"`
	Field    string          `json:"field,omitempty"`
	Username string          `json:"usernameField,omitempty"`
}

type injectHeader struct {
	Header string `json:"header"`
}

// MarshalJSON writes Inject as "bearer", "basic" or {"header": NAME}.
func (c Credential) MarshalJSON() ([]byte, error) {
	out := credentialJSON{Field: c.Field, Username: c.Username}
	var err error
	switch c.Inject {
	case "":
	case InjectHeader:
		out.Inject, err = json.Marshal(injectHeader{Header: c.Header})
	default:
		out.Inject, err = json.Marshal(c.Inject)
	}
	if err != nil {
		return nil, fmt.Errorf("marshal credential inject: %w", err)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads Inject from "bearer", "basic" or {"header": NAME}.
// It fails only on malformed JSON: a value of the wrong shape decodes to
// fields that Manifest.Validate reports (an inject of the wrong type keeps
// its JSON text in Inject), so that one bad field does not hide the others.
func (c *Credential) UnmarshalJSON(data []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return err
		}
		*c = Credential{}
		return nil // not an object: the manifest schema reports it
	}
	*c = Credential{Field: jsonString(fields["field"]), Username: jsonString(fields["usernameField"])}
	raw := bytes.TrimSpace(fields["inject"])
	switch {
	case len(raw) == 0 || string(raw) == "null":
	case raw[0] == '"':
		c.Inject = jsonString(raw)
	case raw[0] == '{':
		var h struct {
			Header json.RawMessage `json:"header"`
		}
		_ = json.Unmarshal(raw, &h) // raw is a valid object: cannot fail
		c.Inject, c.Header = InjectHeader, jsonString(h.Header)
	default:
		c.Inject = string(raw)
	}
	return nil
}

// jsonString returns the string raw holds, "" when it holds something else.
func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}
