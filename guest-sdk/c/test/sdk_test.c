/*
 * sdk_test.c: native tests of dispatch, envelopes, host-function wrappers and
 * call-arena reuse. It links the real conformance app and plays the host:
 * the sb__imp_* functions below stand in for the slotbox imports.
 */
#include <stdlib.h>

#include "../slotbox_internal.h"
#include "check.h"

/* ------------------------------------------------------------ fake host */

enum host_mode { HOST_OK, HOST_DENY, HOST_NEGATIVE, HOST_GARBAGE, HOST_BINARY };

static enum host_mode mode;
static sb_arena host_arena = SB_ARENA_INIT;
static char pending[4096];
static int32_t pending_len = -1;
static char log_msg[256];
static int32_t log_level = -1;
static char calls[256]; /* names of host calls, space-separated */
static char last_request[1024];
static char kv_key[64], kv_value[256];
static bool kv_set_flag;

static void record(const char *name, const char *in, int32_t len)
{
	strncat(calls, name, sizeof calls - strlen(calls) - 2);
	strncat(calls, " ", sizeof calls - strlen(calls) - 1);
	size_t n = (size_t)len < sizeof last_request - 1 ? (size_t)len : sizeof last_request - 1;
	memcpy(last_request, in, n);
	last_request[n] = '\0';
}

static int32_t answer(sb_jw *w)
{
	size_t n;
	const char *b = sb_jw_bytes(w, &n);
	memcpy(pending, b, n);
	pending_len = (int32_t)n;
	return pending_len;
}

/* common handles the failure modes shared by every data-returning import. */
static int32_t common(const char *name, const char *in, int32_t len, const sb_json **req)
{
	record(name, in, len);
	*req = sb_json_parse_copy(&host_arena, in, (size_t)len, NULL);
	if (!*req)
		return -2;
	if (mode == HOST_NEGATIVE)
		return -1;
	if (mode == HOST_GARBAGE) {
		memcpy(pending, "{\"neither\":1}", 13);
		pending_len = 13;
		return 13;
	}
	if (mode == HOST_DENY) {
		sb_jw w;
		sb_jw_init(&w, &host_arena);
		const char *deny = "{\"error\":{\"code\":\"PERMISSION_DENIED\",\"message\":\"not granted\",\"retryable\":true}}";
		sb_jw_raw(&w, deny, strlen(deny));
		return answer(&w);
	}
	return 0;
}

int32_t sb__imp_http_request(const char *in, int32_t len)
{
	const sb_json *req;
	int32_t r = common("http_request", in, len, &req);
	if (r)
		return r;
	sb_jw w;
	sb_jw_init(&w, &host_arena);
	sb_jw_object_begin(&w);
	sb_jw_kv_int(&w, "status", 201);
	sb_jw_key(&w, "headers");
	sb_jw_object_begin(&w);
	sb_jw_kv_string(&w, "Content-Type", "text/plain");
	sb_jw_object_end(&w);
	if (mode == HOST_BINARY) {
		sb_jw_key(&w, "body_base64");
		sb_jw_base64(&w, "\0\xFFok", 4);
	} else {
		sb_jw_kv_string(&w, "body", "h\xC3\xA9llo");
	}
	sb_jw_object_end(&w);
	sb_jw env;
	sb_jw_init(&env, &host_arena);
	sb_jw_object_begin(&env);
	size_t n;
	const char *b = sb_jw_bytes(&w, &n);
	sb_jw_key(&env, "ok");
	sb_jw_raw(&env, b, n);
	sb_jw_object_end(&env);
	return answer(&env);
}

int32_t sb__imp_vault_get(const char *in, int32_t len)
{
	const sb_json *req;
	int32_t r = common("vault_get", in, len, &req);
	if (r)
		return r;
	sb_jw w;
	sb_jw_init(&w, &host_arena);
	sb_jw_object_begin(&w);
	sb_jw_key(&w, "ok");
	sb_jw_object_begin(&w);
	sb_jw_key(&w, "fields");
	sb_jw_object_begin(&w);
	for (const sb_json *f = sb_json_first(sb_json_get(req, "fields")); f; f = sb_json_next(f)) {
		sb_jw_key(&w, sb_json_str(f, NULL));
		sb_jw_string(&w, "s3cret");
	}
	sb_jw_object_end(&w);
	sb_jw_object_end(&w);
	sb_jw_object_end(&w);
	return answer(&w);
}

