// json.test.mjs: table tests of the SDK's JSON reader, writer and Cal.com
// types, run inside wasm through the probe module (tests/probe.ts).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Guest, compile, root } from "./harness.mjs";

let g;
before(async () => {
  g = await Guest.load(compile(join(root, "tests", "probe.ts")));
});

const invalid = (msg, off) => ({
  error: { code: "INVALID_INPUT", message: `input is not valid JSON: ${msg} at byte ${off}`, retryable: false },
});

test("roundtrip keeps what JSON means", () => {
  const cases = [
    ["null", "null", "null"],
    ["true", " true ", "true"],
    ["false", "\tfalse\r\n", "false"],
    ["negative", "-12", "-12"],
    ["fraction", "3.25", "3.25"],
    ["exponent kept verbatim", "1E+400", "1E+400"],
    ["small exponent", "-0.5e-7", "-0.5e-7"],
    ["big integer kept verbatim", "123456789012345678901234567890", "123456789012345678901234567890"],
    ["empty string", '""', '""'],
    ["empty array", "[ ]", "[]"],
    ["empty object", "{ }", "{}"],
    ["nested", '{"a" : [1, {"b": null}, [[]]], "c":{}}', '{"a":[1,{"b":null},[[]]],"c":{}}'],
    ["member order kept", '{"z":1,"a":2}', '{"z":1,"a":2}'],
    ["duplicate keys kept", '{"a":1,"a":2}', '{"a":1,"a":2}'],
    ["simple escapes", '"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\"\\\\/\\b\\f\\n\\r\\t"'],
    ["control escape", '"\\u0001\\u001f"', '"\\u0001\\u001f"'],
    ["nul escape", '"a\\u0000b"', '"a\\u0000b"'],
    ["bmp escape to utf-8", '"\\u00e9\\u20AC"', '"é€"'],
    ["surrogate pair", '"\\ud83d\\ude00"', '"😀"'],
    ["lone high surrogate", '"\\ud83dx"', '"\ufffdx"'],
    ["lone low surrogate", '"\\ude00"', '"\ufffd"'],
    ["high then non-low escape", '"\\ud83d\\u0041"', '"\ufffdA"'],
    ["raw utf-8 passes through", '"héllo 😀 \u2028"', '"héllo 😀 \u2028"'],
    ["DEL is not escaped", '"\u007f"', '"\u007f"'],
    ["key escapes", '{"\\u0041\\n":1}', '{"A\\n":1}'],
  ];
  for (const [name, input, want] of cases) {
    assert.equal(g.callRaw("probe.echo", input), `{"ok":${want}}`, name);
  }
});

test("invalid input answers INVALID_INPUT with the reason and offset", () => {
  const cases = [
    ["empty", "", "unexpected end of input", 0],
    ["only spaces", "   ", "unexpected end of input", 3],
    ["trailing data", "1 2", "data after the value", 2],
    ["two objects", "{}{}", "data after the value", 2],
    ["unterminated string", '"abc', "unterminated string", 0],
    ["unterminated escape", '"abc\\', "unterminated string", 0],
    ["bad escape", '"\\x"', "invalid escape in string", 1],
    ["short unicode escape", '"\\u12"', "invalid \\u escape", 1],
    ["bad hex", '"\\u12G4"', "invalid \\u escape", 1],
    ["raw newline", '"a\nb"', "control character in string", 2],
    ["raw tab", '"\t"', "control character in string", 1],
    ["leading zero", "01", "data after the value", 1],
    ["plus sign", "+1", "unexpected character", 0],
    ["bare minus", "-", "invalid number", 0],
    ["dot without digits", "1.", "invalid number", 0],
    ["exponent without digits", "1e+", "invalid number", 0],
    ["NaN", "NaN", "unexpected character", 0],
    ["bad literal", "tru", "invalid literal", 0],
    ["trailing comma array", "[1,]", "unexpected character", 3],
    ["trailing comma object", '{"a":1,}', "expected a member name", 7],
    ["missing colon", '{"a" 1}', "expected ':'", 5],
    ["unquoted key", "{a:1}", "expected a member name", 1],
    ["missing comma", "[1 2]", "expected ',' or ']'", 3],
    ["unterminated array", "[1,2", "unterminated array", 0],
    ["unterminated object", '{"a":1', "unterminated object", 0],
    ["byte order mark", "\ufeff{}", "unexpected character", 0],
  ];
  for (const [name, input, msg, off] of cases) {
    assert.deepEqual(JSON.parse(g.callRaw("probe.echo", input)), invalid(msg, off), name);
  }
  const bytes = [
    ["invalid utf-8 byte", [0x22, 0xff, 0x22], 1],
    ["truncated utf-8", [0x22, 0xc3, 0x22], 1],
    ["overlong utf-8", [0x22, 0xc0, 0xaf, 0x22], 1],
    ["overlong 3-byte", [0x22, 0xe0, 0x80, 0xaf, 0x22], 1],
    ["utf-8 surrogate", [0x22, 0xed, 0xa0, 0x80, 0x22], 1],
    ["above U+10FFFF", [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], 1],
    ["raw NUL in string", [0x22, 0x61, 0x00, 0x22], 2],
  ];
  for (const [name, b, off] of bytes) {
    const want = name.includes("NUL") ? "control character in string" : "invalid UTF-8 in string";
    assert.deepEqual(JSON.parse(g.callRaw("probe.echo", new Uint8Array(b))), invalid(want, off), name);
  }
});

