package appstore

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

// Setting is an installation's settings for one event type.
type Setting struct {
	EventTypeID    string
	InstallationID string
	Enabled        bool
	// AppData is checked against the app's appDataSchema; empty means {}.
	AppData json.RawMessage
}

// PutSetting creates or replaces a tenant's setting for one event type and
// installation, after checking its appData against the app's appDataSchema
// (a *ProblemsError at "/appData").
func (s *Service) PutSetting(ctx context.Context, tenantID string, set Setting) (store.EventTypeSetting, error) {
	t, err := s.store.InstallationForCall(ctx, tenantID, set.InstallationID)
	if err != nil {
		return store.EventTypeSetting{}, err
	}
	data := bytes.TrimSpace(set.AppData)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		data = []byte(`{}`)
	}
	if !json.Valid(data) || data[0] != '{' {
		return store.EventTypeSetting{}, &ProblemsError{Message: "appData is invalid", Problems: abi.Problems{{Path: "/appData", Message: "must be a JSON object"}}}
	}
	m, err := abi.ParseManifest(t.Version.Manifest)
	if err != nil {
		return store.EventTypeSetting{}, err
	}
	if err := m.ValidateAppData(data); err != nil {
		return store.EventTypeSetting{}, problemsAt("appData does not match the app's appDataSchema", "/appData", err)
	}
	return s.store.PutEventTypeSetting(ctx, tenantID, store.EventTypeSetting{
		EventTypeID: set.EventTypeID, InstallationID: set.InstallationID, Enabled: set.Enabled, AppData: data,
	})
}
