// daily: a Slotbox conferencing app that gives each booking its own Daily
// video room (https://docs.daily.co/reference/rest-api), as Cal.com's
// Cal Video does:
//
//   video.createMeeting   POST /v1/rooms, a public room that expires 14 days
//                         after the booking ends
//   video.updateMeeting   POST /v1/rooms/{name} with the new expiry; a room
//                         that is gone is created again
//   video.deleteMeeting   DELETE /v1/rooms/{name}; a room already gone counts
//                         as deleted
//   video.getAvailability []: rooms never make anyone busy
//   app.checkKeys         GET /v1/ (the domain's configuration)
//
// Daily names the room (a random string); its name is the meeting id and its
// URL the meeting link. The app holds no state and never sees the API key.
import {
  register,
  ok,
  okEmpty,
  error,
  Result,
  Value,
  Writer,
  VideoCallData,
  CalendarEvent,
  VideoUpdateMeetingInput,
  UidInput,
  CheckKeysResult,
  EventBusyDate,
  log,
  LogLevel,
  INVALID_INPUT,
} from "@slotbox/guest-sdk";
import { call, failure, jsonObject, succeeded, BAD_RESPONSE } from "./api";
import { parseTime, BAD_TIME } from "./time";
export * from "@slotbox/guest-sdk/assembly/exports";

/** VideoCallData.type: the app's Cal.com type. */
const VIDEO_TYPE = "daily_video";

/** How long a room outlives its booking, as Cal.com's Cal Video keeps it. */
const EXPIRY_BUFFER_SECONDS: i64 = 14 * 24 * 60 * 60;

// Daily room names are letters, digits, '-' and '_'; checking them keeps a
// name from the host or from Daily from changing a request's path.
const MAX_ROOM_NAME = 128;

function validRoomName(name: string): bool {
  const n = name.length;
  if (n == 0 || n > MAX_ROOM_NAME) return false;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c == 0x2d || c == 0x5f;
    if (!ok) return false;
  }
  return true;
}

// expiry is the room's exp for event: its end plus the buffer, or BAD_TIME.
function expiry(event: CalendarEvent): i64 {
  const end = parseTime(event.endTime);
  return end == BAD_TIME ? BAD_TIME : end + EXPIRY_BUFFER_SECONDS;
}

// roomBody is the POST /rooms body of a new room.
function roomBody(exp: i64): string {
  const w = new Writer(192);
  w.beginObject().keyString("privacy", "public").key("properties").beginObject();
  w.keyInt("exp", exp);
  w.keyBool("enable_prejoin_ui", true);
  w.keyBool("enable_screenshare", true);
  w.keyBool("enable_chat", true);
  w.endObject().endObject();
  return w.toString();
}

// room turns Daily's room object into the meeting's VideoCallData.
function room(op: string, body: Value | null): Result {
  if (body === null) return error(BAD_RESPONSE, "daily: " + op + ": the answer is not a JSON object");
  const name = body.get("name").asString();
  const url = body.get("url").asString();
  if (!validRoomName(name)) return error(BAD_RESPONSE, "daily: " + op + ": the answer has no valid room name");
  if (!url.startsWith("https://") || url.length > 2048) return error(BAD_RESPONSE, "daily: " + op + ": the answer has no https room url");
  return ok(new VideoCallData(VIDEO_TYPE, name, "", url));
}

function createRoom(exp: i64): Result {
  const resp = call("POST", "/rooms", roomBody(exp));
  if (!succeeded(resp)) return failure("create room", resp);
  return room("create room", jsonObject(resp));
}

register("video.createMeeting", (input: Value): Result => {
  const event = CalendarEvent.read(input.get("event"));
  const exp = expiry(event);
  if (exp == BAD_TIME) return error(INVALID_INPUT, "event.endTime is not an RFC 3339 date-time");
  return createRoom(exp);
});

register("video.updateMeeting", (input: Value): Result => {
  const req = VideoUpdateMeetingInput.read(input);
  const ref = req.bookingRef;
  const meetingId = ref.meetingId;
  const name = meetingId !== null && meetingId.length > 0 ? meetingId : ref.uid;
  if (!validRoomName(name)) return error(INVALID_INPUT, "bookingRef names no Daily room (letters, digits, - and _)");
  const exp = expiry(req.event);
  if (exp == BAD_TIME) return error(INVALID_INPUT, "event.endTime is not an RFC 3339 date-time");
  const w = new Writer(64);
  w.beginObject().key("properties").beginObject().keyInt("exp", exp).endObject().endObject();
  const resp = call("POST", "/rooms/" + name, w.toString());
  if (resp.error === null && resp.status == 404) {
    // The room was deleted (or expired and was cleaned up): the booking
    // still needs one, so it gets a new room.
    log(LogLevel.Warn, "daily: room " + name + " is gone; creating a new one");
    return createRoom(exp);
  }
  if (!succeeded(resp)) return failure("update room " + name, resp);
  return room("update room " + name, jsonObject(resp));
});

register("video.deleteMeeting", (input: Value): Result => {
  const name = UidInput.read(input).uid;
  if (!validRoomName(name)) return error(INVALID_INPUT, "uid is not a Daily room name (letters, digits, - and _)");
  const resp = call("DELETE", "/rooms/" + name);
  if (succeeded(resp)) return okEmpty();
  if (resp.error === null && resp.status == 404) return okEmpty(); // already gone
  return failure("delete room " + name, resp);
});

register("video.getAvailability", (input: Value): Result => ok(new Array<EventBusyDate>()));

register("app.checkKeys", (input: Value): Result => {
  const resp = call("GET", "/");
  if (succeeded(resp)) {
    const body = jsonObject(resp);
    const domain = body !== null ? body.get("domain_name").asString() : "";
    return ok(new CheckKeysResult(true, domain.length > 0 ? "Daily domain " + domain : null));
  }
  // A key Daily refuses is an answer, not a failure of the check.
  if (resp.error === null && resp.status == 401) return ok(new CheckKeysResult(false, "Daily refused the API key (401 authentication-error)"));
  if (resp.error === null && resp.status == 403) return ok(new CheckKeysResult(false, "the API key may not read the Daily domain (403)"));
  return failure("check keys", resp);
});
