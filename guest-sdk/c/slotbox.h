/*
 * slotbox.h: the C guest SDK for Slotbox's ABI slotbox/1.
 *
 * An app defines handlers and lists them with SLOTBOX_METHODS; the SDK
 * provides every export the host needs (memory, slotbox_abi_v1,
 * slotbox_alloc, slotbox_free, slotbox_call), parses the input, dispatches
 * by method name, builds the result envelope and wraps each host function.
 *
 *     #include "slotbox.h"
 *
 *     static sb_result check_keys(const sb_json *in, sb_jw *out)
 *     {
 *         (void)in;
 *         sb_jw_object_begin(out);
 *         sb_jw_kv_bool(out, "valid", true);
 *         sb_jw_object_end(out);
 *         return sb_ok(out);
 *     }
 *
 *     SLOTBOX_METHODS(
 *         SLOTBOX_METHOD("app.checkKeys", check_keys)
 *     )
 *
 * Build (Debian: clang, lld, wasi-libc):
 *     clang --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -O2 \
 *         -Wl,--strip-all app.c slotbox.c json.c arena.c calcom.c -o app.wasm
 *
 * Memory: everything the SDK allocates during a call (input, parsed JSON,
 * writers, host results, sb_alloc) comes from one arena that is reset when
 * the host starts the next call. Never keep a pointer to it across calls;
 * copy what must survive into malloc'd or static memory.
 */
#ifndef SLOTBOX_H
#define SLOTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes a guest returns as they are (abi-v1 section 5). */
#define SB_NOT_IMPLEMENTED "NOT_IMPLEMENTED"
#define SB_INVALID_INPUT "INVALID_INPUT"

/* sb_result is a finished envelope; make it with sb_ok or sb_error. */
typedef struct sb_result {
	const char *envelope;
	size_t len;
} sb_result;

/* sb_handler serves one method: in is the parsed input, out the result writer. */
typedef sb_result (*sb_handler)(const sb_json *in, sb_jw *out);

/* sb_method binds a method name such as "video.createMeeting" to its handler. */
typedef struct sb_method {
	const char *name;
	sb_handler handler;
} sb_method;

/* sb_app_methods is the app's method table, ended by {NULL, NULL}; SLOTBOX_METHODS defines it. */
extern const sb_method sb_app_methods[];

/* SLOTBOX_METHOD is one entry of SLOTBOX_METHODS. */
#define SLOTBOX_METHOD(name, handler) {(name), (handler)}

/*
 * SLOTBOX_METHODS defines the app's method table from comma-separated
 * SLOTBOX_METHOD entries; methods not listed answer NOT_IMPLEMENTED.
 */
#define SLOTBOX_METHODS(...) const sb_method sb_app_methods[] = {__VA_ARGS__, {NULL, NULL}};

/*
 * sb_ok finishes out (the writer the handler was given, or one from
 * sb_writer) as {"ok": VALUE}. If the writer failed or holds no complete
 * value it returns an error envelope with code "BAD_RESULT" instead.
 */
sb_result sb_ok(sb_jw *out);

/* sb_ok_empty returns {"ok":{}}. */
sb_result sb_ok_empty(void);

/* sb_error returns {"error":{"code","message","retryable"}}; a NULL or empty code becomes "APP_ERROR". */
sb_result sb_error(const char *code, const char *message, bool retryable);

/* sb_err is an error a host function answered with. */
typedef struct sb_err {
	const char *code;    /* e.g. "PERMISSION_DENIED", "RATE_LIMITED", "NETWORK_ERROR" */
	const char *message;
	bool retryable;
} sb_err;

/* sb_error_from returns e as this call's error envelope (passes a host error through). */
sb_result sb_error_from(const sb_err *e);

/* sb_writer returns a new JSON writer in the call arena (for request bodies and the like). */
sb_jw *sb_writer(void);

/* sb_alloc returns n bytes from the call arena (freed when the next call starts). */
void *sb_alloc(size_t n);

/* sb_call_arena returns the arena of the current call. */
sb_arena *sb_call_arena(void);

/* sb_method_name returns the name of the method being served (not NUL-terminated). */
const char *sb_method_name(size_t *len);

/* ------------------------------------------------------- host functions */

/* sb_log_level is the level argument of log. */
typedef enum sb_log_level {
	SB_LOG_DEBUG = 0,
	SB_LOG_INFO = 1,
	SB_LOG_WARN = 2,
	SB_LOG_ERROR = 3
} sb_log_level;

/* sb_log writes msg to the app's log; sb_log_n takes a length. */
void sb_log(sb_log_level level, const char *msg);
void sb_log_n(sb_log_level level, const char *msg, size_t len);

/* sb_header is one HTTP header. */
typedef struct sb_header {
	const char *name;
	const char *value;
} sb_header;

/* sb_http_req is an outgoing request; zero fields take the host's defaults. */
typedef struct sb_http_req {
	const char *method;      /* NULL means "GET" */
	const char *url;
	const sb_header *headers;
	size_t header_count;
	const void *body;        /* NULL for none */
	size_t body_len;
	bool body_binary;        /* send body as body_base64 instead of UTF-8 text */
	uint32_t timeout_ms;     /* 0: host default */
	bool credential;         /* "auth":"credential": the host attaches the installation's secret */
} sb_http_req;

/* sb_http_resp is the answer; body is decoded from body_base64 when the host sent that. */
typedef struct sb_http_resp {
	int32_t status;
	const sb_json *headers;  /* object of name -> value */
	const char *body;        /* NUL-terminated, may hold NUL bytes when binary */
	size_t body_len;
} sb_http_resp;

/*
 * sb_http_request performs req through the host. True with *resp filled
 * for any HTTP status; false with *err when the host refused or failed
 * (PERMISSION_DENIED, NETWORK_ERROR, RATE_LIMITED, TIMEOUT, ...).
 */
bool sb_http_request(const sb_http_req *req, sb_http_resp *resp, sb_err *err);

/* sb_http_header returns the value of response header name (case-insensitive), or NULL. */
const char *sb_http_header(const sb_http_resp *resp, const char *name);

/*
 * sb_vault_get reveals credential fields the manifest lists under
 * permissions.vault.reveal. *result is the host's ok value,
 * {"fields":{"name":"value"}}; read one field with sb_vault_field.
 */
bool sb_vault_get(const char *const *fields, size_t count, const sb_json **result, sb_err *err);

/* sb_vault_field returns field name of a sb_vault_get result, or NULL. */
const char *sb_vault_field(const sb_json *result, const char *name);

/* sb_kv_get reads key; *value is NULL (and *len 0) when the key is not set. */
bool sb_kv_get(const char *key, const char **value, size_t *len, sb_err *err);

/* sb_kv_set stores value under key; ttl_seconds 0 means no expiry. */
bool sb_kv_set(const char *key, const char *value, size_t len, uint32_t ttl_seconds, sb_err *err);

/* sb_kv_delete removes key (no error when it was not set). */
bool sb_kv_delete(const char *key, sb_err *err);

#ifdef __cplusplus
}
#endif

#include "calcom.h"
#include "str.h"

#endif
