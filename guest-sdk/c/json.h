/*
 * json.h: the SDK's own JSON reader (a small DOM parsed in place) and
 * writer. No third-party code; depends only on arena.h and the C library.
 *
 * Reader. sb_json_parse parses RFC 8259 JSON into a tree of sb_json nodes
 * allocated from an arena. It is strict: one value, nothing but whitespace
 * around it, at most SB_JSON_MAX_DEPTH nested arrays and objects, strings
 * must be valid UTF-8 without raw control characters. Escapes are decoded
 * (\uXXXX included; a surrogate pair becomes one 4-byte UTF-8 sequence, a
 * lone surrogate becomes U+FFFD as in Go's encoding/json). Strings are
 * decoded in place into the input buffer and NUL-terminated there, so the
 * buffer is modified. Numbers keep their exact text, so re-serialising a
 * parsed value never changes a number. With duplicate object keys the last
 * one wins (as in Go and JavaScript).
 *
 * Every accessor accepts NULL and answers "missing", so lookups chain:
 *     sb_json_str(sb_json_path(in, "event", "organizer", "email", NULL), NULL)
 *
 * Writer. sb_jw writes JSON into a growing arena buffer. It places commas
 * and colons itself and records misuse (a value without a key inside an
 * object, unbalanced ends, too deep, out of memory, non-finite numbers) in
 * an error flag instead of producing bad JSON. Strings are escaped as JSON
 * requires; valid UTF-8 passes through unescaped, invalid bytes become U+FFFD.
 */
