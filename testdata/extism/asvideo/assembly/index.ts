// An Extism conferencing plugin built with @extism/as-pdk 1.0.0 on
// AssemblyScript, a fixture of Slotbox's Extism path
// (runtime/extism_test.go). Each Slotbox method is an export named after it
// with the dot replaced by an underscore; the input is the method's JSON and
// the output its result.
//
//   video.createMeeting    a meeting id from the event's uid, kv_set
//                          meeting:<id>, a log line
//   video.deleteMeeting    kv_get meeting:<uid>: NOT_FOUND when absent,
//                          else kv_delete
//   video.getAvailability  no busy times
//
// Build: testdata/extism/build.sh (npm ci, then asc with asconfig.json).
import { Host, Memory } from "@extism/as-pdk";
import { error_set, length } from "@extism/as-pdk/lib/env";

@external("extism:host/user", "kv_get")
declare function kv_get(input: u64): u64;
@external("extism:host/user", "kv_set")
declare function kv_set(input: u64): u64;
@external("extism:host/user", "kv_delete")
declare function kv_delete(input: u64): u64;
@external("extism:host/user", "log")
declare function slotbox_log(level: u64, msg: u64): void;

// abort is routed here (asconfig.json), so the module imports no env.abort.
function abortHandler(message: string | null, file: string | null, line: u32, column: u32): void {
  unreachable();
}

// hostCall sends a JSON request to a Slotbox host function and returns the
// JSON envelope it answers ("" when the host refused the input).
function hostCall(fn: (input: u64) => u64, request: string): string {
  const input = Memory.allocateString(request);
  const off = fn(input.offset);
  input.free();
  if (off == 0) {
    return "";
  }
  const out = new Memory(off, length(off));
  const env = out.toString();
  out.free();
  return env;
}

function log(line: string): void {
  const m = Memory.allocateString(line);
  slotbox_log(1, m.offset);
  m.free();
}

function output(s: string): void {
  Host.output(Uint8Array.wrap(String.UTF8.encode(s)));
}

function fail(code: string, message: string): i32 {
  const m = Memory.allocateString('{"code":"' + code + '","message":"' + message + '","retryable":false}');
  error_set(m.offset);
  return 1;
}

// stringField returns the value of the first "name":"value" in json, or
// null. The inputs come from the host, which sends compact JSON; ids are
// plain [A-Za-z0-9_-] strings.
function stringField(json: string, name: string): string | null {
  const key = '"' + name + '":"';
  const at = json.indexOf(key);
  if (at < 0) {
    return null;
  }
  const start = at + key.length;
  const end = json.indexOf('"', start);
  if (end < 0) {
    return null;
  }
  return json.substring(start, end);
}

function safeID(s: string): bool {
  if (s.length == 0 || s.length > 128) {
    return false;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95;
    if (!ok) {
      return false;
    }
  }
  return true;
}

export function video_createMeeting(): i32 {
  const input = Host.inputString();
  const uid = stringField(input, "uid");
  if (uid == null || !safeID(uid)) {
    return fail("INVALID_INPUT", "event.uid is missing or not a plain id");
  }
  const id = "m-" + uid;
  const env = hostCall(kv_set, '{"key":"meeting:' + id + '","value":"open"}');
  if (!env.startsWith('{"ok"')) {
    return fail("KV_FAILED", "kv_set failed");
  }
  log("createMeeting " + id);
  output('{"type":"extism-asvideo_video","id":"' + id + '","password":"","url":"https://video.slotbox.invalid/' + id + '"}');
  return 0;
}

export function video_deleteMeeting(): i32 {
  const input = Host.inputString();
  const uid = stringField(input, "uid");
  if (uid == null || !safeID(uid)) {
    return fail("INVALID_INPUT", "uid is missing or not a plain id");
  }
  const env = hostCall(kv_get, '{"key":"meeting:' + uid + '"}');
  if (env.indexOf('"value":null') >= 0) {
    return fail("NOT_FOUND", "no meeting " + uid);
  }
  if (!hostCall(kv_delete, '{"key":"meeting:' + uid + '"}').startsWith('{"ok"')) {
    return fail("KV_FAILED", "kv_delete failed");
  }
  output("{}");
  return 0;
}

export function video_getAvailability(): i32 {
  output("[]");
  return 0;
}
