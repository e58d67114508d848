// as-conformance: the AssemblyScript SDK's conformance app. Each method
// exercises one part of the SDK so the language-neutral conformance cases
// can run against it:
//
//   test.echo              the input, re-serialised by the SDK's JSON
//   test.error             error {code, message, retryable} taken from the input
//   test.kv                kv_set key=value, kv_get it back, kv_delete; {value}
//   test.http              GET input.url; {status, body}
//   test.vault             vault_get input.fields; the host's result as is
//   test.log               log input.message at input.level; {}
//   test.big               a JSON string of input.size bytes of 'a'
//   calendar.listCalendars []
//
// A host error from any host function is returned as this call's error.
import {
  register,
  ok,
  okEmpty,
  error,
  errorFrom,
  Result,
  Value,
  Writer,
  IntegrationCalendar,
  httpGet,
  vaultGet,
  kvGet,
  kvSet,
  kvDelete,
  log,
  LogLevel,
  INVALID_INPUT,
} from "../../assembly/index";
export * from "../../assembly/exports";

register("test.echo", (input: Value): Result => ok(input));

register("test.error", (input: Value): Result =>
  error(input.get("code").asString(), input.get("message").asString(), input.get("retryable").asBool()),
);

register("test.kv", (input: Value): Result => {
  const key = input.get("key");
  const value = input.get("value");
  if (!key.isString || !value.isString) return error(INVALID_INPUT, "key and value must be strings");
  const setErr = kvSet(key.text, value.text);
  if (setErr !== null) return errorFrom(setErr);
  const got = kvGet(key.text);
  if (got.error !== null) return errorFrom(got.error!);
  const delErr = kvDelete(key.text);
  if (delErr !== null) return errorFrom(delErr);
  const w = new Writer();
  w.beginObject().keyString("value", got.value).endObject();
  return ok(w);
});

register("test.http", (input: Value): Result => {
  const url = input.get("url");
  if (!url.isString) return error(INVALID_INPUT, "url must be a string");
  const resp = httpGet(url.text);
  if (resp.error !== null) return errorFrom(resp.error!);
  const w = new Writer();
  w.beginObject().keyInt("status", resp.status).keyString("body", resp.body).endObject();
  return ok(w);
});

register("test.vault", (input: Value): Result => {
  const fields = input.get("fields");
  if (!fields.isArray) return error(INVALID_INPUT, "fields must be an array of strings");
  const names = new Array<string>();
  for (let i = 0; i < fields.length; i++) {
    if (!fields.at(i).isString) return error(INVALID_INPUT, "fields must be an array of strings");
    names.push(fields.at(i).text);
  }
  const r = vaultGet(names);
  if (r.error !== null) return errorFrom(r.error!);
  return ok(r.value);
});

register("test.log", (input: Value): Result => {
  const level = input.get("level").asInt(1);
  const message = input.get("message");
  if (!message.isString) return error(INVALID_INPUT, "message must be a string");
  if (level < 0 || level > 3) return error(INVALID_INPUT, "level must be 0..3");
  log(<LogLevel>(<i32>level), message.text);
  return okEmpty();
});

register("test.big", (input: Value): Result => {
  const size = input.get("size");
  if (!size.isInteger || size.asInt() < 0 || size.asInt() > 1 << 28) {
    return error(INVALID_INPUT, "size must be an integer in 0..2^28");
  }
  return ok("a".repeat(<i32>size.asInt()));
});

register("calendar.listCalendars", (input: Value): Result => ok(new Array<IntegrationCalendar>()));
