package store

import (
	"encoding/json"
	"time"
)

// App is an app in the store. Its code lives in AppVersions; the current one
// is what installations without a pinned version run.
type App struct {
	ID               string    `json:"id"`
	Slug             string    `json:"slug"`
	Name             string    `json:"name"`
	Category         string    `json:"category"`
	Enabled          bool      `json:"enabled"`
	FirstParty       bool      `json:"firstParty"`
	CurrentVersionID string    `json:"currentVersionId,omitempty"`
	CreatedAt        time.Time `json:"createdAt"`
	UpdatedAt        time.Time `json:"updatedAt"`
}

// NewApp is what CreateApp needs.
type NewApp struct {
	Slug       string
	Name       string
	Category   string
	Enabled    bool
	FirstParty bool
}

// AppUpdate changes an app; nil fields stay as they are.
type AppUpdate struct {
	Name     *string
	Category *string
	Enabled  *bool
}

// AppVersion is one uploaded build of an app. Wasm is filled only by
// AppVersionWasm; the other reads leave it nil.
type AppVersion struct {
	ID        string          `json:"id"`
	AppID     string          `json:"appId"`
	Version   int             `json:"version"`
	SHA256    string          `json:"sha256"`
	Manifest  json.RawMessage `json:"manifest"`
	Size      int64           `json:"size"`
	CreatedAt time.Time       `json:"createdAt"`
	Wasm      []byte          `json:"-"`
}

// PublishApp is an upload: the app is created if its slug is new (Enabled
// and FirstParty apply only then), otherwise its name and category are
// updated, and the wasm becomes its current version.
type PublishApp struct {
	Slug       string
	Name       string
	Category   string
	Enabled    bool
	FirstParty bool
	Manifest   json.RawMessage
	Wasm       []byte
}

// Published is the result of PublishAppVersion.
type Published struct {
	App     App
	Version AppVersion
	// Created is false when the same wasm was already a version of the app;
	// Version is then that existing version, made current again.
	Created bool
}
