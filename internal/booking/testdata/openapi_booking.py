#!/usr/bin/env python3
"""Adds the booking routes (internal/httpapi/booking_routes.go) to
internal/httpapi/openapi.json: paths, schemas and tags appended after the
existing ones, the rest of the document byte for byte as it was. Running it
again replaces what it added. Run from the repository root."""
import json

PATH = "internal/httpapi/openapi.json"
doc = json.load(open(PATH))

def ref(name):
    return {"$ref": "#/components/schemas/" + name}

def content(schema):
    return {"application/json": {"schema": schema}}

def resp(desc, schema=None):
    r = {"description": desc}
    if schema is not None:
        r["content"] = content(schema)
    return r

ERR = ref("Error")
VAL = ref("ValidationError")
COMMON = {"401": resp("no or wrong bearer token", ERR)}
NOTFOUND = {"404": resp("no such booking, or another tenant's: the two are indistinguishable", ERR)}
SEC = [{"apiKey": []}]
PUBLIC = []

def page_of(schema):
    return {"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": schema},
        "next": {"type": "string", "description": "cursor of the next page; absent on the last"}}}

PAGE_PARAMS = [
    {"name": "limit", "in": "query", "required": False, "description": "page size, 1 to 500 (default 50)",
     "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
    {"name": "after", "in": "query", "required": False, "description": "cursor from the previous page's next",
     "schema": {"type": "string"}},
]
WAIT = {"name": "wait", "in": "query", "required": False,
        "description": "wait up to this long (a duration such as 5s, or seconds; capped by the server, 30 s by default) "
                       "for every step to settle before answering; settled in the answer says whether they did",
        "schema": {"type": "string", "examples": ["5s"]}}
BOOKING_ID = {"name": "id", "in": "path", "required": True, "description": "the booking's id", "schema": {"type": "string"}}
WEBHOOK_ID = {"name": "id", "in": "path", "required": True, "description": "the webhook's id", "schema": {"type": "string"}}

def op(opid, summary, tag, responses, desc=None, security=SEC, body=None, params=None, body_required=True):
    o = {"operationId": opid, "summary": summary, "tags": [tag], "responses": responses}
    if desc:
        o["description"] = desc
    o["security"] = security
    if body is not None:
        o["requestBody"] = {"required": body_required, "content": content(body)}
    if params:
        o["parameters"] = params
    return o

def view_responses(code, desc, extra=None):
    r = {code: resp(desc, ref("BookingView")), "400": resp("malformed body or wait", ERR)}
    r.update(COMMON)
    r.update(NOTFOUND)
    if extra:
        r.update(extra)
    return r

paths = {
    "/api/bookings": {
        "get": op("listBookings", "List the tenant's bookings in creation order", "bookings",
                  dict({"200": resp("a page of bookings", page_of(ref("Booking"))), "400": resp("malformed request", ERR)}, **COMMON),
                  params=PAGE_PARAMS + [
                      {"name": "status", "in": "query", "required": False, "description": "only bookings with this status",
                       "schema": {"type": "string", "enum": ["accepted", "pending", "pending_payment", "cancelled", "rejected", "awaiting_host"]}},
                      {"name": "eventTypeId", "in": "query", "required": False, "description": "only bookings of this event type",
                       "schema": {"type": "string"}}]),
        "post": op("createBooking", "Create a booking and run its event type's apps", "bookings",
                   dict({"201": resp("the booking with each step's outcome (pending until its job ran)", ref("BookingView")),
                         "400": resp("malformed body or wait", ERR),
                         "409": resp("the tenant has a booking with this uid", ERR),
                         "415": resp("the body is not application/json", ERR),
                         "422": resp("the event does not match CalendarEvent, or the event type's payment settings are invalid", VAL)},
                        **COMMON),
                   desc="The event type's enabled app settings decide what runs, as Cal.com's EventManager does: "
                        "video.createMeeting when the location is a conferencing app's location type, calendar.createEvent "
                        "on the destination calendar, CRM contacts and event, payment.create when a payment app's settings "
                        "set a price (ON_BOOKING holds every other step until the provider's webhook reports the payment; "
                        "AFTER_BOOKING and HOLD confirm at once), analytics.track, automation.onTrigger and the tenant's "
                        "webhooks. Every step is a durable job, retried with backoff; its outcome is in apps.",
                   body=ref("NewBooking"), params=[WAIT]),
    },
    "/api/bookings/{id}": {
        "parameters": [BOOKING_ID],
        "get": op("showBooking", "A booking with its references, payments and each step's outcome", "bookings",
                  dict({"200": resp("the booking", ref("BookingView")), "400": resp("malformed wait", ERR)}, **dict(COMMON, **NOTFOUND)),
                  params=[WAIT]),
    },
    "/api/bookings/{id}/reschedule": {
        "parameters": [BOOKING_ID],
        "post": op("rescheduleBooking", "Move a booking; the apps update what they made", "bookings",
                   view_responses("200", "the booking, iCalSequence raised, with the update steps",
                                  {"409": resp("the booking is cancelled", ERR), "415": resp("the body is not application/json", ERR),
                                   "422": resp("missing or reversed times, or an invalid event", VAL)}),
                   desc="The iCalUID stays and iCalSequence grows; calendar.updateEvent, video.updateMeeting and "
                        "crm.updateEvent go through the stored references (an app whose create failed creates now); "
                        "BOOKING_RESCHEDULED goes out.",
                   body=ref("Reschedule"), params=[WAIT]),
    },
    "/api/bookings/{id}/cancel": {
        "parameters": [BOOKING_ID],
        "post": op("cancelBooking", "Cancel a booking; the apps delete what they made", "bookings",
                   view_responses("200", "the cancelled booking with the delete steps (a second cancel changes nothing)",
                                  {"415": resp("the body is not application/json", ERR)}),
                   body=ref("Cancel"), params=[WAIT], body_required=False),
    },
    "/api/bookings/{id}/replay": {
        "parameters": [BOOKING_ID],
        "post": op("replayBooking", "Run a booking's dead and failed steps again", "bookings",
                   view_responses("200", "the booking with the replayed steps pending",
                                  {"409": resp("no dead or failed step to replay", ERR), "415": resp("the body is not application/json", ERR)}),
                   desc="All of them, or those of one installation and optionally one step; each gets a fresh set of attempts.",
                   body=ref("Replay"), params=[WAIT], body_required=False),
    },
    "/api/bookings/{id}/capture": {
        "parameters": [BOOKING_ID],
        "post": op("captureBooking", "Charge the card a HOLD payment holds", "bookings",
                   view_responses("200", "the booking with the capture step (payment.update {capture: true}) and BOOKING_PAID",
                                  {"409": resp("no held payment", ERR)}),
                   params=[WAIT]),
    },
    "/api/dead-letters": {
        "get": op("listDeadLetters", "The tenant's dead steps (out of attempts), newest first", "bookings",
                  dict({"200": resp("a page of dead steps; replay them on their booking", page_of(ref("AppStatus"))),
                        "400": resp("malformed request", ERR)}, **COMMON), params=PAGE_PARAMS),
    },
    "/api/availability": {
        "get": op("availability", "Busy times of the tenant's calendars over a range", "availability",
                  dict({"200": resp("busy times merged and sorted; with partial=true, warnings name the calendars that failed", ref("Availability")),
                        "400": resp("missing or malformed from/to, or a range over 93 days", ERR),
                        "502": resp("a calendar failed (without partial=true): never a silent empty answer", ref("AvailabilityFailed"))},
                       **COMMON),
                  desc="Every selected calendar installation is asked at once, each within a time limit; answers are cached "
                       "per installation for a short time and dropped by the tenant's booking writes.",
                  params=[
                      {"name": "from", "in": "query", "required": True, "description": "start of the range (RFC 3339)", "schema": {"type": "string", "format": "date-time"}},
                      {"name": "to", "in": "query", "required": True, "description": "end of the range (RFC 3339)", "schema": {"type": "string", "format": "date-time"}},
                      {"name": "eventTypeId", "in": "query", "required": False,
                       "description": "only this event type's calendars, with their selectedCalendars settings; else every valid calendar installation",
                       "schema": {"type": "string"}},
                      {"name": "partial", "in": "query", "required": False, "description": "answer with the calendars that did answer, and warnings",
                       "schema": {"type": "boolean"}}]),
    },
    "/api/event-types/{eventTypeId}/tags": {
        "parameters": [{"name": "eventTypeId", "in": "path", "required": True, "description": "the event type", "schema": {"type": "string"}}],
        "get": op("eventTypeTags", "Tag scripts of the event type's analytics apps, for its booking page", "availability",
                  dict({"200": resp("scripts with the settings filled in; warnings say which were left out and why", ref("Tags"))}, **COMMON),
                  desc="Each {NAME} of a manifest's appData.tag script is filled from the app's settings; a script whose src is "
                       "not https on a host of the app's allowedHosts, or whose settings are missing or unsafe, is left out."),
    },
    "/api/webhooks": {
        "get": op("listWebhooks", "The tenant's webhooks", "webhooks",
                  dict({"200": resp("a page of webhooks", page_of(ref("Webhook"))), "400": resp("malformed request", ERR)}, **COMMON),
                  params=PAGE_PARAMS),
        "post": op("createWebhook", "Subscribe a URL to trigger events", "webhooks",
                   dict({"201": resp("the webhook; secret is shown here only, when generated", ref("CreatedWebhook")),
                         "400": resp("malformed body", ERR), "415": resp("the body is not application/json", ERR),
                         "422": resp("a URL the outbound policy refuses, an unknown trigger or a short secret", VAL)}, **COMMON),
                   desc="Deliveries are Cal.com's {triggerEvent, createdAt, payload}, signed with X-Cal-Signature-256 (hex "
                        "HMAC-SHA256 of the body) and the Standard Webhooks headers webhook-id, webhook-timestamp and "
                        "webhook-signature; retried with backoff; 3xx is a failure; 410 switches the webhook off.",
                   body=ref("NewWebhook")),
    },
    "/api/webhooks/{id}": {
        "parameters": [WEBHOOK_ID],
        "get": op("showWebhook", "A webhook", "webhooks", dict({"200": resp("the webhook", ref("Webhook"))}, **dict(COMMON, **NOTFOUND))),
        "patch": op("updateWebhook", "Change a webhook", "webhooks",
                    dict({"200": resp("the webhook", ref("Webhook")), "400": resp("malformed body", ERR),
                          "415": resp("the body is not application/json", ERR), "422": resp("an invalid change", VAL)},
                         **dict(COMMON, **NOTFOUND)), body=ref("NewWebhook")),
        "delete": op("deleteWebhook", "Delete a webhook and its delivery log", "webhooks",
                     dict({"204": resp("deleted")}, **dict(COMMON, **NOTFOUND))),
    },
    "/api/webhooks/{id}/deliveries": {
        "parameters": [WEBHOOK_ID],
        "get": op("listDeliveries", "A webhook's delivery log, newest first", "webhooks",
                  dict({"200": resp("a page of deliveries", page_of(ref("WebhookDelivery"))), "400": resp("malformed request", ERR)},
                       **dict(COMMON, **NOTFOUND)), params=PAGE_PARAMS),
    },
    "/api/webhooks/{id}/deliveries/{deliveryId}/replay": {
        "parameters": [WEBHOOK_ID, {"name": "deliveryId", "in": "path", "required": True, "description": "the delivery's id (its webhook-id header)", "schema": {"type": "string"}}],
        "post": op("replayDelivery", "Send a dead or failed delivery again", "webhooks",
                   dict({"200": resp("the delivery, pending again", ref("WebhookDelivery")),
                         "409": resp("the delivery is pending or delivered", ERR)}, **dict(COMMON, **NOTFOUND))),
    },
    "/api/calcom-hook": {
        "put": op("putCalcomHook", "Set the secret the tenant's Cal.com signs its webhooks with", "inbound",
                  dict({"200": resp("where to point Cal.com's webhook, and the secret when generated", ref("CalcomHookView")),
                        "400": resp("malformed body", ERR), "415": resp("the body is not application/json", ERR),
                        "422": resp("a secret under 16 bytes", VAL)}, **COMMON),
                  body=ref("CalcomHook"), body_required=False),
        "delete": op("deleteCalcomHook", "Stop accepting the tenant's Cal.com webhooks", "inbound",
                     dict({"204": resp("deleted"), "404": resp("no Cal.com hook", ERR)}, **COMMON)),
    },
    "/api/installations/{id}/webhook": {
        "parameters": [{"name": "id", "in": "path", "required": True, "description": "the payment installation's id", "schema": {"type": "string"}}],
        "post": op("inboundPayment", "A payment provider's webhook for an installation", "inbound",
                   {"200": resp("handled, or a duplicate of an event already handled, or nothing to do", ref("InboundResult")),
                    "400": resp("the app refused it (a bad signature): the code is the app's", ERR),
                    "404": resp("no such payment installation", ERR),
                    "413": resp("body over 256 KiB", ERR),
                    "503": resp("the app failed in a way that may pass; the provider should send it again", ERR)},
                   desc="No API key: the installation's app checks the provider's signature (payment.handleWebhook). A payment "
                        "that succeeded is marked paid, payment.afterPayment runs, then the steps the payment held, then "
                        "BOOKING_PAID. The provider's event is recorded in the same transaction: a redelivery does nothing.",
                   security=PUBLIC, body={"type": "string", "description": "the provider's raw body, passed to the app unchanged"}),
    },
    "/hooks/calcom/{tenantId}": {
        "parameters": [{"name": "tenantId", "in": "path", "required": True, "description": "the tenant whose Cal.com sends", "schema": {"type": "string"}}],
        "post": op("calcomHook", "A delivery of the tenant's Cal.com webhook", "inbound",
                   {"200": resp("what it did", ref("CalcomResult")),
                    "401": resp("X-Cal-Signature-256 does not match (or the tenant has no Cal.com hook)", ERR),
                    "413": resp("body over 1 MiB", ERR),
                    "422": resp("not a Cal.com webhook body, or a payload that is no CalendarEvent", VAL)},
                   desc="BOOKING_CREATED creates the booking (Cal.com took any payment), BOOKING_RESCHEDULED moves the booking "
                        "its rescheduleUid or iCalUID names, BOOKING_CANCELLED cancels, BOOKING_PAID marks it paid (creating "
                        "it when unknown), MEETING_STARTED and MEETING_ENDED raise the trigger; a redelivery changes nothing. "
                        "Cal.com's eventTypeId, as text, is the Slotbox event type.",
                   security=PUBLIC, body=ref("CalcomDelivery")),
    },
}

STR = {"type": "string"}
TIME = {"type": "string", "format": "date-time"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}

schemas = {
    "CalendarEvent": {"type": "object", "required": ["type", "title", "startTime", "endTime", "organizer", "attendees"],
                      "description": "Cal.com's CalendarEvent; the full schema is the slotbox/1 ABI's (abi/schema, the event of calendar.createEvent's input).",
                      "properties": {"type": STR, "title": STR, "startTime": TIME, "endTime": TIME, "uid": STR, "iCalUID": STR,
                                     "location": {"type": "string", "description": "an address, a link, or an app location such as integrations:daily"},
                                     "organizer": {"type": "object"}, "attendees": {"type": "array", "items": {"type": "object"}},
                                     "destinationCalendar": {"type": "array", "items": {"type": "object"}}},
                      "additionalProperties": True},
    "NewBooking": {"type": "object", "required": ["event"], "properties": {
        "eventTypeId": {"type": "string", "description": "the event type whose app settings decide what runs; none runs only the webhooks"},
        "event": ref("CalendarEvent")}},
    "Reschedule": {"type": "object", "properties": {"startTime": TIME, "endTime": TIME,
                   "event": {"allOf": [ref("CalendarEvent")], "description": "a whole new event (its uid and iCalUID are kept); its times are used when startTime and endTime are absent"}}},
    "Cancel": {"type": "object", "properties": {"cancellationReason": {"type": "string", "maxLength": 2000}}},
    "Replay": {"type": "object", "properties": {"installationId": {"type": "string", "description": "only this installation's steps"},
                                                 "step": {"type": "string", "description": "only this step, such as calendar.createEvent"}}},
    "Booking": {"type": "object", "required": ["id", "uid", "status", "event", "startTime", "endTime", "iCalSequence", "price", "paid"], "properties": {
        "id": STR, "tenantId": STR, "uid": STR, "eventTypeId": STR,
        "status": {"type": "string", "enum": ["accepted", "pending", "pending_payment", "cancelled", "rejected", "awaiting_host"]},
        "event": ref("CalendarEvent"), "startTime": TIME, "endTime": TIME, "iCalUID": STR, "iCalSequence": INT,
        "price": {"type": "integer", "description": "in the currency's smallest unit"}, "currency": STR, "paymentOption": STR, "paid": BOOL,
        "createdAt": TIME, "updatedAt": TIME}},
    "BookingReference": {"type": "object", "required": ["type", "uid", "deleted"], "properties": {
        "id": INT, "bookingId": STR, "installationId": STR, "type": STR, "uid": STR, "meetingId": STR, "meetingPassword": STR,
        "meetingUrl": STR, "externalCalendarId": STR, "credentialId": STR, "deleted": BOOL, "createdAt": TIME, "updatedAt": TIME}},
    "Payment": {"type": "object", "required": ["id", "amount", "currency", "status"], "properties": {
        "id": STR, "bookingId": STR, "installationId": STR, "externalId": STR, "amount": INT, "currency": STR, "paymentOption": STR,
        "status": {"type": "string", "enum": ["pending", "held", "paid", "failed", "refunded"]}, "data": {"type": "object"},
        "paidAt": TIME, "createdAt": TIME, "updatedAt": TIME}},
    "AppOutcome": {"type": "object", "required": ["installationId", "step", "status", "attempts"], "properties": {
        "installationId": STR, "app": STR,
        "step": {"type": "string", "examples": ["calendar.createEvent", "automation.onTrigger:BOOKING_CREATED"]},
        "status": {"type": "string", "enum": ["pending", "success", "error", "dead"],
                   "description": "pending (with the last error while retries remain), success, error (failed for good), dead (out of attempts; replayable)"},
        "state": {"type": "string", "enum": ["held", "planned", "queued", "settled"],
                  "description": "held waits for the payment, planned for earlier steps"},
        "errorCode": STR, "errorMessage": STR, "attempts": INT, "updatedAt": TIME}},
    "BookingView": {"type": "object", "required": ["booking", "settled", "apps", "references", "payments"], "properties": {
        "booking": ref("Booking"),
        "settled": {"type": "boolean", "description": "no step waits to run or runs (steps held for a payment do not count)"},
        "apps": {"type": "array", "items": ref("AppOutcome")},
        "references": {"type": "array", "items": ref("BookingReference")},
        "payments": {"type": "array", "items": ref("Payment")}}},
    "AppStatus": {"type": "object", "properties": {"id": INT, "bookingId": STR, "installationId": STR, "step": STR, "status": STR,
                                                    "errorCode": STR, "errorMessage": STR, "attempts": INT, "updatedAt": TIME}},
    "BusyTime": {"type": "object", "required": ["start", "end", "installationId"], "properties": {"start": TIME, "end": TIME, "installationId": STR, "app": STR}},
    "CalendarFailure": {"type": "object", "required": ["installationId", "code", "message"], "properties": {"installationId": STR, "app": STR, "code": STR, "message": STR}},
    "Availability": {"type": "object", "required": ["busy"], "properties": {"busy": {"type": "array", "items": ref("BusyTime")},
                                                                            "warnings": {"type": "array", "items": ref("CalendarFailure")}}},
    "AvailabilityFailed": {"type": "object", "required": ["code", "message", "failures"], "properties": {
        "code": {"type": "string", "const": "CALENDAR_UNAVAILABLE"}, "message": STR, "failures": {"type": "array", "items": ref("CalendarFailure")}}},
    "TagScript": {"type": "object", "required": ["installationId"], "properties": {"installationId": STR, "app": STR, "src": STR, "content": STR,
                                                                                   "attrs": {"type": "object", "additionalProperties": STR}}},
    "Tags": {"type": "object", "required": ["scripts"], "properties": {"scripts": {"type": "array", "items": ref("TagScript")},
                                                                       "warnings": {"type": "array", "items": STR}}},
    "Webhook": {"type": "object", "required": ["id", "subscriberUrl", "eventTriggers", "active", "hasSecret"], "properties": {
        "id": STR, "tenantId": STR, "subscriberUrl": STR, "eventTriggers": {"type": "array", "items": STR}, "active": BOOL,
        "hasSecret": BOOL, "createdAt": TIME, "updatedAt": TIME}},
    "NewWebhook": {"type": "object", "properties": {
        "subscriberUrl": {"type": "string", "description": "checked against the same outbound policy as apps' requests"},
        "eventTriggers": {"type": "array", "items": {"type": "string", "examples": ["BOOKING_CREATED", "MEETING_ENDED"]}},
        "active": {"type": "boolean", "default": True},
        "secret": {"type": "string", "minLength": 16, "description": "signs deliveries; a whsec_ secret is generated when absent"}}},
    "CreatedWebhook": {"allOf": [ref("Webhook"), {"type": "object", "properties": {"secret": {"type": "string", "description": "the generated secret, shown once"}}}]},
    "WebhookDelivery": {"type": "object", "required": ["id", "webhookId", "triggerEvent", "status", "attempts"], "properties": {
        "id": {"type": "string", "description": "also the webhook-id header"}, "webhookId": STR, "triggerEvent": STR,
        "payload": {"type": "string", "contentEncoding": "base64", "description": "the exact body signed"},
        "status": {"type": "string", "enum": ["pending", "success", "error", "dead"]}, "attempts": INT, "responseStatus": INT,
        "error": STR, "createdAt": TIME, "deliveredAt": TIME}},
    "InboundResult": {"type": "object", "required": ["received"], "properties": {"received": BOOL, "duplicate": BOOL, "ignored": STR,
                                                                                 "bookingId": STR, "paymentStatus": STR}},
    "CalcomHook": {"type": "object", "properties": {"secret": {"type": "string", "minLength": 16, "description": "the secret entered in Cal.com; generated when absent"}}},
    "CalcomHookView": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string", "examples": ["/hooks/calcom/ten_..."]},
                                                                            "secret": {"type": "string", "description": "the generated secret, shown once"}}},
    "CalcomDelivery": {"type": "object", "required": ["triggerEvent", "payload"], "properties": {
        "triggerEvent": STR, "createdAt": STR, "payload": {"type": "object", "description": "Cal.com's CalendarEvent with its webhook fields (uid, rescheduleUid, iCalUID, eventTypeId, ...)"}}},
    "CalcomResult": {"type": "object", "required": ["triggerEvent", "action"], "properties": {
        "triggerEvent": STR, "action": {"type": "string", "enum": ["created", "rescheduled", "cancelled", "paid", "meeting", "duplicate", "ignored"]},
        "bookingId": STR, "reason": STR}},
}

tags = [{"name": "bookings"}, {"name": "availability"}, {"name": "webhooks"}, {"name": "inbound"}]

for k, v in paths.items():
    doc["paths"][k] = v
for k, v in schemas.items():
    doc["components"]["schemas"][k] = v
names = [t["name"] for t in doc["tags"]]
for t in tags:
    if t["name"] not in names:
        doc["tags"].append(t)
open(PATH, "w").write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
