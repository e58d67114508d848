// Notes: one plaintext note per booking on each contact's person record.
// Attio's notes cannot be edited, so an update writes new notes and deletes
// the old ones.
import { Value, Writer, Result, CalendarEvent, Person } from "@slotbox/guest-sdk";
import { call, succeeded, answered, jsonObject, failure, badResponse, validId } from "./api";

// Caps on what a note carries.
const MAX_TITLE = 200;
const MAX_FIELD = 4000;

function cap(s: string, n: i32): string {
  return s.length > n ? s.slice(0, n) + "…" : s;
}

function who(p: Person): string {
  if (p.name.length == 0) return p.email;
  return p.email.length == 0 ? p.name : p.name + " <" + p.email + ">";
}

/** The note's title: the booking's title. */
export function noteTitle(event: CalendarEvent): string {
  const t = event.title.trim();
  return cap(t.length > 0 ? t : "Booking", MAX_TITLE);
}

/** The note's plaintext body: when, who, where and what of the booking. */
export function noteContent(event: CalendarEvent): string {
  const lines = new Array<string>();
  lines.push("When: " + event.startTime + " to " + event.endTime);
  lines.push("Organizer: " + who(event.organizer));
  if (event.attendees.length > 0) {
    const names = new Array<string>();
    for (let i = 0; i < event.attendees.length; i++) names.push(who(event.attendees[i]));
    lines.push("Attendees: " + cap(names.join(", "), MAX_FIELD));
  }
  const video = event.raw.get("videoCallData").get("url").asString();
  if (video.length > 0) lines.push("Video: " + cap(video, MAX_FIELD));
  const location = event.location;
  if (location !== null && location.length > 0 && !location.startsWith("integrations:")) lines.push("Location: " + cap(location, MAX_FIELD));
  const description = event.description;
  if (description !== null && description.length > 0) lines.push("Description: " + cap(description, MAX_FIELD));
  const notes = event.additionalNotes;
  if (notes !== null && notes.length > 0) lines.push("Additional notes: " + cap(notes, MAX_FIELD));
  const uid = event.uid;
  if (uid !== null && uid.length > 0) lines.push("Booking: " + cap(uid, 200));
  return lines.join("\n");
}

/** A note created (its id), or the error envelope. */
export class NoteResult {
  noteId: string = "";
  failed: Result | null = null;
}

/** Creates a note on record recordId of object parent. */
export function createNote(parent: string, recordId: string, title: string, content: string): NoteResult {
  const out = new NoteResult();
  const w = new Writer(256 + content.length);
  w.beginObject().key("data").beginObject();
  w.keyString("parent_object", parent).keyString("parent_record_id", recordId);
  w.keyString("title", title).keyString("format", "plaintext").keyString("content", content);
  w.endObject().endObject();
  const resp = call("POST", "/notes", w.toString());
  if (!succeeded(resp)) {
    out.failed = failure("create note on " + parent + " " + recordId, resp);
    return out;
  }
  const body = jsonObject(resp);
  const id = body !== null ? body.get("data").get("id").get("note_id").asString() : "";
  if (!validId(id)) {
    out.failed = badResponse("create note", "the answer has no note id");
    return out;
  }
  out.noteId = id;
  return out;
}

/** A note read back: its parent, or gone, or the error envelope. */
export class NoteParent {
  parentObject: string = "";
  recordId: string = "";
  gone: bool = false;
  failed: Result | null = null;
}

/** Reads the parent record of note id. */
export function noteParent(id: string): NoteParent {
  const out = new NoteParent();
  const resp = call("GET", "/notes/" + id);
  if (answered(resp, 404)) {
    out.gone = true;
    return out;
  }
  if (!succeeded(resp)) {
    out.failed = failure("read note " + id, resp);
    return out;
  }
  const body = jsonObject(resp);
  const data = body !== null ? body.get("data") : Value.MISSING;
  out.parentObject = data.get("parent_object").asString();
  out.recordId = data.get("parent_record_id").asString();
  if (!validSlug(out.parentObject) || !validId(out.recordId)) out.failed = badResponse("read note " + id, "the answer has no parent record");
  return out;
}

/** Deletes note id; a note already gone counts as deleted. Returns the error envelope or null. */
export function deleteNote(id: string): Result | null {
  const resp = call("DELETE", "/notes/" + id);
  if (succeeded(resp) || answered(resp, 404)) return null;
  return failure("delete note " + id, resp);
}

// validSlug accepts an object slug or id: letters, digits, '_' and '-'.
function validSlug(s: string): bool {
  const n = s.length;
  if (n == 0 || n > 64) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c == 0x5f || c == 0x2d;
    if (!ok) return false;
  }
  return true;
}
