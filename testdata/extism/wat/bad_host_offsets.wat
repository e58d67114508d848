;; bad_host_offsets: calls Slotbox's host functions with offsets that are no
;; kernel block (0, past the kernel's memory, over 32 bits): each must answer
;; 0, never trap, and run nothing. Logs with bad offsets are dropped.
;; calendar.listCalendars outputs [] after all probes; a probe that does not
;; answer 0 traps (unreachable), which fails the call.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/user" "kv_get" (func $kv_get (param i64) (result i64)))
  (import "extism:host/user" "log" (func $log (param i64 i64)))
  (memory (export "memory") 1)
  (func $probe (param $off i64)
    (if (i64.ne (call $kv_get (local.get $off)) (i64.const 0))
      (then unreachable))
    (call $log (i64.const 1) (local.get $off)))
  (func (export "calendar_listCalendars") (result i32)
    (local $out i64)
    (call $probe (i64.const 0xFFFFFFF0))
    (call $probe (i64.const 0x100000000))
    (call $probe (i64.const -1))
    (call $log (i64.const 99) (i64.const -1))
    (local.set $out (call $alloc (i64.const 2)))
    (call $store_u8 (local.get $out) (i32.const 91))
    (call $store_u8 (i64.add (local.get $out) (i64.const 1)) (i32.const 93))
    (call $output_set (local.get $out) (i64.const 2))
    (i32.const 0)))
