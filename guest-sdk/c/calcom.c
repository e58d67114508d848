/* calcom.c: readers and writers of the Cal.com types in calcom.h. */
#include "slotbox.h"

#include <string.h>

static const char *str(const sb_json *obj, const char *key) { return sb_json_str(sb_json_get(obj, key), NULL); }

bool sb_person_read(const sb_json *v, sb_person *out)
{
	memset(out, 0, sizeof *out);
	if (sb_json_kind(v) != SB_JSON_OBJECT)
		return false;
	out->name = str(v, "name");
	out->email = str(v, "email");
	out->timeZone = str(v, "timeZone");
	out->locale = str(sb_json_get(v, "language"), "locale");
	out->username = str(v, "username");
	out->timeFormat = str(v, "timeFormat");
	out->phoneNumber = str(v, "phoneNumber");
	out->raw = v;
	return true;
}

bool sb_calendar_event_read(const sb_json *v, sb_calendar_event *out)
{
	memset(out, 0, sizeof *out);
	if (sb_json_kind(v) != SB_JSON_OBJECT)
		return false;
	out->type = str(v, "type");
	out->title = str(v, "title");
	out->startTime = str(v, "startTime");
	out->endTime = str(v, "endTime");
	sb_person_read(sb_json_get(v, "organizer"), &out->organizer);
	const sb_json *att = sb_json_get(v, "attendees");
	size_t n = sb_json_count(att);
	if (n && sb_json_kind(att) == SB_JSON_ARRAY) {
		out->attendees = sb_alloc(n * sizeof *out->attendees);
		if (!out->attendees)
			return false;
		for (const sb_json *a = sb_json_first(att); a; a = sb_json_next(a))
			if (sb_person_read(a, &out->attendees[out->attendee_count]))
				out->attendee_count++;
	}
	out->uid = str(v, "uid");
	out->iCalUID = str(v, "iCalUID");
	out->location = str(v, "location");
	out->description = str(v, "description");
	out->additionalNotes = str(v, "additionalNotes");
	out->bookerUrl = str(v, "bookerUrl");
	out->raw = v;
	return true;
}

static void req(sb_jw *w, const char *key, const char *value) { sb_jw_kv_string(w, key, value ? value : ""); }

static void opt(sb_jw *w, const char *key, const char *value)
{
	if (value)
		sb_jw_kv_string(w, key, value);
}

static void opt_bool(sb_jw *w, const char *key, sb_opt_bool value)
{
	if (value != SB_UNSET)
		sb_jw_kv_bool(w, key, value == SB_TRUE);
}

static void object_or_empty(sb_jw *w, const char *key, const sb_json *v)
{
	sb_jw_key(w, key);
	if (v) {
		sb_jw_value(w, v);
	} else {
		sb_jw_object_begin(w);
		sb_jw_object_end(w);
	}
}

void sb_jw_video_call_data(sb_jw *w, const sb_video_call_data *v)
{
	sb_jw_object_begin(w);
	req(w, "type", v->type);
	req(w, "id", v->id);
	req(w, "password", v->password);
	req(w, "url", v->url);
	sb_jw_object_end(w);
}

void sb_jw_new_calendar_event(sb_jw *w, const sb_new_calendar_event *v)
{
	sb_jw_object_begin(w);
	req(w, "uid", v->uid);
	req(w, "id", v->id);
	req(w, "type", v->type);
	req(w, "password", v->password);
	req(w, "url", v->url);
	object_or_empty(w, "additionalInfo", v->additionalInfo);
	opt(w, "iCalUID", v->iCalUID);
	opt(w, "location", v->location);
	opt(w, "hangoutLink", v->hangoutLink);
	opt(w, "thirdPartyRecurringEventId", v->thirdPartyRecurringEventId);
	sb_jw_object_end(w);
}

void sb_jw_event_busy_date(sb_jw *w, const sb_event_busy_date *v)
{
	sb_jw_object_begin(w);
	req(w, "start", v->start);
	req(w, "end", v->end);
	opt(w, "source", v->source);
	sb_jw_object_end(w);
}

void sb_jw_integration_calendar(sb_jw *w, const sb_integration_calendar *v)
{
	sb_jw_object_begin(w);
	req(w, "externalId", v->externalId);
	opt(w, "integration", v->integration);
	opt(w, "name", v->name);
	opt_bool(w, "primary", v->primary);
	opt_bool(w, "readOnly", v->readOnly);
	opt(w, "email", v->email);
	opt(w, "primaryEmail", v->primaryEmail);
	opt(w, "integrationTitle", v->integrationTitle);
	sb_jw_object_end(w);
}

void sb_jw_crm_event(sb_jw *w, const sb_crm_event *v)
{
	sb_jw_object_begin(w);
	req(w, "id", v->id);
	opt(w, "uid", v->uid);
	opt(w, "type", v->type);
	opt(w, "password", v->password);
	opt(w, "url", v->url);
	if (v->additionalInfo) {
		sb_jw_key(w, "additionalInfo");
		sb_jw_value(w, v->additionalInfo);
	}
	sb_jw_object_end(w);
}

void sb_jw_contact(sb_jw *w, const sb_contact *v)
{
	sb_jw_object_begin(w);
	req(w, "id", v->id);
	req(w, "email", v->email);
	opt(w, "ownerId", v->ownerId);
	opt(w, "ownerEmail", v->ownerEmail);
	opt(w, "recordType", v->recordType);
	sb_jw_object_end(w);
}
