package runtime

import (
	"context"
	"time"
)

// pool holds the idle instances of one (app version, installation). An
// instance never moves to another pool, so it never serves two installations.
type pool struct {
	app          *App
	installation string
	idle         []*instance // guarded by the engine's mutex
}

func (a *App) pool(installation string) (*pool, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, false
	}
	p := a.pools[installation]
	if p == nil {
		p = &pool{app: a, installation: installation}
		a.pools[installation] = p
	}
	return p, true
}

// take returns an idle instance, or nil when the pool has none.
func (p *pool) take() *instance {
	e := p.app.engine
	e.mu.Lock()
	defer e.mu.Unlock()
	n := len(p.idle)
	if n == 0 {
		return nil
	}
	in := p.idle[n-1]
	p.idle = p.idle[:n-1]
	e.removeIdleLocked(in)
	return in
}

// put returns a healthy instance to its pool, closing it instead when the
// pool is full or the app closed, and closing whatever the memory budget
// and idle timeout push out.
func (p *pool) put(ctx context.Context, in *instance, now time.Time) {
	e := p.app.engine
	p.app.mu.Lock()
	closed := p.app.closed || p.app.pools[p.installation] != p
	p.app.mu.Unlock()

	in.lastUsed = now
	in.memBytes = in.memorySize()

	e.mu.Lock()
	var evicted []*instance
	if closed || e.closed || len(p.idle) >= e.cfg.maxIdlePerPool {
		evicted = append(evicted, in)
	} else {
		p.idle = append(p.idle, in)
		e.lru.pushFront(in)
		e.idleBytes += in.memBytes
	}
	evicted = append(evicted, e.evictLocked(now)...)
	e.mu.Unlock()
	for _, x := range evicted {
		x.close(ctx)
	}
}

// evictLocked removes from the pools the instances over the idle memory
// budget or past the idle timeout, least recently used first, and returns
// them for the caller to close outside the lock.
func (e *Engine) evictLocked(now time.Time) []*instance {
	var out []*instance
	for in := e.lru.back; in != nil; in = e.lru.back {
		if e.idleBytes <= e.cfg.idleMemoryBudget && now.Sub(in.lastUsed) < e.cfg.idleTimeout {
			break
		}
		in.pool.removeLocked(in)
		e.removeIdleLocked(in)
		out = append(out, in)
	}
	return out
}

func (e *Engine) removeIdleLocked(in *instance) {
	if !in.idle {
		return
	}
	e.lru.remove(in)
	e.idleBytes -= in.memBytes
}

func (p *pool) removeLocked(in *instance) {
	for i, x := range p.idle {
		if x == in {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			return
		}
	}
}