test("depth limit is 128 in reader and writer", () => {
  const nest = (n) => "[".repeat(n) + "]".repeat(n);
  assert.equal(g.callRaw("probe.echo", nest(128)), `{"ok":${nest(128)}}`);
  assert.deepEqual(JSON.parse(g.callRaw("probe.echo", nest(129))), invalid("nested too deeply", 128));
  assert.deepEqual(JSON.parse(g.callRaw("probe.echo", nest(100000))), invalid("nested too deeply", 128));
  assert.deepEqual(g.call("probe.writer", { case: "max depth" }), { ok: { ok: true, error: "", json: nest(128) } });
  assert.deepEqual(g.call("probe.writer", { case: "too deep" }), { ok: { ok: false, error: "nested too deeply", json: null } });
});

test("integers are read exactly", () => {
  const cases = [
    ["0", true, "0"],
    ["-0", true, "0"],
    ["9223372036854775807", true, "9223372036854775807"],
    ["-9223372036854775808", true, "-9223372036854775808"],
    ["9223372036854775808", false, "-7"],
    ["-9223372036854775809", false, "-7"],
    ["1e3", true, "1000"],
    ["1.5e1", true, "15"],
    ["100e-2", true, "1"],
    ["1.0", true, "1"],
    ["120.00e-1", true, "12"],
    ["1.25e1", false, "-7"],
    ["0.5", false, "-7"],
    ["1e19", false, "-7"],
    ["1e999999999", false, "-7"],
    ["0e999999999", true, "0"],
    ["12345678901234567890000e-4", true, "1234567890123456789"],
  ];
  for (const [n, isInteger, value] of cases) {
    assert.deepEqual(JSON.parse(g.callRaw("probe.int", `{"n":${n}}`)), { ok: { isInteger, value } }, n);
  }
  assert.deepEqual(g.call("probe.int", { n: "12" }), { ok: { isInteger: false, value: "-7" } }, "a string is not a number");
  assert.deepEqual(g.call("probe.float", { n: 2.5 }), { ok: { value: 2.5 } });
  assert.deepEqual(JSON.parse(g.callRaw("probe.float", '{"n":1e-7}')), { ok: { value: 1e-7 } });
});

test("writer builds valid JSON and records misuse", () => {
  assert.deepEqual(g.call("probe.writer", { case: "object" }).ok, {
    ok: true,
    error: "",
    json: '{"s":"a\\"b\\\\c\\n\\u0001\\u001fé😀","i":-9223372036854775808,"b":false,"n":null,"a":[0,null,0.1,1e+21,-2.5,{"r":[1]}]}',
  });
  assert.equal(g.call("probe.writer", { case: "lone surrogates" }).ok.json, '"\ufffdx\ufffd\ufffd"');
  assert.equal(g.call("probe.writer", { case: "base64" }).ok.json, '["","Zg==","Zm8=","Zm9v","+/8="]');
  const failures = [
    ["value without key", "object member without a key"],
    ["key in array", "key outside an object"],
    ["two values", "more than one top-level value"],
    ["unbalanced", "unbalanced end"],
    ["unclosed", "unclosed array or object"],
    ["dangling key", "key without a value"],
    ["NaN", "NaN or infinite number"],
    ["infinity", "NaN or infinite number"],
    ["bad raw", "raw value is not valid JSON"],
    ["nothing", "no value written"],
  ];
  for (const [name, error] of failures) {
    assert.deepEqual(g.call("probe.writer", { case: name }), { ok: { ok: false, error, json: null } }, name);
  }
});

