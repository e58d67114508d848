/*
 * jitsi: a Jitsi Meet location for Slotbox, written with the C guest SDK.
 *
 * Every booking gets its own room, https://<jitsiHost>/<room>, where the
 * room name is 128 bits from WASI random_get (crypto randomness from the
 * host) written in lower-case base32: nobody can guess a room from the
 * booking, its uid or another room. Jitsi creates a room when its first
 * participant joins, so the app never talks to the network: it imports no
 * http_request and its manifest grants no HTTP.
 *
 *   video.createMeeting  a new room on jitsiHost (key; default meet.jit.si)
 *   video.updateMeeting  the room of bookingRef, unchanged (the link stays valid)
 *   video.deleteMeeting  {} (a Jitsi room has nothing to delete)
 *   video.getAvailability  [] (a room is never busy)
 *   app.checkKeys        checks the jitsiHost key
 */
#include <string.h>
#include <wasi/api.h>

#include "slotbox.h"

/* The manifest's type: VideoCallData.type. */
#define APP_TYPE "jitsi_video"
/* The host when the installation sets no jitsiHost. */
#define DEFAULT_HOST "meet.jit.si"
/* Room names carry this many random bytes (128 bits). */
#define ROOM_BYTES 16
/* Base32 of ROOM_BYTES bytes without padding: ceil(128 / 5). */
#define ROOM_CHARS 26
/* A host name of 253 bytes, ":" and a five-digit port. */
#define MAX_HOST 259

/* default_host is DEFAULT_HOST by address, so check_keys can tell it was used. */
static const char default_host[] = DEFAULT_HOST;

/* The app's own error codes; the host reports them as APP_ERROR with appCode. */
#define CODE_BAD_KEYS "INVALID_KEYS"
#define CODE_NO_RANDOM "RANDOM_UNAVAILABLE"

/* ------------------------------------------------------------ jitsiHost */

static bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/*
 * check_host validates host (already lower case): DNS labels of 1 to 63
 * letters, digits and inner hyphens, at least two of them, 253 bytes at
 * most, an optional ":port" from 1 to 65535. It returns NULL when host is
 * fine, else why not.
 */
static const char *check_host(const char *host, size_t len)
{
	if (memchr(host, '/', len))
		return "use a host name such as meet.example.com, without https:// or a path";
	size_t name = len;
	const char *colon = memchr(host, ':', len);
	if (colon) {
		name = (size_t)(colon - host);
		size_t plen = len - name - 1;
		if (plen == 0 || plen > 5 || colon[1] == '0')
			return "the port must be a number from 1 to 65535";
		unsigned long port = 0;
		for (size_t i = 0; i < plen; i++) {
			char c = colon[1 + i];
			if (c < '0' || c > '9')
				return "the port must be a number from 1 to 65535";
			port = port * 10 + (unsigned long)(c - '0');
		}
		if (port > 65535)
			return "the port must be a number from 1 to 65535";
	}
	if (name == 0 || name > 253)
		return "the host name must be 1 to 253 characters";
	size_t labels = 0, start = 0;
	bool all_digits = true;
	for (size_t i = 0; i <= name; i++) {
		if (i < name && host[i] != '.') {
			char c = host[i];
			if (!is_alnum(c) && c != '-')
				return "use a host name such as meet.example.com: letters, digits, '-' and '.' only";
			if (c < '0' || c > '9')
				all_digits = false;
			continue;
		}
		size_t n = i - start;
		if (n == 0)
			return "the host name has an empty label";
		if (n > 63)
			return "the host name has a label longer than 63 characters";
		if (host[start] == '-' || host[i - 1] == '-')
			return "a label of the host name starts or ends with '-'";
		labels++;
		if (i < name)
			all_digits = true;
		start = i + 1;
	}
	if (labels < 2)
		return "use a fully qualified host name such as meet.example.com";
	if (all_digits)
		return "use a host name, not an IP address";
	return NULL;
}

/*
 * jitsi_host reads the jitsiHost key into *host (lower case), DEFAULT_HOST
 * when it is unset or empty. *why is set when the key is malformed; false
 * with *err when the host refused the reveal.
 */
static bool jitsi_host(const char **host, const char **why, sb_err *err)
{
	static const char *const fields[] = {"jitsiHost"};
	const sb_json *res;
	*why = NULL;
	if (!sb_vault_get(fields, 1, &res, err))
		return false;
	size_t len = 0;
	const char *v = sb_json_str(sb_json_get(sb_json_get(res, "fields"), "jitsiHost"), &len);
	if (!v || len == 0) {
		*host = default_host;
		return true;
	}
	if (len > MAX_HOST || strlen(v) != len) {
		*why = "the host name is too long or holds a NUL byte";
		return true;
	}
	char *h = sb_alloc(len + 1);
	if (!h) {
		err->code = "OUT_OF_MEMORY";
		err->message = "no memory for the host name";
		err->retryable = false;
		return false;
	}
	for (size_t i = 0; i < len; i++)
		h[i] = (v[i] >= 'A' && v[i] <= 'Z') ? (char)(v[i] + 32) : v[i];
	h[len] = '\0';
	*why = check_host(h, len);
	*host = h;
	return true;
}

