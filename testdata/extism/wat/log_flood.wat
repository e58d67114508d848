;; log_flood: 100,000 lines of 1 KiB through extism:host/user.log and the
;; kernel's log_info; the call completes and the kept log is capped.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "log_info" (func $log_info (param i64)))
  (import "extism:host/user" "log" (func $log (param i64 i64)))
  (memory (export "memory") 1)
  (func (export "calendar_listCalendars") (result i32)
    (local $line i64) (local $i i32) (local $out i64)
    (local.set $line (call $alloc (i64.const 1024)))
    (block $done
      (loop $fill
        (br_if $done (i32.ge_u (local.get $i) (i32.const 1024)))
        (call $store_u8 (i64.add (local.get $line) (i64.extend_i32_u (local.get $i))) (i32.const 120))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $flood
        (br_if $done (i32.ge_u (local.get $i) (i32.const 100000)))
        (call $log (i64.const 2) (local.get $line))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $flood)))
    ;; log_info frees its block, as the go-sdk does: log one copy.
    (call $log_info (local.get $line))
    (local.set $out (call $alloc (i64.const 2)))
    (call $store_u8 (local.get $out) (i32.const 91))
    (call $store_u8 (i64.add (local.get $out) (i64.const 1)) (i32.const 93))
    (call $output_set (local.get $out) (i64.const 2))
    (i32.const 0)))
