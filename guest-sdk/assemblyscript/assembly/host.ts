// Wrappers of the slotbox host functions. Each import appears in the module
// only if the app calls its wrapper, so an app imports what it uses.
import { Value, Writer, parseBytes, base64Decode, decodeUTF8Lossy } from "./json";
import { Result, error } from "./result";

// @ts-ignore: decorator
@external("slotbox", "http_request")
declare function hostHttpRequest(ptr: usize, len: i32): i32;
// @ts-ignore: decorator
@external("slotbox", "vault_get")
declare function hostVaultGet(ptr: usize, len: i32): i32;
// @ts-ignore: decorator
@external("slotbox", "kv_get")
declare function hostKvGet(ptr: usize, len: i32): i32;
// @ts-ignore: decorator
@external("slotbox", "kv_set")
declare function hostKvSet(ptr: usize, len: i32): i32;
// @ts-ignore: decorator
@external("slotbox", "kv_delete")
declare function hostKvDelete(ptr: usize, len: i32): i32;
// @ts-ignore: decorator
@external("slotbox", "take_result")
declare function hostTakeResult(dst: usize): i32;
// @ts-ignore: decorator
@external("slotbox", "log")
declare function hostLog(level: i32, ptr: usize, len: i32): void;

/** An error a host function answered with (PERMISSION_DENIED, RATE_LIMITED, NETWORK_ERROR, ...). */
export class HostError {
  constructor(
    public code: string,
    public message: string,
    public retryable: bool = false,
  ) {}

  /** This error as the current call's error envelope. */
  toResult(): Result {
    return error(this.code, this.message, this.retryable);
  }
}

/** Returns host error e as the current call's error envelope. */
export function errorFrom(e: HostError): Result {
  return e.toResult();
}

// Reply is a host envelope split into its ok value or its error.
class Reply {
  value: Value = Value.MISSING;
  error: HostError | null = null;
}

function failed(code: string, message: string): Reply {
  const r = new Reply();
  r.error = new HostError(code, message);
  return r;
}

// finish fetches the envelope of n bytes a host function left waiting.
function finish(n: i32): Reply {
  if (n < 0) return failed("HOST_ERROR", "the host rejected the call as malformed");
  const buf = new ArrayBuffer(n);
  const got = hostTakeResult(changetype<usize>(buf));
  if (got != n) return failed("HOST_ERROR", "take_result length differs from the announced one");
  const parsed = parseBytes(changetype<usize>(buf), n);
  if (!parsed.ok) return failed("HOST_ERROR", "the host answered with invalid JSON");
  const env = parsed.value!;
  const r = new Reply();
  const okv = env.get("ok");
  if (!okv.isMissing) {
    r.value = okv;
    return r;
  }
  const e = env.get("error");
  if (!e.isObject) return failed("HOST_ERROR", "the host answered with a malformed envelope");
  r.error = new HostError(e.get("code").asString("HOST_ERROR"), e.get("message").asString(), e.get("retryable").asBool());
  return r;
}

/** Log levels of log(). */
export enum LogLevel {
  Debug = 0,
  Info = 1,
  Warn = 2,
  Error = 3,
}

/** Writes message to the app's log at level. */
export function log(level: LogLevel, message: string): void {
  const b = String.UTF8.encode(message);
  hostLog(<i32>level, changetype<usize>(b), b.byteLength);
}

/** An outgoing HTTP request; the host checks the URL against permissions.http. */
export class HttpRequest {
  /** Request headers. */
  headers: Map<string, string> = new Map<string, string>();
  /** A UTF-8 text body, or null. */
  body: string | null = null;
  /** A binary body (sent as body_base64), or null; wins over body. */
  bodyBytes: Uint8Array | null = null;
  /** Timeout in milliseconds; 0 takes the host's default. */
  timeoutMs: i32 = 0;
  /** "auth":"credential": the host attaches the installation's secret. */
  credential: bool = false;

  constructor(
    public method: string,
    public url: string,
  ) {}

  /** Sets a header and returns the request, for chaining. */
  header(name: string, value: string): HttpRequest {
    this.headers.set(name, value);
    return this;
  }

  /** Sets a text body and returns the request. */
  withBody(body: string): HttpRequest {
    this.body = body;
    return this;
  }

  /** Asks the host to attach the installation's credential. */
  withCredential(): HttpRequest {
    this.credential = true;
    return this;
  }

  /** The request as the http_request input JSON. */
  write(w: Writer): void {
    w.beginObject();
    w.keyString("method", this.method);
    w.keyString("url", this.url);
    if (this.headers.size > 0) {
      w.key("headers").beginObject();
      const names = this.headers.keys();
      for (let i = 0; i < names.length; i++) w.keyString(names[i], this.headers.get(names[i]));
      w.endObject();
    }
    const bytes = this.bodyBytes;
    if (bytes !== null) {
      w.key("body_base64").base64(bytes.dataStart, bytes.length);
    } else if (this.body !== null) {
      w.keyString("body", this.body);
    }
    if (this.timeoutMs > 0) w.keyInt("timeout_ms", this.timeoutMs);
    w.keyString("auth", this.credential ? "credential" : "none");
    w.endObject();
  }
}

