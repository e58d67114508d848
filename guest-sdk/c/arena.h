/*
 * arena.h: a bump allocator over malloc'd chunks, reset between calls.
 *
 * Everything the SDK allocates during one slotbox_call (the input, the
 * parsed JSON, writers, host results) lives in one arena. The SDK resets it
 * when the host starts the next call, so memory stays flat however many
 * calls an instance serves. The first chunk is kept across resets; larger
 * chunks are returned to malloc.
 */
#ifndef SLOTBOX_ARENA_H
#define SLOTBOX_ARENA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sb_arena_chunk sb_arena_chunk;

/* sb_arena is a per-call allocator. Zero it, or use SB_ARENA_INIT. */
typedef struct sb_arena {
	sb_arena_chunk *list;  /* every chunk, newest first */
	sb_arena_chunk *cur;   /* the chunk serving small allocations */
	sb_arena_chunk *first; /* the base chunk, kept across resets */
	size_t chunk_size;     /* size of the base chunk; 0 means 64 KiB */
} sb_arena;

#define SB_ARENA_INIT {0, 0, 0, 0}

/* sb_arena_alloc returns n bytes aligned to 8, or NULL when out of memory. */
void *sb_arena_alloc(sb_arena *a, size_t n);

/*
 * sb_arena_grow resizes the allocation p of old bytes to n bytes (n > old),
 * in place when p is the newest allocation of its chunk, else by copying.
 * p may be NULL (then it allocates). Returns NULL when out of memory; p is
 * left valid then.
 */
void *sb_arena_grow(sb_arena *a, void *p, size_t old, size_t n);

/* sb_arena_reset frees everything allocated since the last reset. */
void sb_arena_reset(sb_arena *a);

/* sb_arena_release returns every chunk, including the base one, to malloc. */
void sb_arena_release(sb_arena *a);

/* sb_arena_bytes reports the bytes the arena holds from malloc. */
size_t sb_arena_bytes(const sb_arena *a);

#ifdef __cplusplus
}
#endif

#endif