/* bad_keys is the error of a call that found a malformed jitsiHost key. */
static sb_result bad_keys(const char *why)
{
	static const char prefix[] = "the jitsiHost key is invalid: ";
	size_t n = strlen(why);
	char *msg = sb_alloc(sizeof prefix + n);
	if (!msg)
		return sb_error(CODE_BAD_KEYS, why, false);
	memcpy(msg, prefix, sizeof prefix - 1);
	memcpy(msg + sizeof prefix - 1, why, n + 1);
	return sb_error(CODE_BAD_KEYS, msg, false);
}

/* ---------------------------------------------------------------- rooms */

/* new_room writes ROOM_CHARS base32 characters of fresh randomness and a NUL into room. */
static bool new_room(char room[ROOM_CHARS + 1])
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint8_t r[ROOM_BYTES];
	if (__wasi_random_get(r, sizeof r) != __WASI_ERRNO_SUCCESS)
		return false;
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < sizeof r; i++) {
		acc = (acc << 8) | r[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			room[n++] = alphabet[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		room[n++] = alphabet[(acc << (5 - bits)) & 31];
	room[n] = '\0';
	memset(r, 0, sizeof r);
	return n == ROOM_CHARS;
}

/* join returns "https://" host "/" room in the arena, or NULL. */
static const char *join(const char *host, const char *room)
{
	static const char scheme[] = "https://";
	size_t h = strlen(host), r = strlen(room);
	char *url = sb_alloc(sizeof scheme + h + 1 + r);
	if (!url)
		return NULL;
	memcpy(url, scheme, sizeof scheme - 1);
	memcpy(url + sizeof scheme - 1, host, h);
	url[sizeof scheme - 1 + h] = '/';
	memcpy(url + sizeof scheme + h, room, r + 1);
	return url;
}

/* -------------------------------------------------------------- methods */

static sb_result create_meeting(const sb_json *in, sb_jw *out)
{
	if (sb_json_kind(sb_json_get(in, "event")) != SB_JSON_OBJECT)
		return sb_error(SB_INVALID_INPUT, "event must be an object", false);
	const char *host, *why;
	sb_err err;
	if (!jitsi_host(&host, &why, &err))
		return sb_error_from(&err);
	if (why)
		return bad_keys(why);
	char room[ROOM_CHARS + 1];
	if (!new_room(room))
		return sb_error(CODE_NO_RANDOM, "the host's random_get failed; no room was made from weaker randomness",
				true);
	const char *url = join(host, room);
	if (!url)
		return sb_error("OUT_OF_MEMORY", "no memory for the room URL", false);
	sb_video_call_data v = {.type = APP_TYPE, .id = room, .password = "", .url = url};
	sb_jw_video_call_data(out, &v);
	return sb_ok(out);
}

/* has_prefix reports whether s starts with p. */
static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static sb_result update_meeting(const sb_json *in, sb_jw *out)
{
	const sb_json *ref = sb_json_get(in, "bookingRef");
	if (sb_json_kind(ref) != SB_JSON_OBJECT)
		return sb_error(SB_INVALID_INPUT, "bookingRef must be an object", false);
	size_t len = 0;
	const char *url = sb_json_str(sb_json_get(ref, "meetingUrl"), &len);
	if (!url || len == 0)
		return sb_error(SB_INVALID_INPUT,
				"bookingRef.meetingUrl is required: the meeting keeps the room it was created with", false);
	if (strlen(url) != len || !has_prefix(url, "https://") || len == 8)
		return sb_error(SB_INVALID_INPUT, "bookingRef.meetingUrl must be the https URL of the room", false);
	const char *id = sb_json_str(sb_json_get(ref, "meetingId"), NULL);
	if (!id || !*id)
		id = sb_json_str(sb_json_get(ref, "uid"), NULL);
	if (!id || !*id) {
		/* The room name is the URL's last path segment. */
		const char *slash = strrchr(url + 8, '/');
		id = slash ? slash + 1 : url;
	}
	sb_video_call_data v = {
		.type = APP_TYPE,
		.id = id,
		.password = sb_json_str_or(sb_json_get(ref, "meetingPassword"), ""),
		.url = url,
	};
	sb_jw_video_call_data(out, &v);
	return sb_ok(out);
}

static sb_result delete_meeting(const sb_json *in, sb_jw *out)
{
	(void)out;
	if (!sb_json_str(sb_json_get(in, "uid"), NULL))
		return sb_error(SB_INVALID_INPUT, "uid must be a string", false);
	return sb_ok_empty();
}

static sb_result get_availability(const sb_json *in, sb_jw *out)
{
	(void)in;
	sb_jw_array_begin(out);
	sb_jw_array_end(out);
	return sb_ok(out);
}

static sb_result check_keys(const sb_json *in, sb_jw *out)
{
	(void)in;
	const char *host, *why;
	sb_err err;
	if (!jitsi_host(&host, &why, &err))
		return sb_error_from(&err);
	sb_jw_object_begin(out);
	sb_jw_kv_bool(out, "valid", why == NULL);
	if (why)
		sb_jw_kv_string(out, "message", why);
	else if (host == default_host)
		sb_jw_kv_string(out, "message", "no jitsiHost is set: rooms are made on " DEFAULT_HOST);
	sb_jw_object_end(out);
	return sb_ok(out);
}

SLOTBOX_METHODS(
	SLOTBOX_METHOD("video.createMeeting", create_meeting),
	SLOTBOX_METHOD("video.updateMeeting", update_meeting),
	SLOTBOX_METHOD("video.deleteMeeting", delete_meeting),
	SLOTBOX_METHOD("video.getAvailability", get_availability),
	SLOTBOX_METHOD("app.checkKeys", check_keys)
)
