// harness.mjs: a fake Slotbox host for the node tests. It instantiates a
// guest module with a "slotbox" import module that records calls, and plays
// slotbox_alloc / slotbox_call the way the real host does.
import { readFileSync, mkdtempSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const fixtures = join(root, "..", "..", "testdata", "wasm");

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

/** compile builds an entry file with the SDK's asconfig.json into a temp dir. */
export function compile(entry) {
  const out = join(mkdtempSync(join(tmpdir(), "sdk-as-")), "probe.wasm");
  const asc = join(root, "node_modules", ".bin", "asc");
  const r = spawnSync(asc, [entry, "--config", "asconfig.json", "-o", out], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`asc failed: ${r.stderr}${r.stdout}`);
  return out;
}

/** Host is the fake host: kv store, vault, HTTP answers, log lines, call record. */
export class Host {
  constructor() {
    this.kv = new Map();
    this.logs = [];
    this.calls = [];
    this.pending = null;
    this.mode = "ok";
    this.http = (req) => ({ status: 200, headers: { "Content-Type": "text/plain" }, body: `hello ${req.method} ${req.url}` });
  }

  imports() {
    const data = (name, fn) => (ptr, len) => {
      this.calls.push(name);
      let req;
      try {
        req = JSON.parse(dec.decode(this.bytes(ptr, len)));
      } catch {
        return -1;
      }
      let env;
      if (this.mode === "deny") env = { error: { code: "PERMISSION_DENIED", message: "not granted", retryable: true } };
      else if (this.mode === "negative") return -1;
      else if (this.mode === "garbage") env = { neither: 1 };
      else env = fn(req);
      this.pending = enc.encode(JSON.stringify(env));
      return this.pending.length;
    };
    return {
      slotbox: {
        http_request: data("http_request", (req) => ({ ok: this.http(req) })),
        vault_get: data("vault_get", (req) => ({ ok: { fields: Object.fromEntries(req.fields.map((f) => [f, "s3cret"])) } })),
        kv_get: data("kv_get", (req) => ({ ok: { value: this.kv.has(req.key) ? this.kv.get(req.key) : null } })),
        kv_set: data("kv_set", (req) => (this.kv.set(req.key, req.value), { ok: {} })),
        kv_delete: data("kv_delete", (req) => (this.kv.delete(req.key), { ok: {} })),
        take_result: (dst) => {
          const p = this.pending;
          if (!p) return -1;
          new Uint8Array(this.memory.buffer, dst, p.length).set(p);
          this.pending = null;
          return p.length;
        },
        log: (level, ptr, len) => this.logs.push(`${level}:${dec.decode(this.bytes(ptr, len))}`),
      },
      wasi_snapshot_preview1: {
        random_get: (ptr, len) => {
          new Uint8Array(this.memory.buffer, ptr, len).fill(7);
          return 0;
        },
      },
    };
  }

  bytes(ptr, len) {
    return new Uint8Array(this.memory.buffer, ptr, len).slice();
  }
}

/** Guest is one instantiated module. */
export class Guest {
  static async load(path, host = new Host()) {
    const module = await WebAssembly.compile(readFileSync(path));
    const g = new Guest();
    g.module = module;
    g.host = host;
    g.instance = await WebAssembly.instantiate(module, host.imports());
    host.memory = g.instance.exports.memory;
    g.instance.exports._initialize?.();
    return g;
  }

  /** imports lists "module.name" of every import. */
  imports() {
    return WebAssembly.Module.imports(this.module).map((i) => `${i.module}.${i.name}`);
  }

  /** callRaw sends input bytes (or a string) and returns the envelope text. */
  callRaw(method, input) {
    const ex = this.instance.exports;
    const put = (b) => {
      const p = ex.slotbox_alloc(b.length);
      if (p === 0) throw new Error("slotbox_alloc returned 0");
      new Uint8Array(ex.memory.buffer, p, b.length).set(b);
      return p;
    };
    const m = typeof method === "string" ? enc.encode(method) : method;
    const i = typeof input === "string" ? enc.encode(input) : input;
    const mp = put(m);
    const ip = put(i);
    const r = BigInt.asUintN(64, ex.slotbox_call(mp, m.length, ip, i.length));
    const ptr = Number(r >> 32n);
    const len = Number(r & 0xffffffffn);
    return dec.decode(new Uint8Array(ex.memory.buffer, ptr, len));
  }

  /** call sends a JSON value and returns the parsed envelope. */
  call(method, input = {}) {
    return JSON.parse(this.callRaw(method, JSON.stringify(input)));
  }

  memoryBytes() {
    return this.instance.exports.memory.buffer.byteLength;
  }
}
