package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
)

// appInfo is what the booking flow knows about an installation's app.
type appInfo struct {
	InstallationID string
	Slug           string
	Category       abi.Category
	// Type is the Cal.com app type, such as "caldav_calendar": the type of
	// the references the app's results become.
	Type     string
	Manifest *abi.Manifest
	// Enabled is false when the operator disabled the app.
	Enabled bool
	// Valid is false when the installation's credential was marked invalid.
	Valid bool
}

// app reads an installation's app and manifest.
func (s *Service) app(ctx context.Context, tenantID, installationID string) (appInfo, error) {
	t, err := s.st.InstallationForCall(ctx, tenantID, installationID)
	if err != nil {
		return appInfo{}, err
	}
	m, err := s.manifests.get(t.Version)
	if err != nil {
		return appInfo{}, err
	}
	typ := m.Type
	if typ == "" {
		typ = t.App.Slug + "_" + string(m.Category())
	}
	return appInfo{
		InstallationID: installationID, Slug: t.App.Slug, Category: m.Category(), Type: typ, Manifest: m,
		Enabled: t.App.Enabled, Valid: t.Installation.Status != store.StatusInvalid,
	}, nil
}

// eventApp is an enabled setting of an event type with its app.
type eventApp struct {
	appInfo
	AppData json.RawMessage
}

// eventApps reads the apps an event type's bookings drive, in installation
// order.
func (s *Service) eventApps(ctx context.Context, tenantID, eventTypeID string) ([]eventApp, error) {
	if eventTypeID == "" {
		return nil, nil
	}
	settings, err := s.st.EventTypeApps(ctx, tenantID, eventTypeID)
	if err != nil {
		return nil, err
	}
	out := make([]eventApp, 0, len(settings))
	for _, set := range settings {
		info, err := s.app(ctx, tenantID, set.Installation.ID)
		if err != nil {
			return nil, fmt.Errorf("booking: event type[%s]: %w", eventTypeID, err)
		}
		out = append(out, eventApp{appInfo: info, AppData: set.Setting.AppData})
	}
	return out, nil
}

// appData decodes an app's per-event-type settings, {} when empty.
func (a eventApp) appData() map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(a.AppData, &m) // stored settings are a JSON object
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// manifestCache keeps parsed manifests by app version id (versions never
// change).
type manifestCache struct {
	mu  sync.Mutex
	max int
	m   map[string]*abi.Manifest
}

func newManifestCache(max int) *manifestCache {
	return &manifestCache{max: max, m: map[string]*abi.Manifest{}}
}

func (c *manifestCache) get(v store.AppVersion) (*abi.Manifest, error) {
	c.mu.Lock()
	m, ok := c.m[v.ID]
	c.mu.Unlock()
	if ok {
		return m, nil
	}
	m, err := abi.ParseManifest(v.Manifest)
	if err != nil {
		return nil, fmt.Errorf("booking: manifest of app version[%s]: %w", v.ID, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m) // versions are few; starting over is cheaper than LRU
	}
	c.m[v.ID] = m
	return m, nil
}
