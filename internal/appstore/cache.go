package appstore

import (
	"container/list"
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/slotbox/slotbox/abi"
	hhttp "github.com/slotbox/slotbox/hostfuncs/http"
	"github.com/slotbox/slotbox/internal/store"
	"github.com/slotbox/slotbox/runtime"
)

// compiledApp is one app version ready to call, with what binding its
// host functions needs that does not change per installation.
type compiledApp struct {
	app       *runtime.App
	manifest  *abi.Manifest
	versionID string
	appID     string
	slug      string
	// allow is the parsed allow-list when no entry names a key; keyHosts
	// says some entry does, so each installation's list is built from its
	// keys (abi.ExpandAllowedHosts).
	allow    hhttp.AllowList
	keyHosts bool

	// guarded by appCache.mu
	users   int
	evicted bool
	elem    *list.Element
}

// newCompiledApp wraps a compiled app version.
func newCompiledApp(app *runtime.App, m *abi.Manifest, appID, versionID string) (*compiledApp, error) {
	c := &compiledApp{app: app, manifest: m, versionID: versionID, appID: appID, slug: m.Slug}
	if m.Permissions.HTTP != nil {
		for _, e := range m.Permissions.HTTP.AllowedHosts {
			if _, ok := abi.KeyHostRef(e); ok {
				c.keyHosts = true
			}
		}
		if !c.keyHosts {
			l, err := hhttp.ParseAllowList(m.Permissions.HTTP.AllowedHosts)
			if err != nil {
				return nil, fmt.Errorf("app[%s] allow-list: %w", m.Slug, err)
			}
			c.allow = l
		}
	}
	return c, nil
}

// appCache keeps compiled app versions by version id, compiling each at
// most once however many callers miss at the same time, and closing the
// least recently used past its size once no call holds them.
type appCache struct {
	engine  *runtime.Engine
	store   *store.Store
	max     int
	loading singleflight.Group

	mu        sync.Mutex
	byVersion map[string]*compiledApp
	lru       *list.List // most recently used first
}

func newAppCache(e *runtime.Engine, s *store.Store, max int) *appCache {
	return &appCache{engine: e, store: s, max: max, byVersion: map[string]*compiledApp{}, lru: list.New()}
}

// acquire returns the compiled version, loading it from the store on a
// miss; release it when the call is done.
func (c *appCache) acquire(ctx context.Context, versionID string) (*compiledApp, error) {
	if a := c.take(versionID); a != nil {
		return a, nil
	}
	// The load runs without the caller's cancellation: others may be
	// waiting on the same flight.
	_, err, _ := c.loading.Do(versionID, func() (any, error) {
		if c.peek(versionID) {
			return nil, nil
		}
		a, err := c.load(context.WithoutCancel(ctx), versionID)
		if err != nil {
			return nil, err
		}
		c.put(context.WithoutCancel(ctx), a)
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	if a := c.take(versionID); a != nil {
		return a, nil
	}
	return nil, fmt.Errorf("app version[%s] was evicted while loading; try again", versionID)
}

// load reads a version from the store and compiles it.
func (c *appCache) load(ctx context.Context, versionID string) (*compiledApp, error) {
	v, err := c.store.AppVersion(ctx, versionID)
	if err != nil {
		return nil, err
	}
	wasm, err := c.store.AppVersionWasm(ctx, versionID)
	if err != nil {
		return nil, err
	}
	m, err := abi.ParseManifest(v.Manifest)
	if err != nil {
		return nil, fmt.Errorf("app version[%s]: stored manifest no longer parses: %w", versionID, err)
	}
	app, err := c.engine.Compile(ctx, wasm, m)
	if err != nil {
		return nil, fmt.Errorf("app version[%s]: compile: %w", versionID, err)
	}
	a, err := newCompiledApp(app, m, v.AppID, v.ID)
	if err != nil {
		_ = app.Close(ctx)
		return nil, err
	}
	return a, nil
}

func (c *appCache) peek(versionID string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.byVersion[versionID]
	return ok
}

// take marks a cached version in use and most recently used.
func (c *appCache) take(versionID string) *compiledApp {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.byVersion[versionID]
	if !ok {
		return nil
	}
	a.users++
	c.lru.MoveToFront(a.elem)
	return a
}

// release ends a use; an evicted version closes with its last use.
func (c *appCache) release(ctx context.Context, a *compiledApp) {
	c.mu.Lock()
	a.users--
	closeIt := a.evicted && a.users == 0
	c.mu.Unlock()
	if closeIt {
		_ = a.app.Close(ctx)
	}
}

// put adds a compiled version; a version already cached keeps its entry
// and the new one is closed. Past the size the least recently used go.
func (c *appCache) put(ctx context.Context, a *compiledApp) {
	c.mu.Lock()
	if _, ok := c.byVersion[a.versionID]; ok {
		c.mu.Unlock()
		_ = a.app.Close(ctx)
		return
	}
	a.elem = c.lru.PushFront(a)
	c.byVersion[a.versionID] = a
	var gone []*compiledApp
	for c.lru.Len() > c.max {
		old := c.lru.Back().Value.(*compiledApp)
		if g := c.removeLocked(old); g != nil {
			gone = append(gone, g)
		}
	}
	c.mu.Unlock()
	for _, g := range gone {
		_ = g.app.Close(ctx)
	}
}

// removeLocked drops a from the cache and returns it when it can close now.
func (c *appCache) removeLocked(a *compiledApp) *compiledApp {
	c.lru.Remove(a.elem)
	delete(c.byVersion, a.versionID)
	a.evicted = true
	if a.users == 0 {
		return a
	}
	return nil
}

// dropApp closes every cached version of an app (after it was deleted).
func (c *appCache) dropApp(ctx context.Context, appID string) {
	c.mu.Lock()
	var gone []*compiledApp
	for _, a := range c.byVersion {
		if a.appID == appID {
			if g := c.removeLocked(a); g != nil {
				gone = append(gone, g)
			}
		}
	}
	c.mu.Unlock()
	for _, g := range gone {
		_ = g.app.Close(ctx)
	}
}

// evictInstallation closes an installation's idle instances in every
// cached version, after its keys changed or it was deleted.
func (c *appCache) evictInstallation(ctx context.Context, installation string) {
	c.mu.Lock()
	apps := make([]*runtime.App, 0, len(c.byVersion))
	for _, a := range c.byVersion {
		apps = append(apps, a.app)
	}
	c.mu.Unlock()
	for _, a := range apps {
		a.Evict(ctx, installation)
	}
}

// closeAll closes every cached version not in use and marks the others to
// close with their last call.
func (c *appCache) closeAll(ctx context.Context) {
	c.mu.Lock()
	var gone []*compiledApp
	for _, a := range c.byVersion {
		if g := c.removeLocked(a); g != nil {
			gone = append(gone, g)
		}
	}
	c.mu.Unlock()
	for _, g := range gone {
		_ = g.app.Close(ctx)
	}
}

// len returns how many versions are cached.
func (c *appCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byVersion)
}
