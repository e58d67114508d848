// People records: looked up by email, created when missing.
import { Value, Writer, Result, ContactCreateInput } from "@slotbox/guest-sdk";
import { call, succeeded, answered, jsonObject, failure, badResponse, validId } from "./api";

/** Contact.recordType of every contact: Attio's people object. */
export const RECORD_TYPE = "people";

// Emails per query: one $or filter of this many conditions.
const QUERY_CHUNK = 50;

/** A person record: its id and its email addresses, lower-cased. */
export class Person {
  emails: string[] = [];
  constructor(public recordId: string) {}

  /** Whether the record holds email (given lower-cased). */
  has(email: string): bool {
    return this.emails.includes(email);
  }
}

/** People found, or the error envelope that stopped the search. */
export class Lookup {
  people: Person[] = [];
  failed: Result | null = null;

  /** The person holding email (lower-cased), or null. */
  find(email: string): Person | null {
    for (let i = 0; i < this.people.length; i++) {
      if (this.people[i].has(email)) return this.people[i];
    }
    return null;
  }
}

/** A person created (or found), or the error envelope. */
export class Created {
  person: Person | null = null;
  failed: Result | null = null;
}

/** Lower-cases and trims an email for comparison (Attio stores them normalised). */
export function normalEmail(email: string): string {
  return email.trim().toLowerCase();
}

// readPerson reads a record object; null when it has no valid record id.
function readPerson(rec: Value): Person | null {
  const id = rec.get("id").get("record_id").asString();
  if (!validId(id)) return null;
  const p = new Person(id);
  const emails = rec.get("values").get("email_addresses");
  for (let i = 0; i < emails.length; i++) {
    const e = emails.at(i).get("email_address").asString();
    if (e.length > 0) p.emails.push(normalEmail(e));
  }
  return p;
}

// queryBody filters people whose email_addresses include any of emails.
function queryBody(emails: string[]): string {
  const w = new Writer(64 + emails.length * 80);
  w.beginObject().key("filter").beginObject().key("$or").beginArray();
  for (let i = 0; i < emails.length; i++) {
    w.beginObject().key("email_addresses").beginObject().key("email_address").beginObject();
    w.keyString("$eq", emails[i]);
    w.endObject().endObject().endObject();
  }
  w.endArray().endObject();
  w.keyInt("limit", emails.length * 2);
  w.endObject();
  return w.toString();
}

/** Finds the people records holding any of emails (normalised, no repeats). */
export function findPeople(emails: string[]): Lookup {
  const l = new Lookup();
  for (let start = 0; start < emails.length; start += QUERY_CHUNK) {
    const end = min(start + QUERY_CHUNK, emails.length);
    const resp = call("POST", "/objects/people/records/query", queryBody(emails.slice(start, end)));
    if (!succeeded(resp)) {
      l.failed = failure("query people", resp);
      return l;
    }
    const body = jsonObject(resp);
    const data = body !== null ? body.get("data") : Value.MISSING;
    if (!data.isArray) {
      l.failed = badResponse("query people", "the answer has no data array");
      return l;
    }
    for (let i = 0; i < data.length; i++) {
      const p = readPerson(data.at(i));
      if (p === null) {
        l.failed = badResponse("query people", "a record has no valid id");
        return l;
      }
      l.people.push(p);
    }
  }
  return l;
}

// personBody is the POST body of a new person: the email and the name,
// split at the first space into first and last name.
function personBody(email: string, name: string): string {
  const w = new Writer(256);
  w.beginObject().key("data").beginObject().key("values").beginObject();
  w.key("email_addresses").beginArray().string(email).endArray();
  const full = name.trim();
  if (full.length > 0) {
    const space = full.indexOf(" ");
    const first = space < 0 ? full : full.slice(0, space);
    const last = space < 0 ? "" : full.slice(space + 1).trim();
    w.key("name").beginArray().beginObject();
    w.keyString("first_name", first).keyString("last_name", last).keyString("full_name", full);
    w.endObject().endArray();
  }
  w.endObject().endObject().endObject();
  return w.toString();
}

/**
 * Creates the person c. When Attio answers 409 (the email belongs to a
 * record already, e.g. created since the lookup), that record is used.
 */
export function createPerson(c: ContactCreateInput): Created {
  const out = new Created();
  const email = normalEmail(c.email);
  const resp = call("POST", "/objects/people/records", personBody(c.email.trim(), c.name));
  if (answered(resp, 409)) {
    const l = findPeople([email]);
    if (l.failed !== null) {
      out.failed = l.failed;
      return out;
    }
    out.person = l.find(email);
    if (out.person === null) out.failed = failure("create person", resp);
    return out;
  }
  if (!succeeded(resp)) {
    out.failed = failure("create person", resp);
    return out;
  }
  const body = jsonObject(resp);
  const p = body !== null ? readPerson(body.get("data")) : null;
  if (p === null) {
    out.failed = badResponse("create person", "the answer has no record id");
    return out;
  }
  out.person = p;
  return out;
}