test("base64 decoding", () => {
  const cases = [
    ["", []],
    ["Zg==", [0x66]],
    ["Zm8", [0x66, 0x6f]],
    ["Zm9v", [0x66, 0x6f, 0x6f]],
    ["-_8", [0xfb, 0xff]],
    ["+/8=", [0xfb, 0xff]],
    ["Z", null],
    ["Zm9v!", null],
  ];
  for (const [s, want] of cases) assert.deepEqual(g.call("probe.base64", { s }), { ok: want }, s);
});

test("parse() of a string and method names", () => {
  assert.deepEqual(g.call("probe.parse", { text: '{"a":[1,"é"]}' }), { ok: { ok: true, error: "", offset: 0, value: { a: [1, "é"] } } });
  assert.deepEqual(g.call("probe.parse", { text: '{"a":' }), { ok: { ok: false, error: "unexpected end of input", offset: 5 } });
  assert.deepEqual(g.call("probe.method", {}), { ok: "probe.method" });
  assert.deepEqual(JSON.parse(g.callRaw(new Uint8Array([0x70, 0xc0, 0xae]), "{}")), {
    error: { code: "NOT_IMPLEMENTED", message: "method name is not UTF-8", retryable: false },
  });
  assert.deepEqual(g.call('x"\u2603', {}), {
    error: { code: "NOT_IMPLEMENTED", message: 'method x"\u2603 is not implemented', retryable: false },
  });
});

test("Cal.com types read inputs and write results with Cal.com's field names", () => {
  const person = (name, email) => ({ name, email, timeZone: "Europe/Paris", language: { locale: "fr" } });
  const input = {
    event: {
      type: "30min",
      title: "Intro call",
      startTime: "2025-03-01T09:00:00Z",
      endTime: "2025-03-01T09:30:00Z",
      organizer: person("Olga", "olga@example.com"),
      attendees: [person("Ann", "ann@example.com"), person("Bob", "bob@example.com")],
      uid: "bk-1",
      iCalUID: "bk-1@Cal.com",
      location: "integrations:daily",
      length: 30,
      customInputs: { q: [1, 2] },
    },
    externalCalendarId: "cal-9",
    paymentInput: { payment: { amount: 1250, currency: "eur" }, bookingId: 42, bookerName: "Ann", bookerEmail: "ann@example.com", paymentOption: "ON_BOOKING" },
  };
  assert.deepEqual(g.call("probe.types", input), {
    ok: {
      title: "Intro call",
      type: "30min",
      startTime: "2025-03-01T09:00:00Z",
      endTime: "2025-03-01T09:30:00Z",
      organizer: "Olga <olga@example.com> Europe/Paris fr",
      attendees: 2,
      firstAttendee: "ann@example.com",
      uid: "bk-1",
      location: "integrations:daily",
      length: 30,
      externalCalendarId: "cal-9",
      rawCustom: { q: [1, 2] },
      newEvent: { uid: "bk-1", id: "ev-1", type: "probe_calendar", password: "", url: "", additionalInfo: {}, iCalUID: "bk-1@Cal.com" },
      busy: [
        { start: "2025-01-01T10:00:00Z", end: "2025-01-01T11:00:00Z" },
        { start: "2025-01-02T10:00:00Z", end: "2025-01-02T11:00:00Z", source: "work" },
      ],
      calendar: { externalId: "https://dav.example/cal/1/", name: "Work", primary: true },
      contact: { id: "c1", email: "a@example.com", ownerEmail: "owner@example.com" },
      crm: { id: "note-1", type: "attio_crm" },
      payment: { id: "pay-42", success: true, url: "https://pay.example/eur/1250" },
      checkKeys: { valid: false, message: "bad key" },
    },
  });
  // Missing and null fields read as empty, never trap.
  const empty = g.call("probe.types", { event: { uid: null }, paymentInput: null });
  assert.equal(empty.ok.uid, null);
  assert.equal(empty.ok.attendees, 0);
});

test("abort, trace and seed go to allowed imports", () => {
  const imports = g.imports();
  assert.ok(imports.every((i) => i.startsWith("slotbox.") || i.startsWith("wasi_snapshot_preview1.")), imports.join(","));
  assert.ok(imports.includes("wasi_snapshot_preview1.random_get"));
  g.host.logs = [];
  assert.deepEqual(g.call("probe.random", {}), { ok: true });
  assert.deepEqual(g.host.logs, ["0:trace: rolling 42.0"]);
  g.host.logs = [];
  assert.throws(() => g.call("probe.abort", { why: "here" }), WebAssembly.RuntimeError);
  assert.equal(g.host.logs.length, 1);
  assert.match(g.host.logs[0], /^3:abort: boom here at tests\/probe\.ts:\d+:\d+$/);
});
