package http

import (
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"time"
)

// cacheKey identifies a cached response.
type cacheKey [sha256.Size]byte

// newCacheKey hashes installation, method, URL, the guest's headers and
// whether the credential was attached (never its value). Each part is
// length-prefixed so no two requests share a key.
func newCacheKey(installation string, p *prepared) cacheKey {
	h := sha256.New()
	var n [8]byte
	put := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	put(installation)
	put(p.method)
	put(p.url.String())
	auth := AuthNone
	if p.credential {
		auth = AuthCredential
	}
	put(auth)
	for _, k := range sortedHeaderKeys(p.header) {
		put(k)
		put(p.header[k])
	}
	var k cacheKey
	h.Sum(k[:0])
	return k
}

// responseCache is a size-bounded LRU of responses with expiry times.
type responseCache struct {
	mu         sync.Mutex
	ll         *list.List
	items      map[cacheKey]*list.Element
	bytes      int64
	maxEntries int
	maxBytes   int64
}

// cacheEntry is one cached response.
type cacheEntry struct {
	key     cacheKey
	resp    Response
	expires time.Time
	size    int64
}

// newResponseCache returns an empty cache; maxEntries 0 disables it.
func newResponseCache(maxEntries int, maxBytes int64) *responseCache {
	return &responseCache{ll: list.New(), items: map[cacheKey]*list.Element{}, maxEntries: maxEntries, maxBytes: maxBytes}
}

// get returns a copy of the live entry under k.
func (c *responseCache) get(k cacheKey, now time.Time) (Response, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return Response{}, false
	}
	e := el.Value.(*cacheEntry)
	if !now.Before(e.expires) {
		c.remove(el)
		return Response{}, false
	}
	c.ll.MoveToFront(el)
	return e.resp.clone(), true
}

// put stores r under k until expires, evicting the least recently used
// entries past the bounds. A response larger than the byte bound is not kept.
func (c *responseCache) put(k cacheKey, r Response, expires time.Time) {
	size := r.size()
	if c.maxEntries == 0 || size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.remove(el)
	}
	c.items[k] = c.ll.PushFront(&cacheEntry{key: k, resp: r.clone(), expires: expires, size: size})
	c.bytes += size
	for c.ll.Len() > c.maxEntries || c.bytes > c.maxBytes {
		c.remove(c.ll.Back())
	}
}

// remove drops el; c.mu is held.
func (c *responseCache) remove(el *list.Element) {
	e := el.Value.(*cacheEntry)
	c.ll.Remove(el)
	delete(c.items, e.key)
	c.bytes -= e.size
}

// len returns the number of entries, for tests.
func (c *responseCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