static int32_t kv_answer(bool with_value)
{
	sb_jw w;
	sb_jw_init(&w, &host_arena);
	sb_jw_object_begin(&w);
	sb_jw_key(&w, "ok");
	sb_jw_object_begin(&w);
	if (with_value) {
		sb_jw_key(&w, "value");
		sb_jw_string(&w, kv_set_flag ? kv_value : NULL);
	}
	sb_jw_object_end(&w);
	sb_jw_object_end(&w);
	return answer(&w);
}

int32_t sb__imp_kv_get(const char *in, int32_t len)
{
	const sb_json *req;
	int32_t r = common("kv_get", in, len, &req);
	if (r)
		return r;
	if (strcmp(sb_json_str_or(sb_json_get(req, "key"), ""), kv_key) != 0)
		kv_set_flag = false;
	return kv_answer(true);
}

int32_t sb__imp_kv_set(const char *in, int32_t len)
{
	const sb_json *req;
	int32_t r = common("kv_set", in, len, &req);
	if (r)
		return r;
	snprintf(kv_key, sizeof kv_key, "%s", sb_json_str_or(sb_json_get(req, "key"), ""));
	snprintf(kv_value, sizeof kv_value, "%s", sb_json_str_or(sb_json_get(req, "value"), ""));
	kv_set_flag = true;
	return kv_answer(false);
}

int32_t sb__imp_kv_delete(const char *in, int32_t len)
{
	const sb_json *req;
	int32_t r = common("kv_delete", in, len, &req);
	if (r)
		return r;
	kv_set_flag = false;
	return kv_answer(false);
}

int32_t sb__imp_take_result(char *dst)
{
	int32_t n = pending_len;
	if (n < 0)
		return -1;
	memcpy(dst, pending, (size_t)n);
	pending_len = -1;
	return n;
}

void sb__imp_log(int32_t level, const char *msg, int32_t len)
{
	log_level = level;
	snprintf(log_msg, sizeof log_msg, "%.*s", (int)len, msg);
}

/* ------------------------------------------------------------- helpers */

static void reset_host(enum host_mode m)
{
	mode = m;
	calls[0] = last_request[0] = log_msg[0] = '\0';
	log_level = -1;
	sb_arena_reset(&host_arena);
}

/* call plays one host round: alloc method and input, call, copy the envelope out. */
static char *call(const char *method, const char *input)
{
	size_t ilen = strlen(input);
	size_t mlen = strlen(method);
	char *m = slotbox_alloc((int32_t)mlen);
	memcpy(m, method, mlen);
	char *in = slotbox_alloc((int32_t)ilen);
	memcpy(in, input, ilen);
	sb_result r = sb__call(m, (int32_t)mlen, in, (int32_t)ilen);
	char *out = malloc(r.len + 1);
	memcpy(out, r.envelope, r.len);
	out[r.len] = '\0';
	return out;
}

static void expect(const char *method, const char *input, const char *want, const char *name)
{
	char *got = call(method, input);
	CHECK(strcmp(got, want) == 0, "%s\n  got:  %s\n  want: %s", name, got, want);
	free(got);
}

/* --------------------------------------------------------------- tests */

static void test_dispatch(void)
{
	reset_host(HOST_OK);
	expect("video.createMeeting", "{}",
	       "{\"error\":{\"code\":\"NOT_IMPLEMENTED\",\"message\":\"method video.createMeeting is not implemented\","
	       "\"retryable\":false}}",
	       "unknown method");
	expect("", "{}",
	       "{\"error\":{\"code\":\"NOT_IMPLEMENTED\",\"message\":\"method  is not implemented\",\"retryable\":false}}",
	       "empty method");
	expect("test.echo\"\xFF", "{}",
	       "{\"error\":{\"code\":\"NOT_IMPLEMENTED\",\"message\":\"method test.echo\\\"\xEF\xBF\xBD is not "
	       "implemented\",\"retryable\":false}}",
	       "hostile method name is escaped");
	expect("test.echoX", "{}",
	       "{\"error\":{\"code\":\"NOT_IMPLEMENTED\",\"message\":\"method test.echoX is not implemented\","
	       "\"retryable\":false}}",
	       "prefix match is not a match");
	expect("test.echo", "{\"a\":",
	       "{\"error\":{\"code\":\"INVALID_INPUT\",\"message\":\"input is not valid JSON: unexpected end of input "
	       "at byte 5\",\"retryable\":false}}",
	       "truncated input");
	expect("test.echo", "",
	       "{\"error\":{\"code\":\"INVALID_INPUT\",\"message\":\"input is not valid JSON: unexpected end of input "
	       "at byte 0\",\"retryable\":false}}",
	       "empty input");
	expect("calendar.listCalendars", "{}", "{\"ok\":[]}", "listCalendars");
}

