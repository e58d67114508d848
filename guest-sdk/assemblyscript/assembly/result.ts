// Envelopes: what a handler returns.
import { Kind, Value, Writer } from "./json";

/** The error code a guest returns for a method it does not implement. */
export const NOT_IMPLEMENTED = "NOT_IMPLEMENTED";
/** The error code a guest returns for input it cannot use. */
export const INVALID_INPUT = "INVALID_INPUT";

/** A finished envelope, {"ok": ...} or {"error": ...}; make it with ok() or error(). */
export class Result {
  constructor(
    /** The envelope bytes; only [0, length) counts. */
    public buf: ArrayBuffer,
    /** The envelope's length in bytes. */
    public length: i32,
  ) {}

  /** The envelope as text. */
  toString(): string {
    return String.UTF8.decodeUnsafe(changetype<usize>(this.buf), <usize>this.length);
  }
}

/**
 * Writes value as JSON: strings, booleans, integers, floats, arrays of
 * those, Value, Writer (its JSON), null, or any class with a
 * write(w: Writer): void method (the Cal.com types and your own).
 */
export function write<T>(w: Writer, value: T): void {
  if (isNullable<T>()) {
    if (value === null) {
      w.null();
      return;
    }
  }
  if (isString<T>()) {
    w.string(changetype<string>(value));
  } else if (isBoolean<T>()) {
    w.bool(<bool>value);
  } else if (isInteger<T>()) {
    w.int(<i64>value);
  } else if (isFloat<T>()) {
    w.float(<f64>value);
  } else if (isArray<T>()) {
    w.beginArray();
    // @ts-ignore: T is an array here
    for (let i = 0, n = value.length; i < n; i++) write<valueof<T>>(w, unchecked(value[i]));
    w.endArray();
  } else if (value instanceof Value) {
    w.value(changetype<Value>(value));
  } else if (value instanceof Writer) {
    const src = changetype<Writer>(value);
    if (!src.ok) {
      w.null();
      return;
    }
    w.raw(src.toString());
  } else {
    // @ts-ignore: a class with write(w: Writer)
    value.write(w);
  }
}

const OK_PREFIX = '{"ok":';

/** Returns {"ok": value}; see write() for what value may be. */
export function ok<T>(value: T): Result {
  const w = new Writer();
  w.appendRaw(OK_PREFIX);
  w.base = OK_PREFIX.length;
  if (value instanceof Writer) {
    const src = changetype<Writer>(value);
    if (!src.ok) return error("BAD_RESULT", "the app wrote an invalid result: " + src.error);
    w.raw(src.toString());
  } else {
    write<T>(w, value);
  }
  if (!w.ok) return error("BAD_RESULT", "the app wrote an invalid result: " + w.error);
  w.appendRaw("}");
  return new Result(w.buf, w.length);
}

/** Returns {"ok":{}}. */
export function okEmpty(): Result {
  const w = new Writer(16);
  w.appendRaw('{"ok":{}}');
  return new Result(w.buf, w.length);
}

/** Returns {"error":{"code","message","retryable"}}; an empty code becomes "APP_ERROR". */
export function error(code: string, message: string, retryable: bool = false): Result {
  const w = new Writer(64 + message.length);
  w.beginObject().key("error").beginObject();
  w.keyString("code", code.length ? code : "APP_ERROR");
  w.keyString("message", message);
  w.keyBool("retryable", retryable);
  w.endObject().endObject();
  return new Result(w.buf, w.length);
}

// Kind is re-exported for handlers that switch on a value's kind.
export { Kind };
