/*
 * plausible: booking events as Plausible Analytics goals, written with the
 * C guest SDK.
 *
 * analytics.track sends one custom event through Plausible's Events API:
 *
 *   POST <baseUrl>/api/event
 *   Content-Type: application/json
 *   User-Agent: <the booker's, else Slotbox-Plausible/1.0>
 *   X-Forwarded-For: <the booker's IP, else 127.0.0.1>
 *   {"name": <goal>, "url": <page>, "domain": <site>, "props": {"event": ..., "eventType": ...}}
 *
 * and expects 202. Plausible answers 202 also when it drops an event (an
 * unknown site, a bot User-Agent, a site over its limits) and says so only in
 * the x-plausible-dropped header: the app reports that as EVENT_DROPPED
 * rather than a success. analytics.identify answers {} without a request:
 * Plausible keeps no user profiles, so there is nothing to identify.
 */
#include <string.h>

#include "slotbox.h"

#define DEFAULT_BASE_URL "https://plausible.io"
#define DEFAULT_USER_AGENT "Slotbox-Plausible/1.0"
/* Plausible's own curl example; used when the host knows no booker IP. */
#define DEFAULT_FORWARDED_FOR "127.0.0.1"
#define MAX_GOAL 120
#define MAX_DOMAIN 253
#define MAX_URL 2048
#define MAX_USER_AGENT 512
#define MAX_IP 45
#define MAX_SNIPPET 200
#define TIMEOUT_MS 10000

/* The app's own codes; the host reports each as APP_ERROR with appCode. */
#define CODE_NOT_CONFIGURED "NOT_CONFIGURED"     /* no site domain in keys or appData */
#define CODE_INVALID_SETTINGS "INVALID_SETTINGS" /* a key or appData value is malformed */
#define CODE_REJECTED "EVENT_REJECTED"           /* 400: Plausible refused the event's fields */
#define CODE_DROPPED "EVENT_DROPPED"             /* 202 with x-plausible-dropped */
#define CODE_UNAUTHORIZED "UNAUTHORIZED"         /* 401, 403 */
#define CODE_NOT_FOUND "NOT_FOUND"               /* 404, 410: baseUrl is not a Plausible server */
#define CODE_RATE_LIMITED "UPSTREAM_RATE_LIMITED" /* 429, retryable */
#define CODE_UNAVAILABLE "UPSTREAM_UNAVAILABLE"  /* 5xx, retryable */
#define CODE_UPSTREAM "UPSTREAM_ERROR"           /* any other status */

/* ------------------------------------------------------------ strings */

/* str returns v's string when it is a non-empty string without NUL bytes, else NULL. */
static const char *str(const sb_json *v)
{
	size_t n = 0;
	const char *s = sb_json_str(v, &n);
	return (s && n > 0 && strlen(s) == n) ? s : NULL;
}

/* ----------------------------------------------------------- checks */

/*
 * valid_domain follows Cal.com's check of a Plausible site (lower-case
 * letters, digits, '.' and '-', starting and ending with a letter or digit).
 */
static bool valid_domain(const char *d)
{
	size_t n = strlen(d);
	if (n == 0 || n > MAX_DOMAIN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = d[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && ((c != '.' && c != '-') || i == 0 || i == n - 1))
			return false;
	}
	return true;
}

/* http_url reports whether u is an absolute http(s) URL without user info, query or fragment (a path is fine). */
static bool http_url(const char *u)
{
	size_t n = strlen(u);
	const char *rest;
	if (n > MAX_URL)
		return false;
	if (strncmp(u, "https://", 8) == 0)
		rest = u + 8;
	else if (strncmp(u, "http://", 7) == 0)
		rest = u + 7;
	else
		return false;
	if (*rest == '\0' || *rest == '/')
		return false;
	size_t host = strcspn(rest, "/");
	if (memchr(rest, '@', host))
		return false;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '?' || *p == '#')
			return false;
	return true;
}

/* page_url accepts an http(s) URL for the event's page: control and space bytes are refused, queries allowed. */
static bool page_url(const char *u)
{
	if (strlen(u) > 8192 || (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0))
		return false;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* header_safe accepts a header value of at most max visible ASCII bytes and spaces. */
static bool header_safe(const char *v, size_t max)
{
	size_t n = strlen(v);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x7f)
			return false;
	return true;
}

/* ip_text accepts IPv4 and IPv6 text (hex digits, '.', ':'), as X-Forwarded-For carries it. */
static bool ip_text(const char *v)
{
	size_t n = strlen(v);
	if (n < 2 || n > MAX_IP)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':'))
			return false;
	}
	return true;
}

/* --------------------------------------------------------- settings */

