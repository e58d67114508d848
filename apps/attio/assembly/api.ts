// Requests to Attio's REST API v2 and the error each failure becomes.
//
// The API key never enters this module: every request asks the host to
// attach the installation's credential ("auth":"credential"), which the
// manifest injects as "Authorization: Bearer <api_key>".
import { HttpRequest, HttpResponse, httpRequest, Result, error, parse, Value } from "@slotbox/guest-sdk";

/** Attio's REST API; the manifest allows only this host. */
export const API_BASE = "https://api.attio.com/v2";

/** The error codes this app answers with besides the host's own. */
export const UNAUTHORIZED = "UNAUTHORIZED"; // 401: the API key is wrong or revoked
export const FORBIDDEN = "FORBIDDEN"; // 403: the key lacks a scope
export const NOT_FOUND = "NOT_FOUND"; // 404: no such record or note
export const CONFLICT = "CONFLICT"; // 409: a unique value is taken
export const RATE_LIMITED = "RATE_LIMITED"; // 429: retryable, after Retry-After
export const UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"; // 5xx, 408: retryable
export const BAD_REQUEST = "BAD_REQUEST"; // other 4xx: Attio refused the request
export const BAD_RESPONSE = "BAD_RESPONSE"; // a 2xx whose body is not what Attio documents

// The longest provider text quoted in an error message.
const MAX_QUOTE = 200;

/** Sends method path (under API_BASE) with an optional JSON body, credential attached. */
export function call(method: string, path: string, body: string | null = null): HttpResponse {
  const req = new HttpRequest(method, API_BASE + path).header("Accept", "application/json").withCredential();
  if (body !== null) req.header("Content-Type", "application/json").withBody(body);
  return httpRequest(req);
}

/** Whether the request got a 2xx answer. */
export function succeeded(resp: HttpResponse): bool {
  return resp.error === null && resp.status >= 200 && resp.status < 300;
}

/** Whether Attio answered with status. */
export function answered(resp: HttpResponse, status: i32): bool {
  return resp.error === null && resp.status == status;
}

/** The response body as a JSON object, or null when it is not one. */
export function jsonObject(resp: HttpResponse): Value | null {
  const r = parse(resp.body);
  if (!r.ok || !r.value!.isObject) return null;
  return r.value;
}

/** Caps provider text quoted in a message and keeps it on one line. */
export function quote(s: string): string {
  const t = s.length > MAX_QUOTE ? s.slice(0, MAX_QUOTE) + "…" : s;
  return t.replaceAll("\n", " ").replaceAll("\r", " ");
}

/** An error envelope for an answer that is not what Attio documents. */
export function badResponse(op: string, what: string): Result {
  return error(BAD_RESPONSE, "attio: " + op + ": " + what);
}

/**
 * The error envelope for a request that did not succeed: the host's own
 * error as it is (PERMISSION_DENIED, NETWORK_ERROR, TIMEOUT, ...), else one
 * code per HTTP status class, with Attio's {code, message} in the message.
 */
export function failure(op: string, resp: HttpResponse): Result {
  const hostErr = resp.error;
  if (hostErr !== null) return error(hostErr.code, "attio: " + op + ": " + hostErr.message, hostErr.retryable);
  const status = resp.status;
  let detail = status.toString();
  const body = jsonObject(resp);
  if (body !== null) {
    const code = body.get("code").asString();
    const message = body.get("message").asString();
    if (code.length > 0) detail += " " + quote(code);
    if (message.length > 0) detail += ": " + quote(message);
  }
  const msg = "attio: " + op + ": " + detail;
  if (status == 401) return error(UNAUTHORIZED, msg + " (check the API key)");
  if (status == 403) return error(FORBIDDEN, msg + " (check the API key's scopes)");
  if (status == 404) return error(NOT_FOUND, msg);
  if (status == 409) return error(CONFLICT, msg);
  if (status == 429) {
    const after = resp.header("Retry-After");
    return error(RATE_LIMITED, after !== null ? msg + " (retry after " + quote(after) + ")" : msg, true);
  }
  if (status >= 500 || status == 408) return error(UPSTREAM_UNAVAILABLE, msg, true);
  if (status >= 400) return error(BAD_REQUEST, msg);
  return error(BAD_RESPONSE, msg + ": unexpected status");
}

/** Whether s can be an Attio id (a UUID: hex digits and dashes), safe in a path. */
export function validId(s: string): bool {
  const n = s.length;
  if (n == 0 || n > 64) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const hex = (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
    if (!hex && c != 0x2d) return false;
  }
  return true;
}
