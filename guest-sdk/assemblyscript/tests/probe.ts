// probe: a test-only module that exposes SDK internals as methods, so the
// node tests (json.test.mjs) can check the reader, writer and types in wasm.
import {
  register,
  ok,
  error,
  Result,
  Value,
  Writer,
  parse,
  base64Decode,
  CalendarCreateEventInput,
  NewCalendarEventType,
  EventBusyDate,
  IntegrationCalendar,
  Contact,
  CrmEvent,
  PaymentCreateInput,
  PaymentCreateResult,
  CheckKeysResult,
  methodName,
} from "../index";
export * from "../assembly/exports";

register("probe.echo", (input: Value): Result => ok(input));

register("probe.int", (input: Value): Result => {
  const v = input.get("n");
  const w = new Writer();
  w.beginObject().keyBool("isInteger", v.isInteger).keyString("value", v.asInt(-7).toString()).endObject();
  return ok(w);
});

register("probe.float", (input: Value): Result => {
  const w = new Writer();
  w.beginObject().keyFloat("value", input.get("n").asFloat()).endObject();
  return ok(w);
});

register("probe.method", (input: Value): Result => ok(methodName()));

register("probe.writer", (input: Value): Result => {
  const name = input.get("case").asString();
  const w = new Writer();
  if (name == "object") {
    w.beginObject();
    w.keyString("s", 'a"b\\c\n\x01\x1f\u00e9\u{1F600}');
    w.keyInt("i", i64.MIN_VALUE);
    w.keyBool("b", false);
    w.key("n").null();
    w.key("a").beginArray().int(0).string(null).float(0.1).float(1e21).float(-2.5).raw(' {"r":[1]} ').endArray();
    w.endObject();
  } else if (name == "lone surrogates") {
    w.string(String.fromCharCode(0xd800) + "x" + String.fromCharCode(0xdc00) + String.fromCharCode(0xd83d));
  } else if (name == "base64") {
    const b = new Uint8Array(5);
    b[0] = 0x66;
    b[1] = 0x6f;
    b[2] = 0x6f;
    b[3] = 0xfb;
    b[4] = 0xff;
    w.beginArray().base64(b.dataStart, 0).base64(b.dataStart, 1).base64(b.dataStart, 2).base64(b.dataStart, 3).base64(b.dataStart + 3, 2).endArray();
  } else if (name == "value without key") {
    w.beginObject().int(1);
  } else if (name == "key in array") {
    w.beginArray().key("k");
  } else if (name == "two values") {
    w.int(1).int(2);
  } else if (name == "unbalanced") {
    w.beginArray().endObject();
  } else if (name == "unclosed") {
    w.beginArray();
  } else if (name == "dangling key") {
    w.beginObject().key("k").endObject();
  } else if (name == "NaN") {
    w.float(NaN);
  } else if (name == "infinity") {
    w.float(-Infinity);
  } else if (name == "bad raw") {
    w.raw("{nope}");
  } else if (name == "too deep") {
    for (let i = 0; i < 129; i++) w.beginArray();
  } else if (name == "max depth") {
    for (let i = 0; i < 128; i++) w.beginArray();
    for (let i = 0; i < 128; i++) w.endArray();
  } else if (name == "nothing") {
    // nothing written
  } else {
    return error("INVALID_INPUT", "unknown case " + name);
  }
  const out = new Writer();
  out.beginObject().keyBool("ok", w.ok).keyString("error", w.error);
  out.keyString("json", w.ok ? w.toString() : null);
  out.endObject();
  return ok(out);
});

register("probe.base64", (input: Value): Result => {
  const bytes = base64Decode(input.get("s").asString());
  if (bytes === null) return ok<string | null>(null);
  const arr = new Array<i32>();
  for (let i = 0; i < bytes.length; i++) arr.push(bytes[i]);
  return ok(arr);
});

register("probe.parse", (input: Value): Result => {
  const r = parse(input.get("text").asString());
  const w = new Writer();
  w.beginObject().keyBool("ok", r.ok).keyString("error", r.error).keyInt("offset", r.offset);
  if (r.ok) w.keyValue("value", r.value!);
  w.endObject();
  return ok(w);
});

// probe.types reads Cal.com inputs with the typed classes and writes the typed results.
register("probe.types", (input: Value): Result => {
  const c = CalendarCreateEventInput.read(input);
  const e = c.event;
  const out = new Writer();
  out.beginObject();
  out.keyString("title", e.title).keyString("type", e.type).keyString("startTime", e.startTime).keyString("endTime", e.endTime);
  out.keyString("organizer", e.organizer.name + " <" + e.organizer.email + "> " + e.organizer.timeZone + " " + e.organizer.locale);
  out.keyInt("attendees", e.attendees.length);
  out.keyString("firstAttendee", e.attendees.length > 0 ? e.attendees[0].email : "");
  out.keyString("uid", e.uid);
  out.keyString("location", e.location);
  out.keyInt("length", e.length);
  out.keyString("externalCalendarId", c.externalCalendarId);
  out.keyValue("rawCustom", e.raw.get("customInputs"));
  const n = new NewCalendarEventType();
  n.uid = e.uid !== null ? e.uid! : "";
  n.id = "ev-1";
  n.type = "probe_calendar";
  n.iCalUID = e.iCalUID;
  out.key("newEvent");
  n.write(out);
  out.key("busy").beginArray();
  new EventBusyDate("2025-01-01T10:00:00Z", "2025-01-01T11:00:00Z").write(out);
  new EventBusyDate("2025-01-02T10:00:00Z", "2025-01-02T11:00:00Z", "work").write(out);
  out.endArray();
  const cal = new IntegrationCalendar();
  cal.externalId = "https://dav.example/cal/1/";
  cal.primary = true;
  cal.name = "Work";
  out.key("calendar");
  cal.write(out);
  out.key("contact");
  new Contact("c1", "a@example.com", null, "owner@example.com").write(out);
  const crm = new CrmEvent("note-1");
  crm.type = "attio_crm";
  out.key("crm");
  crm.write(out);
  out.key("payment");
  const p = PaymentCreateInput.read(input.get("paymentInput"));
  new PaymentCreateResult("pay-" + p.bookingId.toString(), true, "https://pay.example/" + p.currency + "/" + p.amount.toString()).write(out);
  out.key("checkKeys");
  new CheckKeysResult(false, "bad key").write(out);
  out.endObject();
  return ok(out);
});

// probe.abort aborts with a message: the runtime hook logs it, then traps.
register("probe.abort", (input: Value): Result => {
  assert(false, "boom " + input.get("why").asString());
  return ok(false);
});

// probe.random uses Math.random (seeded through WASI) and trace (logged at debug).
register("probe.random", (input: Value): Result => {
  trace("rolling", 1, 42);
  const r = Math.random();
  return ok(r >= 0 && r < 1);
});
