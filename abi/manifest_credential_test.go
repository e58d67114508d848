package abi_test

import (
	"encoding/json"
	"testing"

	"github.com/slotbox/slotbox/abi"
)

func TestCredentialJSON(t *testing.T) {
	tests := []struct {
		wire string
		want abi.Credential
	}{
		{`{"inject":"bearer","field":"api_key"}`, abi.Credential{Inject: abi.InjectBearer, Field: "api_key"}},
		{`{"inject":"basic","field":"password","usernameField":"username"}`, abi.Credential{Inject: abi.InjectBasic, Field: "password", Username: "username"}},
		{`{"inject":{"header":"X-Api-Key"},"field":"api_key"}`, abi.Credential{Inject: abi.InjectHeader, Header: "X-Api-Key", Field: "api_key"}},
	}
	for _, tt := range tests {
		var got abi.Credential
		if err := json.Unmarshal([]byte(tt.wire), &got); err != nil {
			t.Fatalf("unmarshal %s: %v", tt.wire, err)
		}
		if got != tt.want {
			t.Errorf("unmarshal %s = %+v, want %+v", tt.wire, got, tt.want)
		}
		b, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.wire {
			t.Errorf("marshal %+v = %s, want %s", got, b, tt.wire)
		}
	}
}

// A credential of the wrong shape decodes without failing the whole
// manifest, so that Validate can report it beside everything else.
func TestCredentialJSONWrongShape(t *testing.T) {
	tests := []struct {
		wire string
		want abi.Credential
	}{
		{`{"inject":3,"field":"k"}`, abi.Credential{Inject: "3", Field: "k"}},
		{`{"inject":{"header":7}}`, abi.Credential{Inject: abi.InjectHeader}},
		{`{"inject":null,"field":5}`, abi.Credential{}},
		{`"bearer"`, abi.Credential{}},
	}
	for _, tt := range tests {
		var got abi.Credential
		if err := json.Unmarshal([]byte(tt.wire), &got); err != nil {
			t.Errorf("unmarshal %s: %v", tt.wire, err)
		}
		if got != tt.want {
			t.Errorf("unmarshal %s = %+v, want %+v", tt.wire, got, tt.want)
		}
	}
	var c abi.Credential
	if err := c.UnmarshalJSON([]byte(`{"inject":`)); err == nil {
		t.Error("malformed JSON decoded without error")
	}
}