static void test_echo_and_error(void)
{
	reset_host(HOST_OK);
	expect("test.echo",
	       "{ \"s\": \"\\u00e9\\ud83d\\ude00 \\\"q\\\" \\\\ \\n\\t\\u0000\", \"n\": [1, -2.50, 1e400, {\"x\": null}], "
	       "\"b\": true, \"u\": \"\xE6\x97\xA5\" }",
	       "{\"ok\":{\"s\":\"\xC3\xA9\xF0\x9F\x98\x80 \\\"q\\\" \\\\ \\n\\t\\u0000\",\"n\":[1,-2.50,1e400,{\"x\":null}],"
	       "\"b\":true,\"u\":\"\xE6\x97\xA5\"}}",
	       "echo keeps unicode, escapes, numbers, nesting");
	expect("test.echo", "\"just a string\"", "{\"ok\":\"just a string\"}", "echo of a non-object");
	expect("test.error", "{\"code\":\"RATE_LIMITED\",\"message\":\"slow \\\"down\\\"\",\"retryable\":true}",
	       "{\"error\":{\"code\":\"RATE_LIMITED\",\"message\":\"slow \\\"down\\\"\",\"retryable\":true}}",
	       "error from input");
	expect("test.error", "{}", "{\"error\":{\"code\":\"APP_ERROR\",\"message\":\"\",\"retryable\":false}}",
	       "error without a code");
	expect("test.big", "{\"size\":0}", "{\"ok\":\"\"}", "big 0");
	expect("test.big", "{\"size\":-1}",
	       "{\"error\":{\"code\":\"INVALID_INPUT\",\"message\":\"size must be an integer in 0..2^28\","
	       "\"retryable\":false}}",
	       "big negative");
	char *big = call("test.big", "{\"size\":3000000}");
	size_t n = strlen(big);
	CHECK(n == 3000000 + 9 && strncmp(big, "{\"ok\":\"aaa", 10) == 0 && strcmp(big + n - 3, "a\"}") == 0,
	      "big 3000000 has the right length (%zu)", n);
	free(big);
}

static void test_host_functions(void)
{
	reset_host(HOST_OK);
	expect("test.kv", "{\"key\":\"k1\",\"value\":\"v\\u00e9\"}", "{\"ok\":{\"value\":\"v\xC3\xA9\"}}", "kv round");
	CHECK(strcmp(calls, "kv_set kv_get kv_delete ") == 0, "kv call order: %s", calls);
	CHECK(!kv_set_flag, "kv deleted");

	reset_host(HOST_OK);
	expect("test.http", "{\"url\":\"https://api.example.com/x?q=1\"}",
	       "{\"ok\":{\"status\":201,\"body\":\"h\xC3\xA9llo\"}}", "http ok");
	CHECK(strcmp(last_request, "{\"method\":\"GET\",\"url\":\"https://api.example.com/x?q=1\",\"auth\":\"none\"}") == 0,
	      "http request shape: %s", last_request);

	reset_host(HOST_BINARY);
	expect("test.http", "{\"url\":\"https://api.example.com/bin\"}",
	       "{\"ok\":{\"status\":201,\"body\":\"\\u0000\xEF\xBF\xBDok\"}}", "http body_base64 is decoded");

	reset_host(HOST_OK);
	expect("test.vault", "{\"fields\":[\"api_key\",\"webhook_secret\"]}",
	       "{\"ok\":{\"fields\":{\"api_key\":\"s3cret\",\"webhook_secret\":\"s3cret\"}}}", "vault");
	CHECK(strcmp(last_request, "{\"fields\":[\"api_key\",\"webhook_secret\"]}") == 0, "vault request: %s",
	      last_request);

	reset_host(HOST_OK);
	expect("test.log", "{\"level\":2,\"message\":\"careful \\u2603\"}", "{\"ok\":{}}", "log");
	CHECK(log_level == 2 && strcmp(log_msg, "careful \xE2\x98\x83") == 0, "log recorded level %d msg %s", log_level,
	      log_msg);
	expect("test.log", "{\"level\":9,\"message\":\"x\"}",
	       "{\"error\":{\"code\":\"INVALID_INPUT\",\"message\":\"level must be 0..3\",\"retryable\":false}}",
	       "log level out of range");

	static const struct {
		enum host_mode mode;
		const char *want;
	} failures[] = {
		{HOST_DENY, "{\"error\":{\"code\":\"PERMISSION_DENIED\",\"message\":\"not granted\",\"retryable\":true}}"},
		{HOST_NEGATIVE, "{\"error\":{\"code\":\"HOST_ERROR\",\"message\":\"the host rejected the call as "
				"malformed\",\"retryable\":false}}"},
		{HOST_GARBAGE, "{\"error\":{\"code\":\"HOST_ERROR\",\"message\":\"the host answered with a malformed "
			       "envelope\",\"retryable\":false}}"},
	};
	static const struct {
		const char *method, *input;
	} users[] = {
		{"test.kv", "{\"key\":\"k\",\"value\":\"v\"}"},
		{"test.http", "{\"url\":\"https://x.example\"}"},
		{"test.vault", "{\"fields\":[\"a\"]}"},
	};
	for (size_t f = 0; f < sizeof failures / sizeof failures[0]; f++)
		for (size_t u = 0; u < sizeof users / sizeof users[0]; u++) {
			reset_host(failures[f].mode);
			char name[96];
			snprintf(name, sizeof name, "%s with host mode %d", users[u].method, (int)failures[f].mode);
			expect(users[u].method, users[u].input, failures[f].want, name);
		}
}

