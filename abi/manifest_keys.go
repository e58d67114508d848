//go:build !wasip1

package abi

// ValidateKeys checks an installation's keys (a JSON object) against the
// manifest's keysSchema. Without a keysSchema any object passes. The error
// is Problems with JSON pointers into keys. It compiles the schema on each
// call: it is meant for install time, not for every request.
func (m *Manifest) ValidateKeys(keys []byte) error {
	return validateAgainst(m.KeysSchema, keys)
}

// ValidateAppData checks one event type's settings for the app against the
// manifest's appDataSchema, like ValidateKeys.
func (m *Manifest) ValidateAppData(data []byte) error {
	return validateAgainst(m.AppDataSchema, data)
}

func validateAgainst(schema, doc []byte) error {
	if len(schema) == 0 {
		schema = []byte(`{"type":"object"}`)
	}
	sch, ps := compileAppSchema(schema)
	if len(ps) > 0 {
		return Problems{{Message: "the manifest's schema is invalid: " + ps.Error()}}
	}
	if ps := validateDoc(sch, doc); len(ps) > 0 {
		return ps
	}
	return nil
}
