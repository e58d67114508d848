// The slotbox/1 exports and method dispatch.
//
// Memory: the SDK is built with --runtime minimal, whose collector never
// runs by itself. It runs once per call, when the host starts the next call
// (the first slotbox_alloc after slotbox_call returned): no AssemblyScript
// frame is on the stack then, so everything the previous call allocated and
// did not store in a global is freed, including the previous output, which
// the host has copied by then. Memory stays flat across any number of calls.
import { Value, parseBytes, validUTF8 } from "./json";
import { Result, error, NOT_IMPLEMENTED, INVALID_INPUT } from "./result";

/** A method handler: the parsed input in, an envelope (ok() or error()) out. */
export type Handler = (input: Value) => Result;

const methods = new Map<string, Handler>();
let callOpen = false;
let pending = new Array<ArrayBuffer>();
let lastOutput: ArrayBuffer | null = null;
let currentMethod = "";

/** Serves method with handler; methods not registered answer NOT_IMPLEMENTED. */
export function register(method: string, handler: Handler): void {
  methods.set(method, handler);
}

/** The name of the method being served. */
export function methodName(): string {
  return currentMethod;
}

// The largest buffer slotbox_alloc hands out (AssemblyScript's block limit is 1 GiB).
const MAX_ALLOC: i32 = 1 << 29;

function beginCycle(): void {
  if (callOpen) return;
  pending.length = 0;
  lastOutput = null;
  __collect();
  callOpen = true;
}

/** Export slotbox_abi_v1: the ABI marker. */
export function slotbox_abi_v1(): void {}

/** Export slotbox_alloc: size writable bytes for the host, 0 on failure. */
export function slotbox_alloc(size: i32): usize {
  if (size < 0 || size > MAX_ALLOC) return 0;
  beginCycle();
  const buf = new ArrayBuffer(size);
  pending.push(buf);
  return changetype<usize>(buf);
}

/** Export slotbox_free: a no-op; buffers are reclaimed when the next call starts. */
export function slotbox_free(ptr: usize, size: i32): void {}

function dispatch(methodPtr: usize, methodLen: i32, inputPtr: usize, inputLen: i32): Result {
  if (methodLen < 0 || inputLen < 0) return error(INVALID_INPUT, "negative length");
  if (!validUTF8(methodPtr, methodLen)) return error(NOT_IMPLEMENTED, "method name is not UTF-8");
  const method = String.UTF8.decodeUnsafe(methodPtr, <usize>methodLen);
  currentMethod = method;
  if (!methods.has(method)) return error(NOT_IMPLEMENTED, "method " + method + " is not implemented");
  const handler = methods.get(method);
  const parsed = parseBytes(inputPtr, inputLen);
  if (!parsed.ok) {
    return error(INVALID_INPUT, "input is not valid JSON: " + parsed.error + " at byte " + parsed.offset.toString());
  }
  return handler(parsed.value!);
}

/** Export slotbox_call: runs one method; returns (out_ptr << 32) | out_len. */
export function slotbox_call(methodPtr: usize, methodLen: i32, inputPtr: usize, inputLen: i32): i64 {
  beginCycle();
  const r = dispatch(methodPtr, methodLen, inputPtr, inputLen);
  lastOutput = r.buf;
  callOpen = false;
  return (<i64>changetype<usize>(r.buf) << 32) | <i64>(<u32>r.length);
}
