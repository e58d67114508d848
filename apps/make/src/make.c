/*
 * make: every booking trigger forwarded to a Make (make.com) scenario,
 * written with the C guest SDK.
 *
 * automation.onTrigger POSTs Cal.com's webhook body unchanged,
 *
 *   POST <webhookUrl>                      https://hook.<region>.make.com/<token>
 *   Content-Type: application/json
 *   {"triggerEvent": ..., "createdAt": ..., "payload": {...}}
 *
 * to the Custom webhook of the scenario, which answers 200 "Accepted". Every
 * other answer is an error with its own code: a scenario that is off (410
 * "There is no scenario listening for this webhook."), a full webhook queue
 * (400 "Queue is full", retryable), a payload the webhook's data structure
 * refuses (400), Make's rate limit (429, retryable), an outage (5xx,
 * retryable).
 *
 * The webhook URL is a key of the installation: abi-v1's onTrigger input has
 * no place for an event type's settings. The host's allow-list (*.make.com)
 * decides where the app may post; the app does not repeat that check, so the
 * same module runs against a loopback fake in its tests.
 */
#include <string.h>

#include "slotbox.h"

#define USER_AGENT "Slotbox-Make/1.0"
#define MAX_URL 2048
#define MAX_SNIPPET 200
#define TIMEOUT_MS 15000

/* The app's own codes; the host reports each as APP_ERROR with appCode. */
#define CODE_NOT_CONFIGURED "NOT_CONFIGURED"     /* no webhookUrl key */
#define CODE_INVALID_SETTINGS "INVALID_SETTINGS" /* webhookUrl is not an http(s) URL */
#define CODE_NO_SCENARIO "NO_SCENARIO"           /* 410 or "no scenario listening": the scenario is off */
#define CODE_QUEUE_FULL "QUEUE_FULL"             /* 400 "Queue is full": retryable */
#define CODE_REJECTED "REJECTED"                 /* 400 otherwise: the data structure refused the payload */
#define CODE_UNAUTHORIZED "UNAUTHORIZED"         /* 401, 403: an API key or IP restriction on the webhook */
#define CODE_NOT_FOUND "NOT_FOUND"               /* 404: no such webhook */
#define CODE_RATE_LIMITED "UPSTREAM_RATE_LIMITED" /* 429: retryable */
#define CODE_UNAVAILABLE "UPSTREAM_UNAVAILABLE"  /* 5xx: retryable */
#define CODE_UPSTREAM "UPSTREAM_ERROR"           /* any other status */

/* ------------------------------------------------------------ strings */

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

/* contains reports whether s[0..n) holds needle (lower case), ignoring case. */
static bool contains(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; m <= n && i <= n - m; i++) {
		size_t j = 0;
		while (j < m && lower(s[i + j]) == needle[j])
			j++;
		if (j == m)
			return true;
	}
	return false;
}

/* visible reports whether s is 1 to max bytes without spaces or control bytes. */
static bool visible(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return true;
}

/* ------------------------------------------------------------ webhookUrl */

/* webhook_url reveals the webhookUrl key; *url is NULL when it is unset or empty. */
static bool webhook_url(const char **url, sb_err *err)
{
	static const char *const fields[] = {"webhookUrl"};
	const sb_json *res;
	if (!sb_vault_get(fields, 1, &res, err))
		return false;
	size_t n = 0;
	const char *u = sb_json_str(sb_json_get(sb_json_get(res, "fields"), "webhookUrl"), &n);
	*url = (u && n > 0 && strlen(u) == n) ? u : NULL;
	return true;
}

/* http_url reports whether u is an absolute http(s) URL with a host and no spaces or control bytes. */
static bool http_url(const char *u)
{
	if (!visible(u, MAX_URL))
		return false;
	const char *rest = strncmp(u, "https://", 8) == 0 ? u + 8 : strncmp(u, "http://", 7) == 0 ? u + 7 : NULL;
	return rest && *rest && *rest != '/' && !memchr(rest, '@', strcspn(rest, "/"));
}

static bool token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/*
 * make_hook reports whether u has the shape of a Make webhook:
 * https://hook.<region>.make.com/<token> (or hook.make.com), token of 8 to
 * 128 letters, digits, '_' and '-'.
 */
static bool make_hook(const char *u)
{
	static const char prefix[] = "https://hook.";
	if (strncmp(u, prefix, sizeof prefix - 1) != 0)
		return false;
	const char *p = u + sizeof prefix - 1;
	if (strncmp(p, "make.com/", 9) != 0) {
		size_t region = 0;
		while ((p[region] >= 'a' && p[region] <= 'z') || (p[region] >= '0' && p[region] <= '9') || p[region] == '-')
			region++;
		if (region == 0 || region > 63 || p[region] != '.')
			return false;
		p += region + 1;
		if (strncmp(p, "make.com/", 9) != 0)
			return false;
	}
	p += 9;
	size_t t = 0;
	while (token_char(p[t]))
		t++;
	return t >= 8 && t <= 128 && p[t] == '\0';
}

/* ------------------------------------------------------------ errors */

