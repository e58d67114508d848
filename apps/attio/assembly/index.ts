// attio: a Slotbox CRM app that records bookings in Attio
// (https://docs.attio.com/rest-api), the way Cal.com's CRM apps do:
//
//   crm.getContacts     POST /v2/objects/people/records/query, an $or of
//                       email_addresses filters
//   crm.createContacts  POST /v2/objects/people/records for each missing
//                       person (409: the existing record is used)
//   crm.createEvent     POST /v2/notes: a plaintext note on each contact's
//                       person record; CrmEvent.id lists the note ids
//   crm.updateEvent     notes cannot be edited: GET each note for its record,
//                       POST a new note, DELETE the old one
//   crm.deleteEvent     DELETE /v2/notes/{id} for each note (404 is done)
//   app.checkKeys       GET /v2/self: active, with the scopes the app needs
//
// The app holds no state and never sees the API key.
import {
  register,
  ok,
  okEmpty,
  error,
  parse,
  Result,
  Value,
  Writer,
  Contact,
  CrmEvent,
  CheckKeysResult,
  CRMGetContactsInput,
  CRMCreateContactsInput,
  CRMCreateEventInput,
  CRMUpdateEventInput,
  UidInput,
  ContactCreateInput,
  log,
  LogLevel,
  INVALID_INPUT,
} from "@slotbox/guest-sdk";
import { call, succeeded, answered, jsonObject, failure, validId, NOT_FOUND } from "./api";
import { RECORD_TYPE, findPeople, createPerson, normalEmail } from "./people";
import { noteTitle, noteContent, createNote, noteParent, deleteNote } from "./notes";
export * from "@slotbox/guest-sdk/assembly/exports";

/** CrmEvent.type: the app's Cal.com type. */
const CRM_TYPE = "attio_other_calendar";

// Caps on one call's work.
const MAX_EMAILS = 500;
const MAX_CONTACTS = 100;
const MAX_NOTES = 25;
const MAX_EMAIL = 320;

/** The scopes the app needs; a read-write grant covers a read one. */
const NEEDED_SCOPES = ["record_permission:read-write", "object_configuration:read", "note:read-write"];

// ------------------------------------------------------------------ contacts

register("crm.getContacts", (input: Value): Result => {
  const emails = CRMGetContactsInput.read(input).emails;
  if (emails.length > MAX_EMAILS) return error(INVALID_INPUT, "at most " + MAX_EMAILS.toString() + " emails per call");
  const unique = new Array<string>();
  for (let i = 0; i < emails.length; i++) {
    const e = normalEmail(emails[i]);
    if (e.length > 0 && e.length <= MAX_EMAIL && !unique.includes(e)) unique.push(e);
  }
  const out = new Array<Contact>();
  if (unique.length == 0) return ok(out);
  const found = findPeople(unique);
  if (found.failed !== null) return found.failed!;
  const seen = new Array<string>();
  for (let i = 0; i < emails.length; i++) {
    const e = normalEmail(emails[i]);
    if (seen.includes(e)) continue;
    seen.push(e);
    const p = found.find(e);
    if (p !== null) out.push(new Contact(p.recordId, emails[i].trim(), null, null, RECORD_TYPE));
  }
  return ok(out);
});

register("crm.createContacts", (input: Value): Result => {
  const contacts = CRMCreateContactsInput.read(input).contacts;
  if (contacts.length > MAX_CONTACTS) return error(INVALID_INPUT, "at most " + MAX_CONTACTS.toString() + " contacts per call");
  // Check everything before writing anything.
  const todo = new Array<ContactCreateInput>();
  const seen = new Array<string>();
  for (let i = 0; i < contacts.length; i++) {
    const email = normalEmail(contacts[i].email);
    const at = email.indexOf("@");
    if (at <= 0 || at == email.length - 1 || email.length > MAX_EMAIL || email.includes(" ")) {
      return error(INVALID_INPUT, "contacts[" + i.toString() + "].email is not an email address");
    }
    if (seen.includes(email)) continue;
    seen.push(email);
    todo.push(contacts[i]);
  }
  const out = new Array<Contact>();
  for (let i = 0; i < todo.length; i++) {
    const c = createPerson(todo[i]);
    if (c.failed !== null) return c.failed!;
    out.push(new Contact(c.person!.recordId, todo[i].email.trim(), null, null, RECORD_TYPE));
  }
  return ok(out);
});

// --------------------------------------------------------------------- notes

// noteIds splits a CrmEvent id into its note ids; null when it is not one.
function noteIds(uid: string): string[] | null {
  const ids = uid.split(",");
  if (ids.length > MAX_NOTES) return null;
  for (let i = 0; i < ids.length; i++) {
    if (!validId(ids[i])) return null;
  }
  return ids;
}

