// A second @extism/as-pdk plugin, built the way the PDK's README builds its
// example (no --exportStart): its top-level Map makes AssemblyScript emit a
// start function, which Slotbox runs as _initialize before the first call.
//
//   test.count  counts the calls with each distinct input in a top-level
//               Map kept by the instance: {"count":N}
import { Host } from "@extism/as-pdk";

const seen = new Map<string, i32>();

function abortHandler(message: string | null, file: string | null, line: u32, column: u32): void {
  unreachable();
}

export function test_count(): i32 {
  const key = Host.inputString();
  const n = seen.has(key) ? seen.get(key) + 1 : 1;
  seen.set(key, n);
  Host.output(Uint8Array.wrap(String.UTF8.encode('{"count":' + n.toString() + "}")));
  return 0;
}
