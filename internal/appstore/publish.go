package appstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

// PublishOptions say how a new app starts out; they apply only when the
// upload creates the app.
type PublishOptions struct {
	Enabled    bool
	FirstParty bool
}

// Publish validates an upload (the manifest with abi.ParseManifest, the
// module with every rule of the runtime, which compiles it) and stores it
// as the app's current version in one transaction, creating the app when
// its slug is new. A refused upload is an *UploadError listing every
// problem. The compiled module is kept for the first call.
func (s *Service) Publish(ctx context.Context, up Upload, opt PublishOptions) (store.Published, error) {
	m, err := abi.ParseManifest(up.Manifest)
	if err != nil {
		var ps abi.Problems
		if !errors.As(err, &ps) {
			return store.Published{}, fmt.Errorf("parse manifest: %w", err)
		}
		out := make(abi.Problems, len(ps))
		for i, p := range ps {
			out[i] = abi.Problem{Path: "/config.json" + p.Path, Message: p.Message}
		}
		return store.Published{}, &UploadError{Problems: out}
	}
	app, err := s.engine.Compile(ctx, up.Wasm, m)
	if err != nil {
		var ve *runtime.ValidationError
		if errors.As(err, &ve) {
			return store.Published{}, &UploadError{Violations: ve.Violations}
		}
		return store.Published{}, fmt.Errorf("compile app[%s]: %w", m.Slug, err)
	}
	pub, err := s.store.PublishAppVersion(ctx, store.PublishApp{
		Slug: m.Slug, Name: m.Name, Category: string(m.Category()), Enabled: opt.Enabled, FirstParty: opt.FirstParty,
		Manifest: up.Manifest, Wasm: up.Wasm,
	})
	if err != nil {
		_ = app.Close(ctx)
		return store.Published{}, err
	}
	ca, err := newCompiledApp(app, m, pub.App.ID, pub.Version.ID)
	if err != nil {
		_ = app.Close(ctx)
		return pub, nil // stored; the first call reports the problem
	}
	s.cache.put(ctx, ca)
	s.log.InfoContext(ctx, "app version published", "app", m.Slug, "version", pub.Version.Version, "version_id", pub.Version.ID,
		"sha256", pub.Version.SHA256, "created", pub.Created, "first_party", opt.FirstParty)
	return pub, nil
}

// AppDetail is an app with its current version's manifest and what it may
// do, in words.
type AppDetail struct {
	App      store.App
	Version  *store.AppVersion
	Manifest *abi.Manifest
	// Permissions says in plain words what the app may do, one sentence per
	// grant, so an operator sees what a domain list means before installing.
	Permissions []string
}

// App returns an app by slug with its current version and permissions.
// enabledOnly reports a disabled app as store.ErrNotFound (what tenants see).
func (s *Service) App(ctx context.Context, slug string, enabledOnly bool) (AppDetail, error) {
	a, err := s.store.AppBySlug(ctx, slug)
	if err != nil {
		return AppDetail{}, err
	}
	if enabledOnly && !a.Enabled {
		return AppDetail{}, fmt.Errorf("app slug[%s]: %w", slug, store.ErrNotFound)
	}
	d := AppDetail{App: a}
	if a.CurrentVersionID == "" {
		return d, nil
	}
	v, err := s.store.AppVersion(ctx, a.CurrentVersionID)
	if err != nil {
		return AppDetail{}, err
	}
	d.Version = &v
	m, err := abi.ParseManifest(v.Manifest)
	if err != nil {
		return d, nil // stored before a stricter parser; shown without permissions
	}
	d.Manifest = m
	d.Permissions = DescribePermissions(m)
	return d, nil
}

// DescribePermissions states what an app may do in plain words: its
// permissions (abi.Permissions.Describe) and how its credential travels.
func DescribePermissions(m *abi.Manifest) []string {
	out := m.Permissions.Describe()
	if c := m.Credential; c != nil {
		field := c.Field
		if field == "" {
			field = abi.OAuthAccessTokenField
		}
		switch c.Inject {
		case abi.InjectBearer:
			out = append(out, fmt.Sprintf("Has the server attach its %s key as a bearer token to requests it marks; the app never reads it", field))
		case abi.InjectBasic:
			out = append(out, fmt.Sprintf("Has the server attach its %s key as a basic-auth password to requests it marks; the app never reads it", field))
		case abi.InjectHeader:
			out = append(out, fmt.Sprintf("Has the server attach its %s key in the %s header to requests it marks; the app never reads it", field, c.Header))
		}
	}
	if m.IsOAuth {
		out = append(out, "Connects to your account with OAuth; the server keeps and refreshes the token, the app never reads it")
	}
	if len(out) == 0 {
		out = []string{"Asks for no permissions: no network, no stored data, no credential"}
	}
	return out
}

// SetAppEnabled enables or disables an app by slug.
func (s *Service) SetAppEnabled(ctx context.Context, slug string, enabled bool) (store.App, error) {
	a, err := s.store.AppBySlug(ctx, slug)
	if err != nil {
		return store.App{}, err
	}
	a, err = s.store.UpdateApp(ctx, a.ID, store.AppUpdate{Enabled: &enabled})
	if err != nil {
		return store.App{}, err
	}
	s.log.InfoContext(ctx, "app enabled changed", "app", slug, "enabled", enabled)
	return a, nil
}

// DeleteApp deletes an app with its versions; store.ErrConflict while an
// installation uses it.
func (s *Service) DeleteApp(ctx context.Context, slug string) error {
	a, err := s.store.AppBySlug(ctx, slug)
	if err != nil {
		return err
	}
	if err := s.store.DeleteApp(ctx, a.ID); err != nil {
		return err
	}
	s.cache.dropApp(ctx, a.ID)
	s.log.InfoContext(ctx, "app deleted", "app", slug)
	return nil
}