/* settings is what one track call sends where. */
typedef struct settings {
	const char *endpoint; /* <baseUrl>/api/event */
	const char *domain;
	const char *from;     /* where domain came from, for messages */
} settings;

/* read_keys reveals baseUrl and domain; false with *err when the host refused. */
static bool read_keys(const char **base, const char **domain, sb_err *err)
{
	static const char *const fields[] = {"baseUrl", "domain"};
	const sb_json *res;
	if (!sb_vault_get(fields, 2, &res, err))
		return false;
	const sb_json *f = sb_json_get(res, "fields");
	*base = str(sb_json_get(f, "baseUrl"));
	*domain = str(sb_json_get(f, "domain"));
	return true;
}

/* check_base returns why base is not a usable baseUrl, or NULL. */
static const char *check_base(const char *base)
{
	if (!http_url(base))
		return "the baseUrl key must be an http(s) URL such as https://plausible.io, without user info, query or fragment";
	return NULL;
}

/* endpoint returns base + "/api/event", dropping one trailing '/' of base. */
static const char *endpoint(const char *base)
{
	size_t n = strlen(base);
	if (n > 0 && base[n - 1] == '/') {
		char *b = sb_alloc(n);
		if (!b)
			return "";
		memcpy(b, base, n - 1);
		b[n - 1] = '\0';
		base = b;
	}
	return sb_cat(base, "/api/event", NULL);
}

/* ------------------------------------------------------------ errors */

/* status_error maps a non-success status of Plausible's answer to the call's error. */
static sb_result status_error(const sb_http_resp *resp)
{
	char num[12];
	const char *status = sb_utoa((unsigned)resp->status, num);
	const char *body = sb_clip(resp->body, resp->body_len, MAX_SNIPPET);
	const char *said = *body ? sb_cat(": ", body, NULL) : "";
	int s = resp->status;
	if (s == 400) {
		/* Plausible: {"errors": {"field": ["message", ...]}}; name the first one. */
		const sb_json *doc = sb_json_parse_copy(sb_call_arena(), resp->body, resp->body_len, NULL);
		const sb_json *first = sb_json_first(sb_json_get(doc, "errors"));
		size_t flen = 0, wlen = 0;
		const char *field = sb_json_key(first, &flen);
		const char *why = sb_json_str(sb_json_at(first, 0), &wlen);
		if (field && why)
			said = sb_cat(": ", sb_clip(field, flen, 64), " ", sb_clip(why, wlen, MAX_SNIPPET), NULL);
		return sb_error(CODE_REJECTED, sb_cat("Plausible rejected the event (400)", said, NULL), false);
	}
	if (s == 401 || s == 403)
		return sb_error(CODE_UNAUTHORIZED,
				sb_cat("the Plausible server refused the request (", status, ")", said,
				    "; check the baseUrl and any proxy in front of it", NULL),
				false);
	if (s == 404 || s == 410)
		return sb_error(CODE_NOT_FOUND,
				sb_cat("no Plausible Events API at the baseUrl (", status, ")", said,
				    "; baseUrl must be the address of a Plausible server such as https://plausible.io", NULL),
				false);
	if (s == 429) {
		const char *ra = sb_http_header(resp, "Retry-After");
		const char *wait = ra && header_safe(ra, 64) ? sb_cat("; retry after ", ra, NULL) : "";
		return sb_error(CODE_RATE_LIMITED, sb_cat("Plausible is rate limiting (429)", wait, NULL), true);
	}
	if (s >= 500 && s <= 599)
		return sb_error(CODE_UNAVAILABLE, sb_cat("Plausible failed (", status, ")", said, NULL), true);
	return sb_error(CODE_UPSTREAM, sb_cat("Plausible answered ", status, said, NULL), false);
}

/* ------------------------------------------------------------ methods */