#ifndef SLOTBOX_JSON_H
#define SLOTBOX_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#ifdef __cplusplus
extern "C" {
#endif

/* SB_JSON_MAX_DEPTH is how deep arrays and objects may nest, in reader and writer. */
#define SB_JSON_MAX_DEPTH 128

/* sb_json_type is the kind of a JSON value; SB_JSON_MISSING stands for NULL. */
typedef enum sb_json_type {
	SB_JSON_MISSING = 0,
	SB_JSON_NULL,
	SB_JSON_FALSE,
	SB_JSON_TRUE,
	SB_JSON_NUMBER,
	SB_JSON_STRING,
	SB_JSON_ARRAY,
	SB_JSON_OBJECT
} sb_json_type;

/* sb_json is one parsed value; read it through the functions below. */
typedef struct sb_json sb_json;
struct sb_json {
	sb_json_type type;
	uint32_t len;      /* string bytes, number text bytes, or element count */
	const char *str;   /* string (NUL-terminated) or number text (not terminated) */
	const char *key;   /* member name when inside an object (NUL-terminated) */
	uint32_t key_len;
	sb_json *child;    /* first element or member */
	sb_json *next;     /* next sibling */
};

/* sb_json_error says where and why parsing failed. */
typedef struct sb_json_error {
	size_t offset;       /* byte offset of the problem */
	const char *message; /* static text, e.g. "unterminated string" */
} sb_json_error;

/*
 * sb_json_parse parses buf[0..len) in place (buf is modified) and returns
 * the root, or NULL with *err filled (err may be NULL).
 */
const sb_json *sb_json_parse(sb_arena *a, char *buf, size_t len, sb_json_error *err);

/* sb_json_parse_copy parses a copy of src, leaving src untouched. */
const sb_json *sb_json_parse_copy(sb_arena *a, const char *src, size_t len, sb_json_error *err);

/* sb_json_valid reports whether src[0..len) is one valid JSON value. */
bool sb_json_valid(sb_arena *a, const char *src, size_t len);

/* sb_json_kind returns the type of v, SB_JSON_MISSING when v is NULL. */
sb_json_type sb_json_kind(const sb_json *v);

/* sb_json_get returns the member key of object v (the last one if repeated), or NULL. */
const sb_json *sb_json_get(const sb_json *v, const char *key);

/* sb_json_get_n is sb_json_get with a key of n bytes. */
const sb_json *sb_json_get_n(const sb_json *v, const char *key, size_t n);

/* sb_json_path follows a NULL-terminated list of member names from v. */
const sb_json *sb_json_path(const sb_json *v, ...);

/* sb_json_at returns element i of array v, or NULL. */
const sb_json *sb_json_at(const sb_json *v, size_t i);

/* sb_json_count returns the number of elements or members of v, 0 otherwise. */
size_t sb_json_count(const sb_json *v);

/* sb_json_first and sb_json_next iterate the elements or members of v. */
const sb_json *sb_json_first(const sb_json *v);
const sb_json *sb_json_next(const sb_json *item);

/* sb_json_key returns the member name of an object member (len may be NULL). */
const char *sb_json_key(const sb_json *member, size_t *len);

/*
 * sb_json_str returns the decoded string of v, NUL-terminated, or NULL when
 * v is not a string. *len (if len is not NULL) gets its length; the string
 * may hold NUL bytes from \u0000 escapes.
 */
const char *sb_json_str(const sb_json *v, size_t *len);

/* sb_json_str_or returns the string of v, or def when v is not a string. */
const char *sb_json_str_or(const sb_json *v, const char *def);

/*
 * sb_json_int reads v as an integer into *out: an integer literal in int64
 * range, or a number with a fraction or exponent whose value is a whole
 * number in range. False otherwise (*out untouched).
 */
bool sb_json_int(const sb_json *v, int64_t *out);

/* sb_json_double reads a number as the nearest double (strtod). */
bool sb_json_double(const sb_json *v, double *out);

/* sb_json_bool reads true or false into *out. */
bool sb_json_bool(const sb_json *v, bool *out);

/* sb_json_is_null reports whether v is the JSON null (not NULL). */
bool sb_json_is_null(const sb_json *v);

/* sb_jw is a JSON writer. Create it with sb_jw_init; fields are private. */
typedef struct sb_jw {
	sb_arena *arena;
	char *buf;
	size_t len, cap;
	size_t base;      /* where the JSON text starts (after a prefix) */
	uint32_t depth;
	uint32_t top;     /* values written at depth 0 */
	bool failed;
	const char *error;
	uint8_t state[SB_JSON_MAX_DEPTH];
} sb_jw;

/* sb_jw_init prepares w to write into memory from a. */
void sb_jw_init(sb_jw *w, sb_arena *a);

/* sb_jw_object_begin and the following add one value or structure to w. */
void sb_jw_object_begin(sb_jw *w);
void sb_jw_object_end(sb_jw *w);
void sb_jw_array_begin(sb_jw *w);
void sb_jw_array_end(sb_jw *w);
/* sb_jw_key writes a member name; the next call must write its value. */
void sb_jw_key(sb_jw *w, const char *key);
void sb_jw_key_n(sb_jw *w, const char *key, size_t n);
/* sb_jw_string writes s; NULL writes null. */
void sb_jw_string(sb_jw *w, const char *s);
void sb_jw_string_n(sb_jw *w, const char *s, size_t n);
void sb_jw_int(sb_jw *w, int64_t v);
/* sb_jw_double writes the shortest text that reads back as v; NaN and infinities fail w. */
void sb_jw_double(sb_jw *w, double v);
void sb_jw_bool(sb_jw *w, bool v);
void sb_jw_null(sb_jw *w);
/* sb_jw_value writes a parsed value (NULL writes null). */
void sb_jw_value(sb_jw *w, const sb_json *v);
/* sb_jw_raw writes json[0..n), which must be one valid JSON value (else w fails). */
void sb_jw_raw(sb_jw *w, const char *json, size_t n);

/* sb_jw_kv_string and friends write a key and its value in one call. */
void sb_jw_kv_string(sb_jw *w, const char *key, const char *value);
void sb_jw_kv_int(sb_jw *w, const char *key, int64_t value);
void sb_jw_kv_bool(sb_jw *w, const char *key, bool value);

/* sb_jw_ok reports whether w holds exactly one complete value and no error. */
bool sb_jw_ok(const sb_jw *w);

/* sb_jw_error returns why w failed, or NULL. */
const char *sb_jw_error(const sb_jw *w);

/* sb_jw_bytes returns the JSON written so far (not NUL-terminated). */
const char *sb_jw_bytes(const sb_jw *w, size_t *len);

/* sb_jw_append_raw appends bytes verbatim, bypassing all checks (SDK use). */
void sb_jw_append_raw(sb_jw *w, const char *s, size_t n);

/* sb_base64_encode writes the standard base64 (with padding) of src as a JSON string. */
void sb_jw_base64(sb_jw *w, const void *src, size_t n);

/*
 * sb_base64_decode decodes standard or URL-safe base64 (padding optional)
 * into a new arena buffer, NUL-terminated. Returns NULL on bad input.
 */
char *sb_base64_decode(sb_arena *a, const char *src, size_t n, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif
