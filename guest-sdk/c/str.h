/*
 * str.h: small string helpers for app code: joining strings, clipping an
 * upstream answer to a one-line snippet for an error message, formatting an
 * unsigned number. Included by slotbox.h. Results live in the call arena.
 */
#ifndef SLOTBOX_STR_H
#define SLOTBOX_STR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define SB_SENTINEL __attribute__((sentinel))
#else
#define SB_SENTINEL
#endif

/* sb_cat joins NULL-terminated strings into one arena string ("" when out of memory). */
const char *sb_cat(const char *first, ...) SB_SENTINEL;

/*
 * sb_clip copies at most max bytes of s[0..n) as one line: runs of spaces and
 * control bytes become one space, none at either end; a cut lands on a UTF-8
 * boundary and is marked "..." (so the result is at most max + 3 bytes). The
 * result is an arena string ("" when out of memory).
 */
const char *sb_clip(const char *s, size_t n, size_t max);

/* sb_utoa writes v in decimal into buf and returns where the digits start. */
const char *sb_utoa(unsigned v, char buf[12]);

#ifdef __cplusplus
}
#endif

#endif