/** The answer to an HttpRequest. */
export class HttpResponse {
  /** The HTTP status; 0 when error is set. */
  status: i32 = 0;
  /** Response headers, an object of name to value. */
  headers: Value = Value.MISSING;
  /** The body as text (from body_base64 when the host sent that, invalid UTF-8 as U+FFFD). */
  body: string = "";
  /** The body bytes when the host sent body_base64, else null. */
  bodyBytes: Uint8Array | null = null;
  /** Set when the host refused or failed the request (no HTTP status then). */
  error: HostError | null = null;

  /** Whether the request got an HTTP response (of any status). */
  get ok(): bool {
    return this.error === null;
  }

  /** The value of response header name (case-insensitive), or null. */
  header(name: string): string | null {
    const want = name.toLowerCase();
    let found: string | null = null;
    for (let i = 0; i < this.headers.length; i++) {
      if (this.headers.keyAt(i).toLowerCase() == want && this.headers.at(i).isString) found = this.headers.at(i).text;
    }
    return found;
  }
}

/** Performs req through the host. */
export function httpRequest(req: HttpRequest): HttpResponse {
  const w = new Writer();
  req.write(w);
  const reply = finish(hostHttpRequest(changetype<usize>(w.buf), w.length));
  const resp = new HttpResponse();
  if (reply.error !== null) {
    resp.error = reply.error;
    return resp;
  }
  const v = reply.value;
  const status = v.get("status");
  if (!status.isInteger || status.asInt() < 0 || status.asInt() > 999) {
    resp.error = new HostError("HOST_ERROR", "http_request result has no valid status");
    return resp;
  }
  resp.status = <i32>status.asInt();
  resp.headers = v.get("headers");
  const b64 = v.get("body_base64");
  if (b64.isString) {
    const bytes = base64Decode(b64.text);
    if (bytes === null) {
      resp.error = new HostError("HOST_ERROR", "http_request body_base64 is not base64");
      return resp;
    }
    resp.bodyBytes = bytes;
    resp.body = decodeUTF8Lossy(bytes.dataStart, bytes.length);
    return resp;
  }
  resp.body = v.get("body").asString();
  return resp;
}

/** Performs a GET of url. */
export function httpGet(url: string): HttpResponse {
  return httpRequest(new HttpRequest("GET", url));
}

/** The answer of vaultGet. */
export class VaultResult {
  /** The host's ok value, {"fields":{"name":"value"}}. */
  value: Value = Value.MISSING;
  /** Set when the host refused (e.g. a field the manifest does not reveal). */
  error: HostError | null = null;

  /** Field name, or null when it was not revealed. */
  field(name: string): string | null {
    const f = this.value.get("fields").get(name);
    return f.isString ? f.text : null;
  }
}

/** Reveals credential fields listed in the manifest's permissions.vault.reveal. */
export function vaultGet(fields: string[]): VaultResult {
  const w = new Writer();
  w.beginObject().key("fields").beginArray();
  for (let i = 0; i < fields.length; i++) w.string(fields[i]);
  w.endArray().endObject();
  const reply = finish(hostVaultGet(changetype<usize>(w.buf), w.length));
  const r = new VaultResult();
  r.value = reply.value;
  r.error = reply.error;
  return r;
}

/** The answer of kvGet. */
export class KvGetResult {
  /** The stored value, or null when the key is not set. */
  value: string | null = null;
  /** Set when the host failed. */
  error: HostError | null = null;

  /** Whether the key was set. */
  get found(): bool {
    return this.value !== null;
  }
}

function keyRequest(key: string): Writer {
  const w = new Writer();
  w.beginObject().keyString("key", key).endObject();
  return w;
}

/** Reads key from the installation's key-value store. */
export function kvGet(key: string): KvGetResult {
  const w = keyRequest(key);
  const reply = finish(hostKvGet(changetype<usize>(w.buf), w.length));
  const r = new KvGetResult();
  r.error = reply.error;
  const v = reply.value.get("value");
  if (v.isString) r.value = v.text;
  return r;
}

/** Stores value under key; ttlSeconds 0 means no expiry. Returns the host's error or null. */
export function kvSet(key: string, value: string, ttlSeconds: i32 = 0): HostError | null {
  const w = new Writer();
  w.beginObject().keyString("key", key).keyString("value", value);
  if (ttlSeconds > 0) w.keyInt("ttl_seconds", ttlSeconds);
  w.endObject();
  return finish(hostKvSet(changetype<usize>(w.buf), w.length)).error;
}

/** Removes key. Returns the host's error or null. */
export function kvDelete(key: string): HostError | null {
  const w = keyRequest(key);
  return finish(hostKvDelete(changetype<usize>(w.buf), w.length)).error;
}
