/*
 * c-echo: a conferencing app. video.createMeeting answers a VideoCallData
 * whose room URL is derived from the booking's uid; app.checkKeys accepts
 * any keys. It needs no permissions: it only logs.
 */
#include <string.h>

#include "slotbox.h"

#define ROOM_BASE "https://meet.example.com/echo/"

/* room_url percent-encodes uid into the room URL. */
static const char *room_url(const char *uid, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	char *url = sb_alloc(sizeof ROOM_BASE + len * 3);
	if (!url)
		return NULL;
	size_t n = sizeof ROOM_BASE - 1;
	memcpy(url, ROOM_BASE, n);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)uid[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_' || c == '.' || c == '~') {
			url[n++] = (char)c;
		} else {
			url[n++] = '%';
			url[n++] = hex[c >> 4];
			url[n++] = hex[c & 15];
		}
	}
	url[n] = '\0';
	return url;
}

static sb_result create_meeting(const sb_json *in, sb_jw *out)
{
	sb_calendar_event ev;
	if (!sb_calendar_event_read(sb_json_get(in, "event"), &ev))
		return sb_error(SB_INVALID_INPUT, "event is required", false);
	size_t len;
	const char *uid = sb_json_str(sb_json_get(ev.raw, "uid"), &len);
	if (!uid || !len)
		return sb_error(SB_INVALID_INPUT, "event.uid is required", false);
	const char *url = room_url(uid, len);
	if (!url)
		return sb_error("OUT_OF_MEMORY", "no memory for the room URL", false);
	sb_log(SB_LOG_INFO, "echo: meeting created");
	sb_video_call_data v = {.type = "c-echo_video", .id = uid, .password = "", .url = url};
	sb_jw_video_call_data(out, &v);
	return sb_ok(out);
}

static sb_result check_keys(const sb_json *in, sb_jw *out)
{
	(void)in;
	sb_jw_object_begin(out);
	sb_jw_kv_bool(out, "valid", true);
	sb_jw_object_end(out);
	return sb_ok(out);
}

SLOTBOX_METHODS(
	SLOTBOX_METHOD("video.createMeeting", create_meeting),
	SLOTBOX_METHOD("app.checkKeys", check_keys)
)
