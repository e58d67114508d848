// Runtime hooks the SDK's asconfig.json routes AssemblyScript's env imports
// to, because Slotbox refuses any import outside "slotbox" and
// "wasi_snapshot_preview1":
//   abort -> log the message at error level through slotbox.log, then trap
//   trace -> log at debug level
//   seed  -> wasi random_get (seeds Math.random)
// This folder is passed to asc with --lib, so the hooks are ~lib/slotbox_runtime/*
// wherever the package is installed.

@external("slotbox", "log")
declare function hostLog(level: i32, ptr: usize, len: i32): void;

@external("wasi_snapshot_preview1", "random_get")
declare function randomGet(buf: usize, len: usize): u16;

let aborting = false;

function logString(level: i32, s: string): void {
  const b = String.UTF8.encode(s);
  hostLog(level, changetype<usize>(b), b.byteLength);
}

/** Replaces env.abort: logs where the guest aborted, then traps. */
export function slotboxAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  // An abort while reporting one (e.g. out of memory) traps at once.
  if (!aborting) {
    aborting = true;
    let text = "abort";
    if (message !== null) text += ": " + message;
    if (fileName !== null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
    logString(3, text);
  }
  unreachable();
}

/** Replaces env.trace: logs the message and the first n numbers at debug level. */
export function slotboxTrace(message: string, n: i32 = 0, a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0, a4: f64 = 0): void {
  let text = "trace: " + message;
  if (n > 0) text += " " + a0.toString();
  if (n > 1) text += " " + a1.toString();
  if (n > 2) text += " " + a2.toString();
  if (n > 3) text += " " + a3.toString();
  if (n > 4) text += " " + a4.toString();
  logString(0, text);
}

/** Replaces env.seed: 64 random bits from WASI as a float in [0, 1). */
export function slotboxSeed(): f64 {
  const buf = memory.data(8);
  randomGet(buf, 8);
  return reinterpret<f64>((load<u64>(buf) >> 12) | 0x3ff0000000000000) - 1.0;
}
