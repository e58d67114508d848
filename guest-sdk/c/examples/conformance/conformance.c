/*
 * c-conformance: the C SDK's conformance app. Each method exercises one
 * part of the SDK so the language-neutral conformance cases can run
 * against it:
 *
 *   test.echo              the input, re-serialised by the SDK's JSON
 *   test.error             error {code, message, retryable} taken from the input
 *   test.kv                kv_set key=value, kv_get it back, kv_delete; {value}
 *   test.http              GET input.url; {status, body}
 *   test.vault             vault_get input.fields; the host's result as is
 *   test.log               log input.message at input.level; {}
 *   test.big               a JSON string of input.size bytes of 'a'
 *   calendar.listCalendars []
 *
 * A host error from any host function is returned as this call's error.
 */
#include <string.h>

#include "slotbox.h"

static sb_result echo(const sb_json *in, sb_jw *out)
{
	sb_jw_value(out, in);
	return sb_ok(out);
}

static sb_result error(const sb_json *in, sb_jw *out)
{
	(void)out;
	bool retryable = false;
	sb_json_bool(sb_json_get(in, "retryable"), &retryable);
	return sb_error(sb_json_str(sb_json_get(in, "code"), NULL), sb_json_str(sb_json_get(in, "message"), NULL),
			retryable);
}

static sb_result kv(const sb_json *in, sb_jw *out)
{
	const char *key = sb_json_str(sb_json_get(in, "key"), NULL);
	size_t vlen;
	const char *value = sb_json_str(sb_json_get(in, "value"), &vlen);
	if (!key || !value)
		return sb_error(SB_INVALID_INPUT, "key and value must be strings", false);
	sb_err err;
	if (!sb_kv_set(key, value, vlen, 0, &err))
		return sb_error_from(&err);
	const char *got;
	size_t glen;
	if (!sb_kv_get(key, &got, &glen, &err))
		return sb_error_from(&err);
	if (!sb_kv_delete(key, &err))
		return sb_error_from(&err);
	sb_jw_object_begin(out);
	sb_jw_key(out, "value");
	sb_jw_string_n(out, got, glen); /* NULL (not found) writes null */
	sb_jw_object_end(out);
	return sb_ok(out);
}

static sb_result http(const sb_json *in, sb_jw *out)
{
	const char *url = sb_json_str(sb_json_get(in, "url"), NULL);
	if (!url)
		return sb_error(SB_INVALID_INPUT, "url must be a string", false);
	sb_http_req req = {.method = "GET", .url = url};
	sb_http_resp resp;
	sb_err err;
	if (!sb_http_request(&req, &resp, &err))
		return sb_error_from(&err);
	sb_jw_object_begin(out);
	sb_jw_kv_int(out, "status", resp.status);
	sb_jw_key(out, "body");
	sb_jw_string_n(out, resp.body, resp.body_len);
	sb_jw_object_end(out);
	return sb_ok(out);
}

static sb_result vault(const sb_json *in, sb_jw *out)
{
	const sb_json *fields = sb_json_get(in, "fields");
	size_t n = sb_json_count(fields);
	if (sb_json_kind(fields) != SB_JSON_ARRAY)
		return sb_error(SB_INVALID_INPUT, "fields must be an array of strings", false);
	const char **names = sb_alloc((n ? n : 1) * sizeof *names);
	if (!names)
		return sb_error("OUT_OF_MEMORY", "no memory", false);
	size_t i = 0;
	for (const sb_json *f = sb_json_first(fields); f; f = sb_json_next(f)) {
		names[i] = sb_json_str(f, NULL);
		if (!names[i++])
			return sb_error(SB_INVALID_INPUT, "fields must be an array of strings", false);
	}
	const sb_json *result;
	sb_err err;
	if (!sb_vault_get(names, n, &result, &err))
		return sb_error_from(&err);
	sb_jw_value(out, result);
	return sb_ok(out);
}

static sb_result log_(const sb_json *in, sb_jw *out)
{
	(void)out;
	int64_t level = SB_LOG_INFO;
	sb_json_int(sb_json_get(in, "level"), &level);
	size_t len;
	const char *msg = sb_json_str(sb_json_get(in, "message"), &len);
	if (!msg)
		return sb_error(SB_INVALID_INPUT, "message must be a string", false);
	if (level < SB_LOG_DEBUG || level > SB_LOG_ERROR)
		return sb_error(SB_INVALID_INPUT, "level must be 0..3", false);
	sb_log_n((sb_log_level)level, msg, len);
	return sb_ok_empty();
}

static sb_result big(const sb_json *in, sb_jw *out)
{
	int64_t size;
	if (!sb_json_int(sb_json_get(in, "size"), &size) || size < 0 || size > (int64_t)1 << 28)
		return sb_error(SB_INVALID_INPUT, "size must be an integer in 0..2^28", false);
	char *s = sb_alloc((size_t)size + 1);
	if (!s)
		return sb_error("OUT_OF_MEMORY", "no memory for the string", false);
	memset(s, 'a', (size_t)size);
	sb_jw_string_n(out, s, (size_t)size);
	return sb_ok(out);
}

static sb_result list_calendars(const sb_json *in, sb_jw *out)
{
	(void)in;
	sb_jw_array_begin(out);
	sb_jw_array_end(out);
	return sb_ok(out);
}

SLOTBOX_METHODS(
	SLOTBOX_METHOD("test.echo", echo),
	SLOTBOX_METHOD("test.error", error),
	SLOTBOX_METHOD("test.kv", kv),
	SLOTBOX_METHOD("test.http", http),
	SLOTBOX_METHOD("test.vault", vault),
	SLOTBOX_METHOD("test.log", log_),
	SLOTBOX_METHOD("test.big", big),
	SLOTBOX_METHOD("calendar.listCalendars", list_calendars)
)
