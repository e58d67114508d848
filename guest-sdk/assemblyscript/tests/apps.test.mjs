// apps.test.mjs: the committed fixtures testdata/wasm/as-echo.wasm and
// as-conformance.wasm against the fake host: imports, every method, host
// failures passed through, and flat memory over many calls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Guest, Host, fixtures } from "./harness.mjs";

const echoPath = join(fixtures, "as-echo.wasm");
const confPath = join(fixtures, "as-conformance.wasm");
const allowed = (imp) => imp.startsWith("slotbox.") || imp.startsWith("wasi_snapshot_preview1.");

test("as-echo imports only slotbox.log and exports the ABI", async () => {
  const g = await Guest.load(echoPath);
  assert.deepEqual(g.imports(), ["slotbox.log"]);
  const exports = WebAssembly.Module.exports(g.module).map((e) => e.name).sort();
  assert.deepEqual(exports, ["_initialize", "memory", "slotbox_abi_v1", "slotbox_alloc", "slotbox_call", "slotbox_free"]);
});

test("as-echo answers video.createMeeting and app.checkKeys", async () => {
  const g = await Guest.load(echoPath);
  const event = { uid: "abc 123/é", title: "T", type: "t", startTime: "2025-01-01T10:00:00Z", endTime: "2025-01-01T10:30:00Z", attendees: [] };
  assert.deepEqual(g.call("video.createMeeting", { event }), {
    ok: { type: "as-echo_video", id: "abc 123/é", password: "", url: "https://meet.example.com/echo/abc%20123%2F%C3%A9" },
  });
  assert.deepEqual(g.host.logs, ["1:echo: meeting created"]);
  assert.deepEqual(g.call("video.createMeeting", { event: {} }), {
    error: { code: "INVALID_INPUT", message: "event.uid is required", retryable: false },
  });
  assert.deepEqual(g.call("app.checkKeys", {}), { ok: { valid: true } });
  assert.deepEqual(g.call("video.deleteMeeting", { uid: "x" }), {
    error: { code: "NOT_IMPLEMENTED", message: "method video.deleteMeeting is not implemented", retryable: false },
  });
});

test("as-conformance imports only allowed modules", async () => {
  const g = await Guest.load(confPath);
  const imports = g.imports();
  assert.ok(imports.every(allowed), imports.join(","));
  for (const name of ["http_request", "vault_get", "kv_get", "kv_set", "kv_delete", "take_result", "log"]) {
    assert.ok(imports.includes(`slotbox.${name}`), name);
  }
});

test("as-conformance methods", async () => {
  const g = await Guest.load(confPath);
  const h = g.host;
  const echo = { s: "é😀 \"q\" \\ \n\t\u0000 \u2028", n: [1, -2.5, 1e300, 0, { deep: [[[{ x: null }]]] }], b: true, u: "日本語", e: {}, a: [] };
  assert.deepEqual(g.call("test.echo", echo), { ok: echo });
  assert.deepEqual(g.call("test.error", { code: "RATE_LIMITED", message: "slow", retryable: true }), {
    error: { code: "RATE_LIMITED", message: "slow", retryable: true },
  });
  assert.deepEqual(g.call("test.error", {}), { error: { code: "APP_ERROR", message: "", retryable: false } });

  h.calls = [];
  assert.deepEqual(g.call("test.kv", { key: "k1", value: "v é" }), { ok: { value: "v é" } });
  assert.deepEqual(h.calls, ["kv_set", "kv_get", "kv_delete"]);
  assert.equal(h.kv.size, 0);

  let seen;
  h.http = (req) => ((seen = req), { status: 418, headers: {}, body: "short" });
  assert.deepEqual(g.call("test.http", { url: "https://api.example.com/x?q=1" }), { ok: { status: 418, body: "short" } });
  assert.deepEqual(seen, { method: "GET", url: "https://api.example.com/x?q=1", auth: "none" });
  h.http = () => ({ status: 200, headers: {}, body_base64: "AP9vaw==" });
  assert.deepEqual(g.call("test.http", { url: "https://x.example/bin" }), { ok: { status: 200, body: "\u0000\ufffdok" } });

  assert.deepEqual(g.call("test.vault", { fields: ["api_key"] }), { ok: { fields: { api_key: "s3cret" } } });
  h.logs = [];
  assert.deepEqual(g.call("test.log", { level: 2, message: "careful ☃" }), { ok: {} });
  assert.deepEqual(h.logs, ["2:careful ☃"]);
  assert.equal(g.call("test.log", { level: 9, message: "x" }).error.code, "INVALID_INPUT");

  const big = g.callRaw("test.big", '{"size":3000000}');
  assert.equal(big.length, 3000000 + 9);
  assert.ok(big.startsWith('{"ok":"aaa') && big.endsWith('aa"}'));
  assert.equal(g.call("test.big", { size: -1 }).error.code, "INVALID_INPUT");
  assert.deepEqual(g.call("calendar.listCalendars", {}), { ok: [] });
});

test("host failures pass through as the call's error", async () => {
  const cases = [
    ["deny", { code: "PERMISSION_DENIED", message: "not granted", retryable: true }],
    ["negative", { code: "HOST_ERROR", message: "the host rejected the call as malformed", retryable: false }],
    ["garbage", { code: "HOST_ERROR", message: "the host answered with a malformed envelope", retryable: false }],
  ];
  const users = [
    ["test.kv", { key: "k", value: "v" }],
    ["test.http", { url: "https://x.example" }],
    ["test.vault", { fields: ["a"] }],
  ];
  for (const [mode, error] of cases) {
    const host = new Host();
    host.mode = mode;
    const g = await Guest.load(confPath, host);
    for (const [method, input] of users) assert.deepEqual(g.call(method, input), { error }, `${method} ${mode}`);
  }
});

test("memory stays flat over 20000 calls", async () => {
  const g = await Guest.load(confPath);
  const inputs = [
    ["test.big", '{"size":200000}'],
    ["test.kv", '{"key":"a","value":"b"}'],
    ["test.echo", '[1,2,3,{"a":"b"}]'],
    ["nope", "{}"],
  ];
  for (let i = 0; i < 100; i++) g.callRaw(...inputs[i % 4]);
  const warm = g.memoryBytes();
  for (let i = 0; i < 20000; i++) g.callRaw(...inputs[i % 4]);
  assert.equal(g.memoryBytes(), warm);
});