// crmEvent is the CrmEvent of a booking's notes on records (in step).
function crmEvent(notes: string[], records: string[]): Result {
  const e = new CrmEvent(notes.join(","));
  e.type = CRM_TYPE;
  const w = new Writer(64 + notes.length * 96);
  w.beginObject().key("notes").beginArray();
  for (let i = 0; i < notes.length; i++) {
    w.beginObject().keyString("noteId", notes[i]).keyString("recordId", records[i]).endObject();
  }
  w.endArray().endObject();
  e.additionalInfo = parse(w.toString()).value!;
  return ok(e);
}

// undo deletes notes written before a failure, so a retry leaves no copies.
function undo(notes: string[]): void {
  for (let i = 0; i < notes.length; i++) {
    if (deleteNote(notes[i]) !== null) log(LogLevel.Warn, "attio: could not remove note " + notes[i] + " after a failure");
  }
}

register("crm.createEvent", (input: Value): Result => {
  const req = CRMCreateEventInput.read(input);
  const records = new Array<string>();
  for (let i = 0; i < req.contacts.length; i++) {
    const id = req.contacts[i].id;
    if (!validId(id)) return error(INVALID_INPUT, "contacts[" + i.toString() + "].id is not an Attio record id");
    if (!records.includes(id)) records.push(id);
  }
  if (records.length == 0) return error(INVALID_INPUT, "contacts is empty: no person to note the booking on");
  if (records.length > MAX_NOTES) return error(INVALID_INPUT, "at most " + MAX_NOTES.toString() + " contacts per booking");
  const title = noteTitle(req.event);
  const content = noteContent(req.event);
  const notes = new Array<string>();
  for (let i = 0; i < records.length; i++) {
    const n = createNote(RECORD_TYPE, records[i], title, content);
    if (n.failed !== null) {
      undo(notes);
      return n.failed!;
    }
    notes.push(n.noteId);
  }
  return crmEvent(notes, records);
});

register("crm.updateEvent", (input: Value): Result => {
  const req = CRMUpdateEventInput.read(input);
  const old = noteIds(req.uid);
  if (old === null) return error(INVALID_INPUT, "uid is not a list of Attio note ids");
  const title = noteTitle(req.event);
  const content = noteContent(req.event);
  const notes = new Array<string>();
  const records = new Array<string>();
  const replaced = new Array<string>();
  for (let i = 0; i < old.length; i++) {
    const parent = noteParent(old[i]);
    if (parent.gone) {
      log(LogLevel.Warn, "attio: note " + old[i] + " is gone; it is not rewritten");
      continue;
    }
    if (parent.failed !== null) {
      undo(notes);
      return parent.failed!;
    }
    const n = createNote(parent.parentObject, parent.recordId, title, content);
    if (n.failed !== null) {
      undo(notes);
      return n.failed!;
    }
    notes.push(n.noteId);
    records.push(parent.recordId);
    replaced.push(old[i]);
  }
  if (notes.length == 0) return error(NOT_FOUND, "attio: none of the booking's notes is left to update");
  // The new notes stand; an old one that cannot be deleted now is a stale
  // copy, not a failed update.
  for (let i = 0; i < replaced.length; i++) {
    const failed = deleteNote(replaced[i]);
    if (failed !== null) log(LogLevel.Warn, "attio: old note " + replaced[i] + " was left: " + failed.toString());
  }
  return crmEvent(notes, records);
});

register("crm.deleteEvent", (input: Value): Result => {
  const ids = noteIds(UidInput.read(input).uid);
  if (ids === null) return error(INVALID_INPUT, "uid is not a list of Attio note ids");
  for (let i = 0; i < ids.length; i++) {
    const failed = deleteNote(ids[i]);
    if (failed !== null) return failed;
  }
  return okEmpty();
});

// ---------------------------------------------------------------------- keys

// hasScope reports whether the space-separated scopes grant want; a
// read-write grant covers the read scope of the same name.
function hasScope(scopes: string[], want: string): bool {
  if (scopes.includes(want)) return true;
  return want.endsWith(":read") && scopes.includes(want + "-write");
}

register("app.checkKeys", (input: Value): Result => {
  const resp = call("GET", "/self");
  if (answered(resp, 401)) return ok(new CheckKeysResult(false, "Attio refused the API key (401)"));
  if (!succeeded(resp)) return failure("check keys", resp);
  const body = jsonObject(resp);
  if (body === null || !body.get("active").isBool) return failure("check keys", resp);
  if (!body.get("active").asBool()) return ok(new CheckKeysResult(false, "Attio says the API key is not active"));
  const scopeText = body.get("scope");
  if (scopeText.isString) {
    const scopes = scopeText.text.split(" ");
    const missing = new Array<string>();
    for (let i = 0; i < NEEDED_SCOPES.length; i++) {
      if (!hasScope(scopes, NEEDED_SCOPES[i])) missing.push(NEEDED_SCOPES[i]);
    }
    if (missing.length > 0) return ok(new CheckKeysResult(false, "the API key lacks the scopes " + missing.join(", ")));
  }
  const workspace = body.get("workspace_name").asString();
  return ok(new CheckKeysResult(true, workspace.length > 0 ? "Attio workspace " + workspace : null));
});
