/* json.c: the JSON reader and writer declared in json.h. */
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- reader */

typedef struct parser {
	sb_arena *a;
	char *s;
	size_t n, i;
	sb_json_error *err;
} parser;

static sb_json *fail_at(parser *p, size_t off, const char *msg)
{
	if (p->err && !p->err->message) {
		p->err->offset = off;
		p->err->message = msg;
	}
	return NULL;
}

static void skip_ws(parser *p)
{
	while (p->i < p->n) {
		char c = p->s[p->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		p->i++;
	}
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* read_hex4 reads the 4 hex digits at s[i..i+4), or returns -1. */
static long read_hex4(const parser *p, size_t i)
{
	if (p->n - i < 4)
		return -1;
	long v = 0;
	for (size_t k = 0; k < 4; k++) {
		int h = hex_val(p->s[i + k]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

static size_t put_utf8(char *dst, uint32_t cp)
{
	if (cp < 0x80) {
		dst[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		dst[0] = (char)(0xC0 | cp >> 6);
		dst[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		dst[0] = (char)(0xE0 | cp >> 12);
		dst[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		dst[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	dst[0] = (char)(0xF0 | cp >> 18);
	dst[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	dst[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	dst[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * utf8_len returns the length of the valid UTF-8 sequence at s[0..n), or 0
 * when it is not valid (overlong, surrogate, above U+10FFFF, truncated).
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xF4 && s[1] >= 0x90)
			return 0; /* above U+10FFFF */
		return 4;
	}
	return 0;
}

/*
 * parse_string decodes the string starting at the opening quote s[i] in
 * place and NUL-terminates it. The decoded text never outgrows the source.
 */
static bool parse_string(parser *p, const char **out, uint32_t *out_len)
{
	size_t start = ++p->i, dst = start;
	for (;;) {
		if (p->i >= p->n)
			return fail_at(p, start - 1, "unterminated string"), false;
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == '"')
			break;
		if (c < 0x20)
			return fail_at(p, p->i, "control character in string"), false;
		if (c != '\\') {
			size_t k = utf8_len((const unsigned char *)p->s + p->i, p->n - p->i);
			if (!k)
				return fail_at(p, p->i, "invalid UTF-8 in string"), false;
			memmove(p->s + dst, p->s + p->i, k);
			dst += k;
			p->i += k;
			continue;
		}
		if (p->i + 1 >= p->n)
			return fail_at(p, start - 1, "unterminated string"), false;
		char e = p->s[p->i + 1];
		char simple = 0;
		switch (e) {
		case '"': simple = '"'; break;
		case '\\': simple = '\\'; break;
		case '/': simple = '/'; break;
		case 'b': simple = '\b'; break;
		case 'f': simple = '\f'; break;
		case 'n': simple = '\n'; break;
		case 'r': simple = '\r'; break;
		case 't': simple = '\t'; break;
		case 'u': break;
		default:
			return fail_at(p, p->i, "invalid escape in string"), false;
		}
		if (simple) {
			p->s[dst++] = simple;
			p->i += 2;
			continue;
		}
		long cp = read_hex4(p, p->i + 2);
		if (cp < 0)
			return fail_at(p, p->i, "invalid \\u escape"), false;
		p->i += 6;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			long lo = -1;
			if (p->n - p->i >= 6 && p->s[p->i] == '\\' && p->s[p->i + 1] == 'u')
				lo = read_hex4(p, p->i + 2);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p->i += 6;
			} else {
				cp = 0xFFFD; /* lone high surrogate */
			}
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			cp = 0xFFFD; /* lone low surrogate */
		}
		dst += put_utf8(p->s + dst, (uint32_t)cp);
	}
	size_t len = dst - start;
	if (len > UINT32_MAX)
		return fail_at(p, start, "string too long"), false;
	p->s[dst] = '\0'; /* dst <= index of the closing quote */
	p->i++;
	*out = p->s + start;
	*out_len = (uint32_t)len;
	return true;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool parse_number(parser *p, sb_json *v)
{
	size_t start = p->i;
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i >= p->n || !is_digit(p->s[p->i]))
		return fail_at(p, start, "invalid number"), false;
	if (p->s[p->i] == '0') {
		p->i++;
	} else {
		while (p->i < p->n && is_digit(p->s[p->i]))
			p->i++;
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (p->i >= p->n || !is_digit(p->s[p->i]))
			return fail_at(p, start, "invalid number"), false;
		while (p->i < p->n && is_digit(p->s[p->i]))
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (p->i >= p->n || !is_digit(p->s[p->i]))
			return fail_at(p, start, "invalid number"), false;
		while (p->i < p->n && is_digit(p->s[p->i]))
			p->i++;
	}
	if (p->i - start > UINT32_MAX)
		return fail_at(p, start, "number too long"), false;
	v->type = SB_JSON_NUMBER;
	v->str = p->s + start;
	v->len = (uint32_t)(p->i - start);
	return true;
}

static bool parse_literal(parser *p, const char *word, size_t n)
{
	if (p->n - p->i < n || memcmp(p->s + p->i, word, n) != 0)
		return fail_at(p, p->i, "invalid literal"), false;
	p->i += n;
	return true;
}

static sb_json *new_node(parser *p)
{
	sb_json *v = sb_arena_alloc(p->a, sizeof *v);
	if (!v)
		return fail_at(p, p->i, "out of memory");
	memset(v, 0, sizeof *v);
	return v;
}

static sb_json *parse_value(parser *p, unsigned depth);

static sb_json *parse_container(parser *p, unsigned depth, bool object)
{
	size_t open = p->i;
	if (depth >= SB_JSON_MAX_DEPTH)
		return fail_at(p, open, "nested too deeply");
	sb_json *v = new_node(p);
	if (!v)
		return NULL;
	v->type = object ? SB_JSON_OBJECT : SB_JSON_ARRAY;
	char close = object ? '}' : ']';
	p->i++;
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		return v;
	}
	sb_json **tail = &v->child;
	for (;;) {
		const char *key = NULL;
		uint32_t key_len = 0;
		if (object) {
			if (p->i >= p->n || p->s[p->i] != '"')
				return fail_at(p, p->i, "expected a member name");
			if (!parse_string(p, &key, &key_len))
				return NULL;
			skip_ws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return fail_at(p, p->i, "expected ':'");
			p->i++;
		}
		sb_json *item = parse_value(p, depth + 1);
		if (!item)
			return NULL;
		item->key = key;
		item->key_len = key_len;
		*tail = item;
		tail = &item->next;
		if (v->len == UINT32_MAX)
			return fail_at(p, p->i, "too many elements");
		v->len++;
		skip_ws(p);
		if (p->i >= p->n)
			return fail_at(p, open, object ? "unterminated object" : "unterminated array");
		if (p->s[p->i] == ',') {
			p->i++;
			skip_ws(p);
			continue;
		}
		if (p->s[p->i] == close) {
			p->i++;
			return v;
		}
		return fail_at(p, p->i, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static sb_json *parse_value(parser *p, unsigned depth)
{
	skip_ws(p);
	if (p->i >= p->n)
		return fail_at(p, p->i, "unexpected end of input");
	char c = p->s[p->i];
	if (c == '{' || c == '[')
		return parse_container(p, depth, c == '{');
	sb_json *v = new_node(p);
	if (!v)
		return NULL;
	switch (c) {
	case '"':
		v->type = SB_JSON_STRING;
		return parse_string(p, &v->str, &v->len) ? v : NULL;
	case 't':
		v->type = SB_JSON_TRUE;
		return parse_literal(p, "true", 4) ? v : NULL;
	case 'f':
		v->type = SB_JSON_FALSE;
		return parse_literal(p, "false", 5) ? v : NULL;
	case 'n':
		v->type = SB_JSON_NULL;
		return parse_literal(p, "null", 4) ? v : NULL;
	default:
		if (c == '-' || is_digit(c))
			return parse_number(p, v) ? v : NULL;
		return fail_at(p, p->i, "unexpected character");
	}
}

const sb_json *sb_json_parse(sb_arena *a, char *buf, size_t len, sb_json_error *err)
{
	sb_json_error scratch = {0, NULL};
	parser p = {a, buf, len, 0, err ? err : &scratch};
	p.err->message = NULL;
	p.err->offset = 0;
	if (!buf && len)
		return fail_at(&p, 0, "no input");
	sb_json *v = parse_value(&p, 0);
	if (!v)
		return NULL;
	skip_ws(&p);
	if (p.i != p.n)
		return fail_at(&p, p.i, "data after the value");
	return v;
}

const sb_json *sb_json_parse_copy(sb_arena *a, const char *src, size_t len, sb_json_error *err)
{
	char *buf = sb_arena_alloc(a, len);
	if (!buf) {
		if (err) {
			err->offset = 0;
			err->message = "out of memory";
		}
		return NULL;
	}
	if (len)
		memcpy(buf, src, len);
	return sb_json_parse(a, buf, len, err);
}

bool sb_json_valid(sb_arena *a, const char *src, size_t len)
{
	return sb_json_parse_copy(a, src, len, NULL) != NULL;
}

sb_json_type sb_json_kind(const sb_json *v) { return v ? v->type : SB_JSON_MISSING; }

const sb_json *sb_json_get_n(const sb_json *v, const char *key, size_t n)
{
	if (!v || v->type != SB_JSON_OBJECT || !key)
		return NULL;
	const sb_json *found = NULL;
	for (const sb_json *m = v->child; m; m = m->next)
		if (m->key_len == n && memcmp(m->key, key, n) == 0)
			found = m;
	return found;
}

const sb_json *sb_json_get(const sb_json *v, const char *key)
{
	return key ? sb_json_get_n(v, key, strlen(key)) : NULL;
}

const sb_json *sb_json_path(const sb_json *v, ...)
{
	va_list ap;
	va_start(ap, v);
	for (const char *k = va_arg(ap, const char *); k && v; k = va_arg(ap, const char *))
		v = sb_json_get(v, k);
	va_end(ap);
	return v;
}

const sb_json *sb_json_at(const sb_json *v, size_t i)
{
	if (!v || v->type != SB_JSON_ARRAY)
		return NULL;
	const sb_json *e = v->child;
	while (e && i--)
		e = e->next;
	return e;
}

size_t sb_json_count(const sb_json *v)
{
	return v && (v->type == SB_JSON_ARRAY || v->type == SB_JSON_OBJECT) ? v->len : 0;
}

const sb_json *sb_json_first(const sb_json *v)
{
	return v && (v->type == SB_JSON_ARRAY || v->type == SB_JSON_OBJECT) ? v->child : NULL;
}

const sb_json *sb_json_next(const sb_json *item) { return item ? item->next : NULL; }

const char *sb_json_key(const sb_json *member, size_t *len)
{
	if (!member || !member->key)
		return NULL;
	if (len)
		*len = member->key_len;
	return member->key;
}

const char *sb_json_str(const sb_json *v, size_t *len)
{
	if (!v || v->type != SB_JSON_STRING)
		return NULL;
	if (len)
		*len = v->len;
	return v->str;
}

const char *sb_json_str_or(const sb_json *v, const char *def)
{
	const char *s = sb_json_str(v, NULL);
	return s ? s : def;
}

bool sb_json_bool(const sb_json *v, bool *out)
{
	if (!v || (v->type != SB_JSON_TRUE && v->type != SB_JSON_FALSE))
		return false;
	*out = v->type == SB_JSON_TRUE;
	return true;
}

bool sb_json_is_null(const sb_json *v) { return v && v->type == SB_JSON_NULL; }

/*
 * sb_json_int works on the exact decimal text: digits d1..dk with a
 * decimal exponent, so 1.5e1 and 100e-2 read as 15 and 1 without floats.
 */
bool sb_json_int(const sb_json *v, int64_t *out)
{
	if (!v || v->type != SB_JSON_NUMBER)
		return false;
	const char *s = v->str, *end = v->str + v->len;
	bool neg = *s == '-';
	if (neg)
		s++;
	const char *digits = s, *dot = NULL;
	const char *mant_end = s;
	while (mant_end < end && (is_digit(*mant_end) || *mant_end == '.')) {
		if (*mant_end == '.')
			dot = mant_end;
		mant_end++;
	}
	long exp = 0;
	if (mant_end < end) { /* exponent */
		const char *e = mant_end + 1;
		bool eneg = *e == '-';
		if (*e == '+' || *e == '-')
			e++;
		for (; e < end; e++) {
			if (exp < 100000)
				exp = exp * 10 + (*e - '0');
		}
		if (eneg)
			exp = -exp;
	}
	if (dot)
		exp -= (long)(mant_end - dot - 1);
	/* Collect the significant digits, without leading and trailing zeros. */
	const char *first = digits, *last = mant_end;
	while (first < last && (*first == '0' || *first == '.'))
		first++;
	/* value = D * 10^exp with D all digits; a trailing zero of D moves into exp. */
	while (last > first && (last[-1] == '0' || last[-1] == '.')) {
		if (last[-1] == '0')
			exp++;
		last--;
	}
	if (first == last) {
		*out = 0;
		return true;
	}
	if (exp < 0)
		return false;
	uint64_t acc = 0;
	const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (const char *c = first; c < last; c++) {
		if (*c == '.')
			continue;
		uint64_t d = (uint64_t)(*c - '0');
		if (acc > (limit - d) / 10)
			return false;
		acc = acc * 10 + d;
	}
	for (long k = 0; k < exp; k++) {
		if (acc > limit / 10)
			return false;
		acc *= 10;
	}
	*out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
	return true;
}

bool sb_json_double(const sb_json *v, double *out)
{
	if (!v || v->type != SB_JSON_NUMBER)
		return false;
	char small[64];
	char *buf = small;
	if (v->len >= sizeof small) {
		buf = malloc((size_t)v->len + 1);
		if (!buf)
			return false;
	}
	memcpy(buf, v->str, v->len);
	buf[v->len] = '\0';
	*out = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	return true;
}

/* ---------------------------------------------------------------- writer */

enum { ST_OBJECT = 1, ST_ITEMS = 2, ST_KEY = 4 };

void sb_jw_init(sb_jw *w, sb_arena *a)
{
	memset(w, 0, sizeof *w);
	w->arena = a;
}

static void jw_fail(sb_jw *w, const char *why)
{
	if (!w->failed) {
		w->failed = true;
		w->error = why;
	}
}

static bool reserve(sb_jw *w, size_t n)
{
	if (w->failed)
		return false;
	if (w->cap - w->len >= n)
		return true;
	if (n > SIZE_MAX / 2 - w->len) {
		jw_fail(w, "output too large");
		return false;
	}
	size_t cap = w->cap ? w->cap * 2 : 256;
	while (cap - w->len < n)
		cap *= 2;
	char *buf = sb_arena_grow(w->arena, w->buf, w->cap, cap);
	if (!buf) {
		jw_fail(w, "out of memory");
		return false;
	}
	w->buf = buf;
	w->cap = cap;
	return true;
}

static void put(sb_jw *w, const char *s, size_t n)
{
	if (n && reserve(w, n)) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
	}
}

static void putc1(sb_jw *w, char c)
{
	if (reserve(w, 1))
		w->buf[w->len++] = c;
}

void sb_jw_append_raw(sb_jw *w, const char *s, size_t n) { put(w, s, n); }

static bool before_value(sb_jw *w)
{
	if (w->failed)
		return false;
	if (w->depth == 0) {
		if (w->top) {
			jw_fail(w, "more than one top-level value");
			return false;
		}
		w->top++;
		return true;
	}
	uint8_t *st = &w->state[w->depth - 1];
	if (*st & ST_OBJECT) {
		if (!(*st & ST_KEY)) {
			jw_fail(w, "object member without a key");
			return false;
		}
		*st &= (uint8_t)~ST_KEY;
		return true;
	}
	if (*st & ST_ITEMS)
		putc1(w, ',');
	*st |= ST_ITEMS;
	return !w->failed;
}

static const char hexdigits[] = "0123456789abcdef";

/* put_escaped writes s as a quoted JSON string; invalid UTF-8 becomes U+FFFD. */
static void put_escaped(sb_jw *w, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	putc1(w, '"');
	size_t run = 0; /* start of bytes to copy verbatim */
	for (size_t i = 0; i < n && !w->failed;) {
		unsigned char c = u[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t k = utf8_len(u + i, n - i);
			if (k) {
				i += k;
				continue;
			}
		}
		put(w, s + run, i - run);
		char esc[6] = {'\\', 0, 0, 0, 0, 0};
		size_t len = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			if (c < 0x20) {
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hexdigits[c >> 4];
				esc[5] = hexdigits[c & 15];
				len = 6;
			} else {
				put(w, "\xEF\xBF\xBD", 3); /* invalid UTF-8 byte */
				len = 0;
			}
		}
		put(w, esc, len);
		i++;
		run = i;
	}
	put(w, s + run, n - run);
	putc1(w, '"');
}

static void begin(sb_jw *w, bool object)
{
	if (!before_value(w))
		return;
	if (w->depth >= SB_JSON_MAX_DEPTH) {
		jw_fail(w, "nested too deeply");
		return;
	}
	putc1(w, object ? '{' : '[');
	w->state[w->depth++] = object ? ST_OBJECT : 0;
}

static void end(sb_jw *w, bool object)
{
	if (w->failed)
		return;
	if (w->depth == 0 || !(w->state[w->depth - 1] & ST_OBJECT) != !object) {
		jw_fail(w, "unbalanced end");
		return;
	}
	if (w->state[w->depth - 1] & ST_KEY) {
		jw_fail(w, "key without a value");
		return;
	}
	putc1(w, object ? '}' : ']');
	w->depth--;
}

void sb_jw_object_begin(sb_jw *w) { begin(w, true); }
void sb_jw_object_end(sb_jw *w) { end(w, true); }
void sb_jw_array_begin(sb_jw *w) { begin(w, false); }
void sb_jw_array_end(sb_jw *w) { end(w, false); }

void sb_jw_key_n(sb_jw *w, const char *key, size_t n)
{
	if (w->failed)
		return;
	if (!key) {
		jw_fail(w, "NULL key");
		return;
	}
	uint8_t *st = w->depth ? &w->state[w->depth - 1] : NULL;
	if (!st || !(*st & ST_OBJECT) || (*st & ST_KEY)) {
		jw_fail(w, "key outside an object");
		return;
	}
	if (*st & ST_ITEMS)
		putc1(w, ',');
	*st |= ST_ITEMS | ST_KEY;
	put_escaped(w, key, n);
	putc1(w, ':');
}

void sb_jw_key(sb_jw *w, const char *key) { sb_jw_key_n(w, key, key ? strlen(key) : 0); }

void sb_jw_string_n(sb_jw *w, const char *s, size_t n)
{
	if (!s) {
		sb_jw_null(w);
		return;
	}
	if (before_value(w))
		put_escaped(w, s, n);
}

void sb_jw_string(sb_jw *w, const char *s) { sb_jw_string_n(w, s, s ? strlen(s) : 0); }

void sb_jw_int(sb_jw *w, int64_t v)
{
	if (!before_value(w))
		return;
	char tmp[24];
	size_t i = sizeof tmp;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	put(w, tmp + i, sizeof tmp - i);
}

void sb_jw_double(sb_jw *w, double v)
{
	if (!isfinite(v)) {
		jw_fail(w, "NaN or infinite number");
		return;
	}
	if (!before_value(w))
		return;
	char tmp[40];
	int n = 0;
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	if (n <= 0 || (size_t)n >= sizeof tmp) {
		jw_fail(w, "number formatting failed");
		return;
	}
	put(w, tmp, (size_t)n);
}

void sb_jw_bool(sb_jw *w, bool v)
{
	if (before_value(w))
		put(w, v ? "true" : "false", v ? 4 : 5);
}

void sb_jw_null(sb_jw *w)
{
	if (before_value(w))
		put(w, "null", 4);
}

static void write_value(sb_jw *w, const sb_json *v)
{
	switch (sb_json_kind(v)) {
	case SB_JSON_MISSING:
	case SB_JSON_NULL: sb_jw_null(w); return;
	case SB_JSON_TRUE: sb_jw_bool(w, true); return;
	case SB_JSON_FALSE: sb_jw_bool(w, false); return;
	case SB_JSON_STRING: sb_jw_string_n(w, v->str, v->len); return;
	case SB_JSON_NUMBER:
		if (before_value(w))
			put(w, v->str, v->len);
		return;
	case SB_JSON_ARRAY:
	case SB_JSON_OBJECT: {
		bool object = v->type == SB_JSON_OBJECT;
		begin(w, object);
		for (const sb_json *e = v->child; e && !w->failed; e = e->next) {
			if (object)
				sb_jw_key_n(w, e->key, e->key_len);
			write_value(w, e);
		}
		end(w, object);
		return;
	}
	}
}

void sb_jw_value(sb_jw *w, const sb_json *v) { write_value(w, v); }

void sb_jw_raw(sb_jw *w, const char *json, size_t n)
{
	if (w->failed)
		return;
	if (!json || !sb_json_valid(w->arena, json, n)) {
		jw_fail(w, "raw value is not valid JSON");
		return;
	}
	if (w->depth + 1 > SB_JSON_MAX_DEPTH) {
		/* The parser already bounded the raw value's own depth. */
		jw_fail(w, "nested too deeply");
		return;
	}
	while (n && (*json == ' ' || *json == '\t' || *json == '\n' || *json == '\r')) {
		json++;
		n--;
	}
	while (n && (json[n - 1] == ' ' || json[n - 1] == '\t' || json[n - 1] == '\n' || json[n - 1] == '\r'))
		n--;
	if (before_value(w))
		put(w, json, n);
}

void sb_jw_kv_string(sb_jw *w, const char *key, const char *value)
{
	sb_jw_key(w, key);
	sb_jw_string(w, value);
}

void sb_jw_kv_int(sb_jw *w, const char *key, int64_t value)
{
	sb_jw_key(w, key);
	sb_jw_int(w, value);
}

void sb_jw_kv_bool(sb_jw *w, const char *key, bool value)
{
	sb_jw_key(w, key);
	sb_jw_bool(w, value);
}

bool sb_jw_ok(const sb_jw *w) { return !w->failed && w->depth == 0 && w->top == 1; }

const char *sb_jw_error(const sb_jw *w)
{
	if (w->failed)
		return w->error;
	if (w->depth)
		return "unclosed array or object";
	if (!w->top)
		return "no value written";
	return NULL;
}

const char *sb_jw_bytes(const sb_jw *w, size_t *len)
{
	if (len)
		*len = w->len - w->base;
	return w->buf ? w->buf + w->base : "";
}

/* ---------------------------------------------------------------- base64 */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void sb_jw_base64(sb_jw *w, const void *src, size_t n)
{
	if (!before_value(w))
		return;
	if (n > (SIZE_MAX - 2) / 4 * 3 - 3) {
		jw_fail(w, "output too large");
		return;
	}
	size_t out = (n + 2) / 3 * 4;
	if (!reserve(w, out + 2))
		return;
	const unsigned char *s = src;
	char *d = w->buf + w->len;
	*d++ = '"';
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		*d++ = b64[v >> 18];
		*d++ = b64[v >> 12 & 63];
		*d++ = b64[v >> 6 & 63];
		*d++ = b64[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)s[i] << 16;
		*d++ = b64[v >> 18];
		*d++ = b64[v >> 12 & 63];
		*d++ = '=';
		*d++ = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		*d++ = b64[v >> 18];
		*d++ = b64[v >> 12 & 63];
		*d++ = b64[v >> 6 & 63];
		*d++ = '=';
	}
	*d++ = '"';
	w->len = (size_t)(d - w->buf);
}

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

char *sb_base64_decode(sb_arena *a, const char *src, size_t n, size_t *out_len)
{
	while (n && src[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return NULL;
	char *out = sb_arena_alloc(a, n / 4 * 3 + 3);
	if (!out)
		return NULL;
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64_val(src[i]);
		if (v < 0)
			return NULL;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits & 0xFF);
		}
	}
	out[o] = '\0';
	if (out_len)
		*out_len = o;
	return out;
}
