/* arena.c: see arena.h. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct sb_arena_chunk {
	sb_arena_chunk *next;
	size_t cap;     /* usable bytes after the header */
	size_t used;    /* bytes handed out */
	int dedicated;  /* holds exactly one large allocation */
};

#define SB_ALIGN 8u
#define SB_HDR ((sizeof(sb_arena_chunk) + SB_ALIGN - 1) & ~(size_t)(SB_ALIGN - 1))
#define SB_DEFAULT_CHUNK ((size_t)64 * 1024)

static char *data_of(sb_arena_chunk *c) { return (char *)c + SB_HDR; }

/* round8 rounds n up to the alignment; 0 on overflow. */
static size_t round8(size_t n)
{
	if (n > SIZE_MAX - (SB_ALIGN - 1))
		return 0;
	return (n + SB_ALIGN - 1) & ~(size_t)(SB_ALIGN - 1);
}

static size_t base_size(const sb_arena *a)
{
	return a->chunk_size ? round8(a->chunk_size) : SB_DEFAULT_CHUNK;
}

static sb_arena_chunk *new_chunk(sb_arena *a, size_t cap, int dedicated)
{
	if (cap > SIZE_MAX - SB_HDR)
		return NULL;
	sb_arena_chunk *c = malloc(SB_HDR + cap);
	if (!c)
		return NULL;
	c->cap = cap;
	c->used = 0;
	c->dedicated = dedicated;
	c->next = a->list;
	a->list = c;
	return c;
}

void *sb_arena_alloc(sb_arena *a, size_t n)
{
	size_t n8 = round8(n ? n : 1);
	if (!n8)
		return NULL;
	if (!a->first) {
		a->first = a->cur = new_chunk(a, base_size(a), 0);
		if (!a->first)
			return NULL;
	}
	if (n8 > base_size(a) / 4) {
		sb_arena_chunk *c = new_chunk(a, n8, 1);
		if (!c)
			return NULL;
		c->used = n8;
		return data_of(c);
	}
	if (a->cur->cap - a->cur->used < n8) {
		sb_arena_chunk *c = new_chunk(a, base_size(a), 0);
		if (!c)
			return NULL;
		a->cur = c;
	}
	void *p = data_of(a->cur) + a->cur->used;
	a->cur->used += n8;
	return p;
}

void *sb_arena_grow(sb_arena *a, void *p, size_t old, size_t n)
{
	if (!p)
		return sb_arena_alloc(a, n);
	if (n <= old)
		return p;
	size_t old8 = round8(old ? old : 1), n8 = round8(n);
	if (!n8)
		return NULL;
	sb_arena_chunk *c = a->cur;
	if (c && (char *)p + old8 == data_of(c) + c->used && c->cap - c->used >= n8 - old8) {
		c->used += n8 - old8;
		return p;
	}
	/* A dedicated chunk is resized with realloc, so its old bytes are not kept twice. */
	for (sb_arena_chunk **link = &a->list; *link; link = &(*link)->next) {
		sb_arena_chunk *d = *link;
		if (!d->dedicated || data_of(d) != (char *)p)
			continue;
		if (n8 > SIZE_MAX - SB_HDR)
			return NULL;
		sb_arena_chunk *r = realloc(d, SB_HDR + n8);
		if (!r)
			return NULL;
		r->cap = r->used = n8;
		*link = r;
		return data_of(r);
	}
	void *q = sb_arena_alloc(a, n);
	if (!q)
		return NULL;
	memcpy(q, p, old);
	return q;
}

void sb_arena_reset(sb_arena *a)
{
	sb_arena_chunk *c = a->list;
	while (c) {
		sb_arena_chunk *next = c->next;
		if (c != a->first)
			free(c);
		c = next;
	}
	a->list = a->cur = a->first;
	if (a->first) {
		a->first->next = NULL;
		a->first->used = 0;
	}
}

void sb_arena_release(sb_arena *a)
{
	sb_arena_reset(a);
	free(a->first);
	a->list = a->cur = a->first = NULL;
}

size_t sb_arena_bytes(const sb_arena *a)
{
	size_t total = 0;
	for (const sb_arena_chunk *c = a->list; c; c = c->next)
		total += SB_HDR + c->cap;
	return total;
}