static void test_memory_is_reused(void)
{
	reset_host(HOST_OK);
	free(call("test.echo", "{}"));
	size_t base = sb_arena_bytes(sb_call_arena());
	size_t peak = 0;
	for (int i = 0; i < 20000; i++) {
		reset_host(HOST_OK);
		char *r;
		switch (i % 4) {
		case 0: r = call("test.big", "{\"size\":200000}"); break;
		case 1: r = call("test.kv", "{\"key\":\"a\",\"value\":\"b\"}"); break;
		case 2: r = call("test.echo", "[1,2,3,{\"a\":\"b\"}]"); break;
		default: r = call("nope", "{}"); break;
		}
		free(r);
		size_t now = sb_arena_bytes(sb_call_arena());
		if (now > peak)
			peak = now;
	}
	free(call("test.echo", "{}"));
	CHECK(sb_arena_bytes(sb_call_arena()) == base, "after 20000 calls the arena is back to %zu bytes (now %zu)",
	      base, sb_arena_bytes(sb_call_arena()));
	CHECK(peak < 1024 * 1024, "peak arena %zu bytes stays below 1 MiB", peak);
}

/* ------------------------------------------------------------ strings */

static void test_strings(void)
{
	CHECK(strcmp(sb_cat("", NULL), "") == 0, "sb_cat of an empty string");
	CHECK(strcmp(sb_cat("a", "", "bc", "d", NULL), "abcd") == 0, "sb_cat joins in order");

	static const struct {
		const char *in;
		size_t max;
		const char *want;
		const char *name;
	} clips[] = {
		{"", 10, "", "empty"},
		{"  \t\r\n ", 10, "", "only spaces"},
		{"  hello \r\n\t world  ", 40, "hello world", "spaces folded, trimmed"},
		{"a\x7f\x01z", 10, "a z", "DEL and control bytes are spaces"},
		{"abcdef", 6, "abcdef", "exactly max"},
		{"abcdefg", 6, "abcdef...", "cut at max"},
		{"abc defg", 4, "abc...", "no trailing space before the mark"},
		{"ab\xc3\xa9z", 3, "ab...", "a cut inside a 2-byte character drops it"},
		{"a\xe2\x82\xac", 3, "a...", "a cut inside a 3-byte character drops it"},
		{"\xe2\x82\xac", 1, "...", "nothing left but the mark"},
		{"ab\xc3\xa9", 4, "ab\xc3\xa9", "a whole character at the end is kept"},
	};
	for (size_t i = 0; i < sizeof clips / sizeof clips[0]; i++) {
		const char *got = sb_clip(clips[i].in, strlen(clips[i].in), clips[i].max);
		CHECK(strcmp(got, clips[i].want) == 0, "sb_clip %s: got \"%s\", want \"%s\"", clips[i].name, got, clips[i].want);
		CHECK(strlen(got) <= clips[i].max + 3, "sb_clip %s: %zu bytes past max+3", clips[i].name, strlen(got));
	}
	CHECK(strcmp(sb_clip("a\0b", 3, 10), "a b") == 0, "sb_clip reads n bytes, NUL as a control byte");

	char buf[12];
	CHECK(strcmp(sb_utoa(0, buf), "0") == 0, "sb_utoa 0");
	CHECK(strcmp(sb_utoa(429, buf), "429") == 0, "sb_utoa 429");
	CHECK(strcmp(sb_utoa(4294967295u, buf), "4294967295") == 0, "sb_utoa UINT_MAX");
}

int main(void)
{
	test_dispatch();
	test_echo_and_error();
	test_host_functions();
	test_memory_is_reused();
	test_strings();
	sb_arena_release(&host_arena);
	return check_report("sdk");
}