static sb_result track(const sb_json *in, sb_jw *out)
{
	size_t elen = 0;
	const char *event = sb_json_str(sb_json_get(in, "event"), &elen);
	if (!event || elen == 0 || strlen(event) != elen)
		return sb_error(SB_INVALID_INPUT, "event must be a non-empty string", false);
	const sb_json *data = sb_json_get(in, "data");
	if (sb_json_kind(data) != SB_JSON_OBJECT)
		return sb_error(SB_INVALID_INPUT, "data must be an object", false);
	const sb_json *app = sb_json_get(data, "appData");
	if (app && sb_json_kind(app) != SB_JSON_OBJECT && !sb_json_is_null(app))
		return sb_error(SB_INVALID_INPUT, "data.appData must be an object", false);

	const char *base, *kdomain;
	sb_err err;
	if (!read_keys(&base, &kdomain, &err))
		return sb_error_from(&err);
	if (!base)
		base = DEFAULT_BASE_URL;
	const char *why = check_base(base);
	if (why)
		return sb_error(CODE_INVALID_SETTINGS, why, false);

	settings set = {.endpoint = endpoint(base), .domain = str(sb_json_get(app, "domain")), .from = "appData.domain"};
	if (!set.domain) {
		set.domain = kdomain;
		set.from = "the domain key";
	}
	if (!set.domain)
		return sb_error(CODE_NOT_CONFIGURED,
				"no Plausible site: set the domain key (or appData.domain), as the site is named in Plausible",
				false);
	if (!valid_domain(set.domain))
		return sb_error(CODE_INVALID_SETTINGS,
				sb_cat(set.from, " must be a site domain such as example.com (lower case, no scheme or path)", NULL),
				false);

	const char *goal = str(sb_json_get(app, "goal"));
	if (!goal)
		goal = event;
	if (strlen(goal) > MAX_GOAL)
		return sb_error(CODE_INVALID_SETTINGS, "the goal name is longer than 120 bytes", false);

	const char *page = str(sb_json_get(data, "url"));
	if (!page || !page_url(page))
		page = str(sb_json_get(data, "bookerUrl"));
	if (!page || !page_url(page))
		page = sb_cat("https://", set.domain, "/", NULL);

	const char *ua = str(sb_json_get(data, "userAgent"));
	if (!ua || !header_safe(ua, MAX_USER_AGENT))
		ua = DEFAULT_USER_AGENT;
	const char *ip = str(sb_json_get(data, "ip"));
	if (!ip || !ip_text(ip))
		ip = DEFAULT_FORWARDED_FOR;

	sb_jw *body = sb_writer();
	if (!body)
		return sb_error("OUT_OF_MEMORY", "no memory for the request", false);
	sb_jw_object_begin(body);
	sb_jw_kv_string(body, "name", goal);
	sb_jw_kv_string(body, "url", page);
	sb_jw_kv_string(body, "domain", set.domain);
	sb_jw_key(body, "props");
	sb_jw_object_begin(body);
	sb_jw_kv_string(body, "event", event);
	const char *type = str(sb_json_get(data, "type"));
	if (type)
		sb_jw_kv_string(body, "eventType", type);
	sb_jw_object_end(body);
	sb_jw_object_end(body);
	if (!sb_jw_ok(body))
		return sb_error("OUT_OF_MEMORY", "could not build the request", false);
	size_t blen;
	const char *json = sb_jw_bytes(body, &blen);

	sb_header headers[] = {
		{"Content-Type", "application/json"},
		{"User-Agent", ua},
		{"X-Forwarded-For", ip},
	};
	sb_http_req req = {.method = "POST", .url = set.endpoint, .headers = headers, .header_count = 3,
			   .body = json, .body_len = blen, .timeout_ms = TIMEOUT_MS};
	sb_http_resp resp;
	if (!sb_http_request(&req, &resp, &err))
		return sb_error_from(&err);
	if (resp.status < 200 || resp.status > 299)
		return status_error(&resp);
	const char *dropped = sb_http_header(&resp, "x-plausible-dropped");
	if (dropped && strcmp(dropped, "0") != 0)
		return sb_error(CODE_DROPPED,
				sb_cat("Plausible accepted the request but dropped the event: is ", set.domain,
				    " a site of this Plausible account, verified and within its limits?", NULL),
				false);
	(void)out;
	return sb_ok_empty();
}

static sb_result identify(const sb_json *in, sb_jw *out)
{
	(void)in;
	(void)out;
	/* Plausible has no user profiles: it counts visitors without identifying them. */
	return sb_ok_empty();
}

static sb_result check_keys(const sb_json *in, sb_jw *out)
{
	(void)in;
	const char *base, *domain;
	sb_err err;
	if (!read_keys(&base, &domain, &err))
		return sb_error_from(&err);
	const char *why = NULL;
	if (!domain)
		why = "the domain key is missing: the site as it is named in Plausible, such as example.com";
	else if (!valid_domain(domain))
		why = "the domain key must be a site domain such as example.com (lower case, no scheme or path)";
	else if (base)
		why = check_base(base);
	sb_jw_object_begin(out);
	sb_jw_kv_bool(out, "valid", why == NULL);
	if (why)
		sb_jw_kv_string(out, "message", why);
	sb_jw_object_end(out);
	return sb_ok(out);
}

SLOTBOX_METHODS(
	SLOTBOX_METHOD("analytics.track", track),
	SLOTBOX_METHOD("analytics.identify", identify),
	SLOTBOX_METHOD("app.checkKeys", check_keys)
)
