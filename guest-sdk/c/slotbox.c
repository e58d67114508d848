/* slotbox.c: the ABI exports, dispatch, envelopes and host-function wrappers. */
#include "slotbox.h"

#include <string.h>

#include "slotbox_internal.h"

/* ------------------------------------------------------------- call state */

/*
 * One instance serves one call at a time. The arena is reset by the first
 * slotbox_alloc (or slotbox_call) after a call returned, so the previous
 * output stays readable until the host has copied it.
 */
static sb_arena arena = SB_ARENA_INIT;
static bool call_open;
static const char *method_name;
static size_t method_len;

static const char oom_envelope[] =
	"{\"error\":{\"code\":\"OUT_OF_MEMORY\",\"message\":\"guest is out of memory\",\"retryable\":false}}";

static const char ok_prefix[] = "{\"ok\":";
#define OK_PREFIX_LEN (sizeof ok_prefix - 1)

static void begin_cycle(void)
{
	if (!call_open) {
		sb_arena_reset(&arena);
		call_open = true;
	}
}

sb_arena *sb_call_arena(void) { return &arena; }

void *sb_alloc(size_t n) { return sb_arena_alloc(&arena, n); }

const char *sb_method_name(size_t *len)
{
	if (len)
		*len = method_len;
	return method_name ? method_name : "";
}

sb_jw *sb_writer(void)
{
	sb_jw *w = sb_arena_alloc(&arena, sizeof *w);
	if (w)
		sb_jw_init(w, &arena);
	return w;
}

/* ------------------------------------------------------------- envelopes */

static sb_result oom(void) { return (sb_result){oom_envelope, sizeof oom_envelope - 1}; }

sb_result sb_error(const char *code, const char *message, bool retryable)
{
	sb_jw *w = sb_writer();
	if (!w)
		return oom();
	sb_jw_object_begin(w);
	sb_jw_key(w, "error");
	sb_jw_object_begin(w);
	sb_jw_kv_string(w, "code", code && *code ? code : "APP_ERROR");
	sb_jw_kv_string(w, "message", message ? message : "");
	sb_jw_kv_bool(w, "retryable", retryable);
	sb_jw_object_end(w);
	sb_jw_object_end(w);
	if (!sb_jw_ok(w))
		return oom();
	sb_result r;
	r.envelope = sb_jw_bytes(w, &r.len);
	return r;
}

sb_result sb_error_from(const sb_err *e)
{
	if (!e)
		return sb_error("APP_ERROR", "unknown error", false);
	return sb_error(e->code, e->message, e->retryable);
}

/* concat joins up to three byte strings into a NUL-terminated arena string. */
static const char *concat(const char *a, const char *b, size_t blen, const char *c)
{
	size_t alen = strlen(a), clen = strlen(c);
	char *s = sb_arena_alloc(&arena, alen + blen + clen + 1);
	if (!s)
		return a;
	memcpy(s, a, alen);
	memcpy(s + alen, b, blen);
	memcpy(s + alen + blen, c, clen + 1);
	return s;
}

