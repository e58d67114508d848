/* json_test.c: native table tests of the JSON reader, writer and arena. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "../json.h"
#include "check.h"

static sb_arena arena = SB_ARENA_INIT;

/* roundtrip parses src and re-serialises it; NULL when parsing fails. */
static const char *roundtrip(const char *src, size_t n, size_t *out_len, sb_json_error *err)
{
	const sb_json *v = sb_json_parse_copy(&arena, src, n, err);
	if (!v)
		return NULL;
	sb_jw w;
	sb_jw_init(&w, &arena);
	sb_jw_value(&w, v);
	if (!sb_jw_ok(&w))
		return NULL;
	return sb_jw_bytes(&w, out_len);
}

static void test_roundtrip(void)
{
	static const struct {
		const char *name, *in, *want;
	} cases[] = {
		{"null", "null", "null"},
		{"true", " true ", "true"},
		{"false", "\tfalse\r\n", "false"},
		{"zero", "0", "0"},
		{"negative", "-12", "-12"},
		{"fraction", "3.25", "3.25"},
		{"exponent kept verbatim", "1E+400", "1E+400"},
		{"small exponent", "-0.5e-7", "-0.5e-7"},
		{"big integer kept verbatim", "123456789012345678901234567890", "123456789012345678901234567890"},
		{"empty string", "\"\"", "\"\""},
		{"empty array", "[ ]", "[]"},
		{"empty object", "{ }", "{}"},
		{"nested", "{\"a\" : [1, {\"b\": null}, [[]]], \"c\":{}}", "{\"a\":[1,{\"b\":null},[[]]],\"c\":{}}"},
		{"member order kept", "{\"z\":1,\"a\":2}", "{\"z\":1,\"a\":2}"},
		{"duplicate keys kept", "{\"a\":1,\"a\":2}", "{\"a\":1,\"a\":2}"},
		{"simple escapes", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\\"\\\\/\\b\\f\\n\\r\\t\""},
		{"control escape", "\"\\u0001\\u001f\"", "\"\\u0001\\u001f\""},
		{"nul escape", "\"a\\u0000b\"", "\"a\\u0000b\""},
		{"bmp escape to utf-8", "\"\\u00e9\\u20AC\"", "\"\xC3\xA9\xE2\x82\xAC\""},
		{"surrogate pair", "\"\\ud83d\\ude00\"", "\"\xF0\x9F\x98\x80\""},
		{"lone high surrogate", "\"\\ud83dx\"", "\"\xEF\xBF\xBDx\""},
		{"lone low surrogate", "\"\\ude00\"", "\"\xEF\xBF\xBD\""},
		{"high then non-low escape", "\"\\ud83d\\u0041\"", "\"\xEF\xBF\xBD" "A\""},
		{"raw utf-8 passes through", "\"h\xC3\xA9llo \xF0\x9F\x98\x80 \xE2\x80\xA8\"",
		 "\"h\xC3\xA9llo \xF0\x9F\x98\x80 \xE2\x80\xA8\""},
		{"DEL is not escaped", "\"\x7F\"", "\"\x7F\""},
		{"key escapes", "{\"\\u0041\\n\":1}", "{\"A\\n\":1}"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = 0;
		sb_json_error err = {0, NULL};
		const char *got = roundtrip(cases[i].in, strlen(cases[i].in), &n, &err);
		CHECK_BYTES(got, n, cases[i].want, "roundtrip %s (%s)", cases[i].name, err.message ? err.message : "");
	}
	/* A NUL inside the input is a byte like any other inside a string. */
	static const char with_nul[] = "\"a\0b\"";
	sb_json_error err;
	CHECK(sb_json_parse_copy(&arena, with_nul, sizeof with_nul - 1, &err) == NULL,
	      "raw NUL in a string is a control character");
}

static void test_invalid(void)
{
	static const struct {
		const char *name, *in, *msg;
		size_t offset;
	} cases[] = {
		{"empty", "", "unexpected end of input", 0},
		{"only spaces", "   ", "unexpected end of input", 3},
		{"trailing data", "1 2", "data after the value", 2},
		{"two objects", "{}{}", "data after the value", 2},
		{"unterminated string", "\"abc", "unterminated string", 0},
		{"unterminated escape", "\"abc\\", "unterminated string", 0},
		{"bad escape", "\"\\x\"", "invalid escape in string", 1},
		{"short unicode escape", "\"\\u12\"", "invalid \\u escape", 1},
		{"bad hex", "\"\\u12G4\"", "invalid \\u escape", 1},
		{"raw newline", "\"a\nb\"", "control character in string", 2},
		{"raw tab", "\"\t\"", "control character in string", 1},
		{"invalid utf-8 byte", "\"\xFF\"", "invalid UTF-8 in string", 1},
		{"truncated utf-8", "\"\xC3\"", "invalid UTF-8 in string", 1},
		{"overlong utf-8", "\"\xC0\xAF\"", "invalid UTF-8 in string", 1},
		{"overlong 3-byte", "\"\xE0\x80\xAF\"", "invalid UTF-8 in string", 1},
		{"utf-8 surrogate", "\"\xED\xA0\x80\"", "invalid UTF-8 in string", 1},
		{"above U+10FFFF", "\"\xF4\x90\x80\x80\"", "invalid UTF-8 in string", 1},
		{"leading zero", "01", "data after the value", 1},
		{"plus sign", "+1", "unexpected character", 0},
		{"bare minus", "-", "invalid number", 0},
		{"dot without digits", "1.", "invalid number", 0},
		{"leading dot", ".5", "unexpected character", 0},
		{"exponent without digits", "1e+", "invalid number", 0},
		{"hex number", "0x10", "data after the value", 1},
		{"NaN", "NaN", "unexpected character", 0},
		{"Infinity", "-Infinity", "invalid number", 0},
		{"bad literal", "tru", "invalid literal", 0},
		{"capital literal", "True", "unexpected character", 0},
		{"trailing comma array", "[1,]", "unexpected character", 3},
		{"trailing comma object", "{\"a\":1,}", "expected a member name", 7},
		{"missing colon", "{\"a\" 1}", "expected ':'", 5},
		{"unquoted key", "{a:1}", "expected a member name", 1},
		{"single quotes", "'a'", "unexpected character", 0},
		{"missing comma", "[1 2]", "expected ',' or ']'", 3},
		{"unterminated array", "[1,2", "unterminated array", 0},
		{"unterminated object", "{\"a\":1", "unterminated object", 0},
		{"comment", "// x\n1", "unexpected character", 0},
		{"byte order mark", "\xEF\xBB\xBF{}", "unexpected character", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sb_json_error err = {0, NULL};
		const sb_json *v = sb_json_parse_copy(&arena, cases[i].in, strlen(cases[i].in), &err);
		CHECK(v == NULL, "invalid %s: parsed", cases[i].name);
		CHECK(err.message && strcmp(err.message, cases[i].msg) == 0, "invalid %s: message %s, want %s",
		      cases[i].name, err.message ? err.message : "(none)", cases[i].msg);
		CHECK(err.offset == cases[i].offset, "invalid %s: offset %zu, want %zu", cases[i].name, err.offset,
		      cases[i].offset);
	}
}

/* nested builds depth levels of [ ... ] around 0. */
static char *nested(int depth, size_t *n)
{
	char *s = malloc((size_t)depth * 2 + 2);
	for (int i = 0; i < depth; i++)
		s[i] = '[';
	s[depth] = '0';
	for (int i = 0; i < depth; i++)
		s[depth + 1 + i] = ']';
	*n = (size_t)depth * 2 + 1;
	return s;
}

static void test_depth(void)
{
	size_t n;
	char *ok = nested(SB_JSON_MAX_DEPTH, &n);
	CHECK(sb_json_parse_copy(&arena, ok, n, NULL) != NULL, "depth %d parses", SB_JSON_MAX_DEPTH);
	free(ok);
	sb_json_error err;
	char *deep = nested(SB_JSON_MAX_DEPTH + 1, &n);
	CHECK(sb_json_parse_copy(&arena, deep, n, &err) == NULL && strcmp(err.message, "nested too deeply") == 0,
	      "depth %d is refused", SB_JSON_MAX_DEPTH + 1);
	free(deep);
	char *huge = nested(100000, &n);
	CHECK(sb_json_parse_copy(&arena, huge, n, &err) == NULL, "depth 100000 is refused without a crash");
	free(huge);

	sb_jw w;
	sb_jw_init(&w, &arena);
	for (int i = 0; i < SB_JSON_MAX_DEPTH; i++)
		sb_jw_array_begin(&w);
	CHECK(!w.failed, "writer accepts depth %d", SB_JSON_MAX_DEPTH);
	sb_jw_array_begin(&w);
	CHECK(w.failed && strcmp(sb_jw_error(&w), "nested too deeply") == 0, "writer refuses depth %d",
	      SB_JSON_MAX_DEPTH + 1);
}

static void test_access(void)
{
	const char *src = "{\"event\":{\"uid\":\"u1\",\"attendees\":[{\"email\":\"a@x\"},{\"email\":\"b@x\"}],"
			  "\"n\":42,\"f\":2.5,\"t\":true,\"z\":null},\"dup\":1,\"dup\":2}";
	sb_json_error err;
	const sb_json *in = sb_json_parse_copy(&arena, src, strlen(src), &err);
	CHECK(in != NULL, "access input parses");
	const sb_json *ev = sb_json_get(in, "event");
	CHECK(sb_json_kind(ev) == SB_JSON_OBJECT, "event is an object");
	CHECK(strcmp(sb_json_str_or(sb_json_path(in, "event", "uid", NULL), "?"), "u1") == 0, "path event.uid");
	CHECK(sb_json_path(in, "event", "missing", "deeper", NULL) == NULL, "missing path is NULL");
	CHECK(sb_json_count(sb_json_get(ev, "attendees")) == 2, "attendee count");
	CHECK(strcmp(sb_json_str(sb_json_get(sb_json_at(sb_json_get(ev, "attendees"), 1), "email"), NULL), "b@x") == 0,
	      "second attendee email");
	CHECK(sb_json_at(sb_json_get(ev, "attendees"), 2) == NULL, "index past the end is NULL");
	int64_t i64 = 0;
	CHECK(sb_json_int(sb_json_get(ev, "n"), &i64) && i64 == 42, "int 42");
	CHECK(!sb_json_int(sb_json_get(ev, "f"), &i64), "2.5 is not an integer");
	double d = 0;
	CHECK(sb_json_double(sb_json_get(ev, "f"), &d) && d == 2.5, "double 2.5");
	bool b = false;
	CHECK(sb_json_bool(sb_json_get(ev, "t"), &b) && b, "bool true");
	CHECK(!sb_json_bool(sb_json_get(ev, "n"), &b), "a number is not a bool");
	CHECK(sb_json_is_null(sb_json_get(ev, "z")) && !sb_json_is_null(NULL), "null vs missing");
	CHECK(sb_json_int(sb_json_get(in, "dup"), &i64) && i64 == 2, "duplicate key: last wins");
	CHECK(sb_json_str(sb_json_get(in, "event"), NULL) == NULL, "an object is not a string");
	CHECK(sb_json_get(NULL, "x") == NULL && sb_json_count(NULL) == 0 && sb_json_first(NULL) == NULL,
	      "NULL-tolerant accessors");
	size_t klen = 0;
	CHECK(strcmp(sb_json_key(sb_json_first(in), &klen), "event") == 0 && klen == 5, "first member key");
	/* Keys with NUL bytes are matched by length. */
	const char *nulkey = "{\"a\\u0000b\":7}";
	const sb_json *nk = sb_json_parse_copy(&arena, nulkey, strlen(nulkey), NULL);
	CHECK(sb_json_int(sb_json_get_n(nk, "a\0b", 3), &i64) && i64 == 7, "key with NUL byte");
	CHECK(sb_json_get(nk, "a") == NULL, "prefix of a NUL key does not match");
}

static void test_int(void)
{
	static const struct {
		const char *in;
		bool ok;
		int64_t want;
	} cases[] = {
		{"0", true, 0},
		{"-0", true, 0},
		{"9223372036854775807", true, INT64_MAX},
		{"-9223372036854775808", true, INT64_MIN},
		{"9223372036854775808", false, 0},
		{"-9223372036854775809", false, 0},
		{"1e3", true, 1000},
		{"1.5e1", true, 15},
		{"100e-2", true, 1},
		{"1.0", true, 1},
		{"0.000", true, 0},
		{"120.00e-1", true, 12},
		{"1.25e1", false, 0},
		{"0.5", false, 0},
		{"1e-1", false, 0},
		{"9.223372036854775807e18", true, INT64_MAX},
		{"1e19", false, 0},
		{"1e999999999", false, 0},
		{"0e999999999", true, 0},
		{"123456789012345678901234567890e-20", false, 0},
		{"12345678901234567890000e-4", true, 1234567890123456789},
		{"12345678901234567890000e-5", false, 0},
		{"123456789012345678900000000000e-11", true, 1234567890123456789},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const sb_json *v = sb_json_parse_copy(&arena, cases[i].in, strlen(cases[i].in), NULL);
		int64_t got = -7;
		bool ok = sb_json_int(v, &got);
		CHECK(ok == cases[i].ok && (!ok || got == cases[i].want), "int %s: ok=%d got=%lld", cases[i].in, ok,
		      (long long)got);
	}
}

static const char *write_one(void (*fn)(sb_jw *), size_t *n, const char **error)
{
	sb_jw w;
	sb_jw_init(&w, &arena);
	fn(&w);
	*error = sb_jw_error(&w);
	return sb_jw_ok(&w) ? sb_jw_bytes(&w, n) : NULL;
}

static void w_object(sb_jw *w)
{
	sb_jw_object_begin(w);
	sb_jw_kv_string(w, "s", "a\"b\\c\n\x01\x1f\xC3\xA9");
	sb_jw_kv_int(w, "i", -9223372036854775807LL - 1);
	sb_jw_kv_bool(w, "b", false);
	sb_jw_key(w, "n");
	sb_jw_null(w);
	sb_jw_key(w, "a");
	sb_jw_array_begin(w);
	sb_jw_int(w, 0);
	sb_jw_string(w, NULL);
	sb_jw_double(w, 0.1);
	sb_jw_double(w, 1e21);
	sb_jw_double(w, -2.5);
	sb_jw_double(w, 5e-324);
	sb_jw_raw(w, " {\"r\":[1]} ", 11);
	sb_jw_array_end(w);
	sb_jw_object_end(w);
}
static void w_invalid_utf8(sb_jw *w) { sb_jw_string(w, "a\xFF" "b\xC3" "c\xED\xA0\x80" "d\xF4\x90\x80\x80"); }
static void w_value_without_key(sb_jw *w)
{
	sb_jw_object_begin(w);
	sb_jw_int(w, 1);
}
static void w_key_in_array(sb_jw *w)
{
	sb_jw_array_begin(w);
	sb_jw_key(w, "k");
}
static void w_two_values(sb_jw *w)
{
	sb_jw_int(w, 1);
	sb_jw_int(w, 2);
}
static void w_unbalanced(sb_jw *w)
{
	sb_jw_array_begin(w);
	sb_jw_object_end(w);
}
static void w_unclosed(sb_jw *w) { sb_jw_array_begin(w); }
static void w_dangling_key(sb_jw *w)
{
	sb_jw_object_begin(w);
	sb_jw_key(w, "k");
	sb_jw_object_end(w);
}
static void w_nan(sb_jw *w) { sb_jw_double(w, NAN); }
static void w_inf(sb_jw *w) { sb_jw_double(w, -INFINITY); }
static void w_bad_raw(sb_jw *w) { sb_jw_raw(w, "{nope}", 6); }
static void w_nothing(sb_jw *w) { (void)w; }
static void w_base64(sb_jw *w)
{
	sb_jw_array_begin(w);
	sb_jw_base64(w, "", 0);
	sb_jw_base64(w, "f", 1);
	sb_jw_base64(w, "fo", 2);
	sb_jw_base64(w, "foo", 3);
	sb_jw_base64(w, "\xFB\xFF", 2);
	sb_jw_array_end(w);
}

static void test_writer(void)
{
	static const struct {
		const char *name;
		void (*fn)(sb_jw *);
		const char *want, *error;
	} cases[] = {
		{"object", w_object,
		 "{\"s\":\"a\\\"b\\\\c\\n\\u0001\\u001f\xC3\xA9\",\"i\":-9223372036854775808,\"b\":false,\"n\":null,"
		 "\"a\":[0,null,0.1,1e+21,-2.5,4.94065645841247e-324,{\"r\":[1]}]}",
		 NULL},
		{"invalid utf-8 becomes U+FFFD", w_invalid_utf8,
		 "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "d\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"",
		 NULL},
		{"base64", w_base64, "[\"\",\"Zg==\",\"Zm8=\",\"Zm9v\",\"+/8=\"]", NULL},
		{"value without key", w_value_without_key, NULL, "object member without a key"},
		{"key in array", w_key_in_array, NULL, "key outside an object"},
		{"two top-level values", w_two_values, NULL, "more than one top-level value"},
		{"unbalanced", w_unbalanced, NULL, "unbalanced end"},
		{"unclosed", w_unclosed, NULL, "unclosed array or object"},
		{"dangling key", w_dangling_key, NULL, "key without a value"},
		{"NaN", w_nan, NULL, "NaN or infinite number"},
		{"infinity", w_inf, NULL, "NaN or infinite number"},
		{"bad raw", w_bad_raw, NULL, "raw value is not valid JSON"},
		{"nothing", w_nothing, NULL, "no value written"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = 0;
		const char *error = NULL;
		const char *got = write_one(cases[i].fn, &n, &error);
		if (cases[i].want) {
			CHECK_BYTES(got, n, cases[i].want, "writer %s (%s)", cases[i].name, error ? error : "");
		} else {
			CHECK(got == NULL && error && strcmp(error, cases[i].error) == 0, "writer %s: error %s, want %s",
			      cases[i].name, error ? error : "(none)", cases[i].error);
		}
	}
	/* Every writer output must parse back. */
	size_t n;
	const char *error;
	const char *out = write_one(w_object, &n, &error);
	CHECK(out && sb_json_valid(&arena, out, n), "writer output is valid JSON");
}

static void test_double_roundtrip(void)
{
	static const double values[] = {0.1, 0.2, 1.0 / 3, 1e-7, 123456.789, 1.7976931348623157e308, -0.0, 2.5e-308};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		sb_jw w;
		sb_jw_init(&w, &arena);
		sb_jw_double(&w, values[i]);
		size_t n;
		const char *s = sb_jw_bytes(&w, &n);
		const sb_json *v = sb_json_parse_copy(&arena, s, n, NULL);
		double back = 1;
		CHECK(sb_json_double(v, &back) && back == values[i], "double %.17g round-trips (%.*s)", values[i],
		      (int)n, s);
	}
}

static void test_base64_decode(void)
{
	static const struct {
		const char *in, *want;
		bool ok;
	} cases[] = {
		{"", "", true},       {"Zg==", "f", true},    {"Zm8", "fo", true},     {"Zm9v", "foo", true},
		{"-_8", "\xFB\xFF", true}, {"+/8=", "\xFB\xFF", true}, {"Z", NULL, false}, {"Zm9v!", NULL, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = 0;
		char *got = sb_base64_decode(&arena, cases[i].in, strlen(cases[i].in), &n);
		if (cases[i].ok) {
			CHECK_BYTES(got, n, cases[i].want, "base64 decode %s", cases[i].in);
		} else {
			CHECK(got == NULL, "base64 decode %s fails", cases[i].in);
		}
	}
}

static void test_arena(void)
{
	sb_arena a = SB_ARENA_INIT;
	a.chunk_size = 1024;
	char *p = sb_arena_alloc(&a, 10);
	char *q = sb_arena_alloc(&a, 10);
	CHECK(p && q && q == p + 16, "bump allocation aligned to 8");
	CHECK(((uintptr_t)q & 7) == 0, "alignment");
	char *g = sb_arena_grow(&a, q, 10, 100);
	CHECK(g == q, "grow in place at the top of the chunk");
	char *big = sb_arena_alloc(&a, 5000);
	CHECK(big != NULL, "large allocation gets its own chunk");
	memset(big, 'x', 5000);
	char *bigger = sb_arena_grow(&a, big, 5000, 50000);
	CHECK(bigger && bigger[4999] == 'x', "dedicated chunk grows with its contents");
	char *moved = sb_arena_grow(&a, p, 10, 20);
	CHECK(moved && moved != p, "grow of an older allocation copies");
	CHECK(sb_arena_alloc(&a, SIZE_MAX - 3) == NULL, "overflowing size fails");
	CHECK(sb_arena_bytes(&a) > 50000, "arena holds the large chunk");
	sb_arena_reset(&a);
	size_t base = sb_arena_bytes(&a);
	CHECK(base < 2048, "reset keeps only the base chunk (%zu bytes)", base);
	for (int round = 0; round < 1000; round++) {
		for (int k = 0; k < 50; k++)
			sb_arena_alloc(&a, (size_t)(k * 37 % 3000));
		sb_arena_reset(&a);
	}
	CHECK(sb_arena_bytes(&a) == base, "1000 reset rounds hold no more than the base chunk");
	sb_arena_release(&a);
	CHECK(sb_arena_bytes(&a) == 0, "release frees everything");
}

int main(void)
{
	test_roundtrip();
	test_invalid();
	test_depth();
	test_access();
	test_int();
	test_writer();
	test_double_roundtrip();
	test_base64_decode();
	test_arena();
	sb_arena_release(&arena);
	return check_report("json");
}
