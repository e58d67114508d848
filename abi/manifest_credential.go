package abi

import (
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

var errInject = errors.New(`inject must be "bearer", "basic" or {"header": NAME}`)

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
// It does not judge the values; Manifest.Validate does.
func (c *Credential) UnmarshalJSON(data []byte) error {
	var in credentialJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*c = Credential{Field: in.Field, Username: in.Username}
	if len(in.Inject) == 0 || string(in.Inject) == "null" {
		return nil
	}
	switch in.Inject[0] {
	case '"':
		if err := json.Unmarshal(in.Inject, &c.Inject); err != nil {
			return errInject
		}
	case '{':
		var h injectHeader
		if err := json.Unmarshal(in.Inject, &h); err != nil {
			return errInject
		}
		c.Inject, c.Header = InjectHeader, h.Header
	default:
		return errInject
	}
	return nil
}