static const char *utoa(size_t v, char buf[24])
{
	char *p = buf + 23;
	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

sb_result sb_ok(sb_jw *out)
{
	if (!out)
		return oom();
	if (!sb_jw_ok(out)) {
		const char *why = sb_jw_error(out);
		if (why && strcmp(why, "out of memory") == 0)
			return oom();
		return sb_error("BAD_RESULT", concat("the app wrote an invalid result: ", why ? why : "", 0, ""),
				false);
	}
	size_t len;
	const char *body = sb_jw_bytes(out, &len);
	if (out->base == OK_PREFIX_LEN && memcmp(out->buf, ok_prefix, OK_PREFIX_LEN) == 0) {
		sb_jw_append_raw(out, "}", 1);
		if (out->failed)
			return oom();
		out->base = 0; /* finished: a second sb_ok wraps it again instead of corrupting it */
		return (sb_result){out->buf, out->len};
	}
	char *env = sb_arena_alloc(&arena, OK_PREFIX_LEN + len + 1);
	if (!env)
		return oom();
	memcpy(env, ok_prefix, OK_PREFIX_LEN);
	memcpy(env + OK_PREFIX_LEN, body, len);
	env[OK_PREFIX_LEN + len] = '}';
	return (sb_result){env, OK_PREFIX_LEN + len + 1};
}

sb_result sb_ok_empty(void)
{
	static const char empty[] = "{\"ok\":{}}";
	return (sb_result){empty, sizeof empty - 1};
}

/* -------------------------------------------------------------- dispatch */

sb_result sb__dispatch(const char *method, size_t mlen, char *input, size_t ilen)
{
	method_name = method;
	method_len = mlen;
	const sb_method *found = NULL;
	for (const sb_method *m = sb_app_methods; m->name; m++) {
		if (strlen(m->name) == mlen && memcmp(m->name, method, mlen) == 0) {
			found = m;
			break;
		}
	}
	if (!found || !found->handler)
		return sb_error(SB_NOT_IMPLEMENTED, concat("method ", method, mlen, " is not implemented"), false);

	sb_json_error perr;
	const sb_json *in = sb_json_parse(&arena, input, ilen, &perr);
	if (!in) {
		if (strcmp(perr.message, "out of memory") == 0)
			return oom();
		char num[24];
		const char *m = concat("input is not valid JSON: ", perr.message, strlen(perr.message), " at byte ");
		return sb_error(SB_INVALID_INPUT, concat(m, utoa(perr.offset, num), strlen(utoa(perr.offset, num)), ""),
				false);
	}
	sb_jw *out = sb_writer();
	if (!out)
		return oom();
	sb_jw_append_raw(out, ok_prefix, OK_PREFIX_LEN);
	out->base = OK_PREFIX_LEN;
	sb_result r = found->handler(in, out);
	if (!r.envelope || !r.len)
		return sb_error("BAD_RESULT", "the handler returned no envelope", false);
	return r;
}

SB_EXPORT("slotbox_abi_v1") void slotbox_abi_v1(void) {}

SB_EXPORT("slotbox_alloc") void *slotbox_alloc(int32_t size)
{
	if (size < 0)
		return NULL;
	begin_cycle();
	return sb_arena_alloc(&arena, (size_t)size);
}

SB_EXPORT("slotbox_free") void slotbox_free(void *ptr, int32_t size)
{
	/* Memory belongs to the call arena and is reclaimed when the next call starts. */
	(void)ptr;
	(void)size;
}

sb_result sb__call(const char *method, int32_t mlen, char *input, int32_t ilen)
{
	begin_cycle();
	sb_result r = sb__dispatch(method, mlen > 0 ? (size_t)mlen : 0, input, ilen > 0 ? (size_t)ilen : 0);
	call_open = false;
	if (r.len > INT32_MAX)
		r = oom();
	return r;
}

SB_EXPORT("slotbox_call")
int64_t slotbox_call(const char *method, int32_t mlen, char *input, int32_t ilen)
{
	sb_result r = sb__call(method, mlen, input, ilen);
	return (int64_t)((uint64_t)(uintptr_t)r.envelope << 32 | (uint64_t)(uint32_t)r.len);
}

/* -------------------------------------------------------- host functions */

static bool set_err(sb_err *err, const char *code, const char *message, bool retryable)
{
	err->code = code;
	err->message = message;
	err->retryable = retryable;
	return false;
}

/*
 * finish fetches the envelope a host function left waiting (n bytes) and
 * splits it into the ok value or the error.
 */
static bool finish(int32_t n, const sb_json **ok, sb_err *err)
{
	if (n < 0)
		return set_err(err, "HOST_ERROR", "the host rejected the call as malformed", false);
	char *buf = sb_arena_alloc(&arena, (size_t)n + 1);
	if (!buf)
		return set_err(err, "OUT_OF_MEMORY", "no memory for the host result", false);
	int32_t got = sb__imp_take_result(buf);
	if (got != n)
		return set_err(err, "HOST_ERROR", "take_result length differs from the announced one", false);
	const sb_json *env = sb_json_parse(&arena, buf, (size_t)n, NULL);
	const sb_json *v = sb_json_get(env, "ok");
	if (v) {
		*ok = v;
		return true;
	}
	const sb_json *e = sb_json_get(env, "error");
	if (sb_json_kind(e) != SB_JSON_OBJECT)
		return set_err(err, "HOST_ERROR", "the host answered with a malformed envelope", false);
	bool retryable = false;
	sb_json_bool(sb_json_get(e, "retryable"), &retryable);
	return set_err(err, sb_json_str_or(sb_json_get(e, "code"), "HOST_ERROR"),
		       sb_json_str_or(sb_json_get(e, "message"), ""), retryable);
}

/* request_bytes checks a request writer and returns its bytes. */
static const char *request_bytes(sb_jw *w, int32_t *len, sb_err *err)
{
	if (!w || !sb_jw_ok(w)) {
		set_err(err, "OUT_OF_MEMORY", "could not build the host request", false);
		return NULL;
	}
	size_t n;
	const char *b = sb_jw_bytes(w, &n);
	if (n > INT32_MAX) {
		set_err(err, "LIMIT_EXCEEDED", "host request too large", false);
		return NULL;
	}
	*len = (int32_t)n;
	return b;
}

void sb_log_n(sb_log_level level, const char *msg, size_t len)
{
	if (!msg)
		return;
	sb__imp_log((int32_t)level, msg, len > INT32_MAX ? INT32_MAX : (int32_t)len);
}

void sb_log(sb_log_level level, const char *msg) { sb_log_n(level, msg, msg ? strlen(msg) : 0); }

bool sb_http_request(const sb_http_req *req, sb_http_resp *resp, sb_err *err)
{
	sb_err scratch;
	if (!err)
		err = &scratch;
	if (!req || !req->url || !resp)
		return set_err(err, SB_INVALID_INPUT, "sb_http_request needs a request with a url and a response", false);
	sb_jw *w = sb_writer();
	if (w) {
		sb_jw_object_begin(w);
		sb_jw_kv_string(w, "method", req->method ? req->method : "GET");
		sb_jw_kv_string(w, "url", req->url);
		if (req->header_count) {
			sb_jw_key(w, "headers");
			sb_jw_object_begin(w);
			for (size_t i = 0; i < req->header_count; i++)
				sb_jw_kv_string(w, req->headers[i].name, req->headers[i].value);
			sb_jw_object_end(w);
		}
		if (req->body) {
			sb_jw_key(w, req->body_binary ? "body_base64" : "body");
			if (req->body_binary)
				sb_jw_base64(w, req->body, req->body_len);
			else
				sb_jw_string_n(w, req->body, req->body_len);
		}
		if (req->timeout_ms)
			sb_jw_kv_int(w, "timeout_ms", req->timeout_ms);
		sb_jw_kv_string(w, "auth", req->credential ? "credential" : "none");
		sb_jw_object_end(w);
	}
	int32_t len;
	const char *in = request_bytes(w, &len, err);
	if (!in)
		return false;
	const sb_json *ok;
	if (!finish(sb__imp_http_request(in, len), &ok, err))
		return false;
	int64_t status = 0;
	if (!sb_json_int(sb_json_get(ok, "status"), &status) || status < 0 || status > 999)
		return set_err(err, "HOST_ERROR", "http_request result has no valid status", false);
	resp->status = (int32_t)status;
	resp->headers = sb_json_get(ok, "headers");
	size_t blen = 0;
	const char *b64 = sb_json_str(sb_json_get(ok, "body_base64"), &blen);
	if (b64) {
		resp->body = sb_base64_decode(&arena, b64, blen, &resp->body_len);
		if (!resp->body)
			return set_err(err, "HOST_ERROR", "http_request body_base64 is not base64", false);
		return true;
	}
	resp->body = sb_json_str(sb_json_get(ok, "body"), &resp->body_len);
	if (!resp->body) {
		resp->body = "";
		resp->body_len = 0;
	}
	return true;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

const char *sb_http_header(const sb_http_resp *resp, const char *name)
{
	if (!resp || !name)
		return NULL;
	size_t n = strlen(name);
	const char *found = NULL;
	for (const sb_json *h = sb_json_first(resp->headers); h; h = sb_json_next(h)) {
		size_t klen;
		const char *k = sb_json_key(h, &klen);
		if (klen != n)
			continue;
		size_t i = 0;
		while (i < n && lower((unsigned char)k[i]) == lower((unsigned char)name[i]))
			i++;
		if (i == n && sb_json_str(h, NULL))
			found = sb_json_str(h, NULL);
	}
	return found;
}

bool sb_vault_get(const char *const *fields, size_t count, const sb_json **result, sb_err *err)
{
	sb_err scratch;
	if (!err)
		err = &scratch;
	sb_jw *w = sb_writer();
	if (w) {
		sb_jw_object_begin(w);
		sb_jw_key(w, "fields");
		sb_jw_array_begin(w);
		for (size_t i = 0; i < count; i++)
			sb_jw_string(w, fields[i]);
		sb_jw_array_end(w);
		sb_jw_object_end(w);
	}
	int32_t len;
	const char *in = request_bytes(w, &len, err);
	if (!in)
		return false;
	const sb_json *ok;
	if (!finish(sb__imp_vault_get(in, len), &ok, err))
		return false;
	if (result)
		*result = ok;
	return true;
}

const char *sb_vault_field(const sb_json *result, const char *name)
{
	return sb_json_str(sb_json_get(sb_json_get(result, "fields"), name), NULL);
}

/* key_request builds {"key": key}, the input of kv_get and kv_delete. */
static const char *key_request(const char *key, int32_t *len, sb_err *err)
{
	sb_jw *w = sb_writer();
	if (w) {
		sb_jw_object_begin(w);
		sb_jw_kv_string(w, "key", key ? key : "");
		sb_jw_object_end(w);
	}
	return request_bytes(w, len, err);
}

bool sb_kv_get(const char *key, const char **value, size_t *len, sb_err *err)
{
	sb_err scratch;
	if (!err)
		err = &scratch;
	int32_t n;
	const char *in = key_request(key, &n, err);
	if (!in)
		return false;
	const sb_json *ok;
	if (!finish(sb__imp_kv_get(in, n), &ok, err))
		return false;
	size_t vlen = 0;
	const char *v = sb_json_str(sb_json_get(ok, "value"), &vlen);
	if (value)
		*value = v;
	if (len)
		*len = v ? vlen : 0;
	return true;
}

bool sb_kv_set(const char *key, const char *value, size_t len, uint32_t ttl_seconds, sb_err *err)
{
	sb_err scratch;
	if (!err)
		err = &scratch;
	sb_jw *w = sb_writer();
	if (w) {
		sb_jw_object_begin(w);
		sb_jw_kv_string(w, "key", key ? key : "");
		sb_jw_key(w, "value");
		sb_jw_string_n(w, value ? value : "", value ? len : 0);
		if (ttl_seconds)
			sb_jw_kv_int(w, "ttl_seconds", ttl_seconds);
		sb_jw_object_end(w);
	}
	int32_t n;
	const char *in = request_bytes(w, &n, err);
	if (!in)
		return false;
	const sb_json *ok;
	return finish(sb__imp_kv_set(in, n), &ok, err);
}

bool sb_kv_delete(const char *key, sb_err *err)
{
	sb_err scratch;
	if (!err)
		err = &scratch;
	int32_t n;
	const char *in = key_request(key, &n, err);
	if (!in)
		return false;
	const sb_json *ok;
	return finish(sb__imp_kv_delete(in, n), &ok, err);
}
