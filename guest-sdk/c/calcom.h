/*
 * calcom.h: Cal.com's app types as C structs, with Cal.com's field names
 * (packages/types: CalendarEvent, Person, VideoCallData, ...), readers for
 * the method inputs and writers for the method results. Included by
 * slotbox.h. Strings point into the call arena; NULL means absent.
 */
#ifndef SLOTBOX_CALCOM_H
#define SLOTBOX_CALCOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* sb_opt_bool is an optional boolean field. */
typedef enum sb_opt_bool { SB_UNSET = 0, SB_FALSE, SB_TRUE } sb_opt_bool;

/* sb_person is Cal.com's Person; language crosses the boundary as {locale} only. */
typedef struct sb_person {
	const char *name;
	const char *email;
	const char *timeZone;
	const char *locale;      /* language.locale */
	const char *username;
	const char *timeFormat;
	const char *phoneNumber;
	const sb_json *raw;      /* the whole object, for fields not listed here */
} sb_person;

/* sb_calendar_event is the part of Cal.com's CalendarEvent apps use most; raw has the rest. */
typedef struct sb_calendar_event {
	const char *type;        /* event-type slug */
	const char *title;
	const char *startTime;   /* UTC ISO-8601 */
	const char *endTime;
	sb_person organizer;
	sb_person *attendees;
	size_t attendee_count;
	const char *uid;
	const char *iCalUID;
	const char *location;
	const char *description;
	const char *additionalNotes;
	const char *bookerUrl;
	const sb_json *raw;
} sb_calendar_event;

/* sb_person_read fills *out from a Person object; false when v is not an object. */
bool sb_person_read(const sb_json *v, sb_person *out);

/* sb_calendar_event_read fills *out from a CalendarEvent object; false when v is not an object. */
bool sb_calendar_event_read(const sb_json *v, sb_calendar_event *out);

/* sb_video_call_data is Cal.com's VideoCallData (video.createMeeting, video.updateMeeting). */
typedef struct sb_video_call_data {
	const char *type;
	const char *id;
	const char *password;
	const char *url;
} sb_video_call_data;

/* sb_new_calendar_event is Cal.com's NewCalendarEventType (calendar.createEvent, calendar.updateEvent). */
typedef struct sb_new_calendar_event {
	const char *uid;
	const char *id;
	const char *type;
	const char *password;
	const char *url;
	const sb_json *additionalInfo;   /* NULL writes {} */
	const char *iCalUID;
	const char *location;
	const char *hangoutLink;
	const char *thirdPartyRecurringEventId;
} sb_new_calendar_event;

/* sb_event_busy_date is Cal.com's EventBusyDate (getAvailability results). */
typedef struct sb_event_busy_date {
	const char *start;
	const char *end;
	const char *source;
} sb_event_busy_date;

/* sb_integration_calendar is Cal.com's IntegrationCalendar (calendar.listCalendars). */
typedef struct sb_integration_calendar {
	const char *externalId;
	const char *integration;
	const char *name;
	const char *email;
	const char *primaryEmail;
	const char *integrationTitle;
	sb_opt_bool primary;
	sb_opt_bool readOnly;
} sb_integration_calendar;

/* sb_crm_event is Cal.com's CrmEvent (crm.createEvent, crm.updateEvent). */
typedef struct sb_crm_event {
	const char *id;
	const char *uid;
	const char *type;
	const char *password;
	const char *url;
	const sb_json *additionalInfo;
} sb_crm_event;

/* sb_contact is Cal.com's Contact (crm.getContacts, crm.createContacts). */
typedef struct sb_contact {
	const char *id;
	const char *email;
	const char *ownerId;
	const char *ownerEmail;
	const char *recordType;
} sb_contact;

/* Writers: each writes one object; required fields are always present ("" for NULL). */
void sb_jw_video_call_data(sb_jw *w, const sb_video_call_data *v);
void sb_jw_new_calendar_event(sb_jw *w, const sb_new_calendar_event *v);
void sb_jw_event_busy_date(sb_jw *w, const sb_event_busy_date *v);
void sb_jw_integration_calendar(sb_jw *w, const sb_integration_calendar *v);
void sb_jw_crm_event(sb_jw *w, const sb_crm_event *v);
void sb_jw_contact(sb_jw *w, const sb_contact *v);

#ifdef __cplusplus
}
#endif

#endif