/* status_error maps Make's answer (not 2xx) to the call's error. */
static sb_result status_error(const sb_http_resp *resp)
{
	char num[12];
	int s = resp->status;
	const char *status = sb_utoa((unsigned)s, num);
	const char *body = sb_clip(resp->body, resp->body_len, MAX_SNIPPET);
	const char *said = sb_cat("Make answered ", status, *body ? ": " : "", body, NULL);
	if (s == 410 || (s >= 400 && s < 500 && contains(resp->body, resp->body_len, "no scenario listening")))
		return sb_error(CODE_NO_SCENARIO,
				sb_cat(said, "; turn the scenario on in Make, or set the webhook URL of an active one", NULL),
				false);
	if (s == 400 && contains(resp->body, resp->body_len, "queue is full"))
		return sb_error(CODE_QUEUE_FULL, sb_cat(said, "; the webhook's queue drains as the scenario runs", NULL),
				true);
	if (s == 400)
		return sb_error(CODE_REJECTED,
				sb_cat(said, "; the webhook's data structure refused the trigger", NULL), false);
	if (s == 401 || s == 403)
		return sb_error(CODE_UNAUTHORIZED,
				sb_cat(said, "; the webhook has an API key or IP restriction this app cannot meet", NULL),
				false);
	if (s == 404)
		return sb_error(CODE_NOT_FOUND, sb_cat(said, "; the webhook does not exist (deleted?)", NULL), false);
	if (s == 429) {
		const char *ra = sb_http_header(resp, "Retry-After");
		const char *wait = ra && visible(ra, 64) ? sb_cat("; retry after ", ra, NULL) : "";
		return sb_error(CODE_RATE_LIMITED, sb_cat(said, wait, NULL), true);
	}
	if (s >= 500 && s <= 599)
		return sb_error(CODE_UNAVAILABLE, said, true);
	return sb_error(CODE_UPSTREAM, said, false);
}

/* ------------------------------------------------------------ methods */

static sb_result on_trigger(const sb_json *in, sb_jw *out)
{
	(void)out;
	const sb_json *trigger = sb_json_get(in, "triggerEvent");
	const sb_json *created = sb_json_get(in, "createdAt");
	const sb_json *payload = sb_json_get(in, "payload");
	size_t tlen = 0;
	if (!sb_json_str(trigger, &tlen) || tlen == 0)
		return sb_error(SB_INVALID_INPUT, "triggerEvent must be a non-empty string", false);
	if (!sb_json_str(created, NULL))
		return sb_error(SB_INVALID_INPUT, "createdAt must be a string", false);
	if (sb_json_kind(payload) != SB_JSON_OBJECT)
		return sb_error(SB_INVALID_INPUT, "payload must be an object", false);

	const char *url;
	sb_err err;
	if (!webhook_url(&url, &err))
		return sb_error_from(&err);
	if (!url)
		return sb_error(CODE_NOT_CONFIGURED,
				"no webhook: set the webhookUrl key to the address of the scenario's Custom webhook", false);
	if (!http_url(url))
		return sb_error(CODE_INVALID_SETTINGS,
				"the webhookUrl key must be a URL such as https://hook.eu1.make.com/<token>", false);

	sb_jw *body = sb_writer();
	if (!body)
		return sb_error("OUT_OF_MEMORY", "no memory for the request", false);
	sb_jw_object_begin(body);
	sb_jw_key(body, "triggerEvent");
	sb_jw_value(body, trigger);
	sb_jw_key(body, "createdAt");
	sb_jw_value(body, created);
	sb_jw_key(body, "payload");
	sb_jw_value(body, payload);
	sb_jw_object_end(body);
	if (!sb_jw_ok(body))
		return sb_error("OUT_OF_MEMORY", "could not build the request", false);
	size_t blen;
	const char *json = sb_jw_bytes(body, &blen);

	sb_header headers[] = {{"Content-Type", "application/json"}, {"User-Agent", USER_AGENT}};
	sb_http_req req = {.method = "POST", .url = url, .headers = headers, .header_count = 2,
			   .body = json, .body_len = blen, .timeout_ms = TIMEOUT_MS};
	sb_http_resp resp;
	if (!sb_http_request(&req, &resp, &err))
		return sb_error_from(&err);
	if (resp.status < 200 || resp.status > 299)
		return status_error(&resp);
	return sb_ok_empty();
}

static sb_result check_keys(const sb_json *in, sb_jw *out)
{
	(void)in;
	const char *url;
	sb_err err;
	if (!webhook_url(&url, &err))
		return sb_error_from(&err);
	const char *why = NULL;
	if (!url)
		why = "the webhookUrl key is missing: copy the address of the scenario's Custom webhook";
	else if (!make_hook(url))
		why = "the webhookUrl key must be a Make webhook address: https://hook.<region>.make.com/<token>";
	sb_jw_object_begin(out);
	sb_jw_kv_bool(out, "valid", why == NULL);
	if (why)
		sb_jw_kv_string(out, "message", why);
	sb_jw_object_end(out);
	return sb_ok(out);
}

SLOTBOX_METHODS(
	SLOTBOX_METHOD("automation.onTrigger", on_trigger),
	SLOTBOX_METHOD("app.checkKeys", check_keys)
)
