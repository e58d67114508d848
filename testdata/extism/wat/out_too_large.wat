;; out_too_large: outputs a valid JSON array of (param) bytes, "[" + spaces +
;; "]", written into one kernel block 8 bytes at a time.
;;   calendar.listCalendars  2 MiB: OUTPUT_TOO_LARGE with a 1 MiB cap, ok []
;;                           with a 4 MiB cap
;;   test.error              the same 2 MiB as the error message: OUTPUT_TOO_LARGE
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "store_u64" (func $store_u64 (param i64 i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "error_set" (func $error_set (param i64)))
  (memory (export "memory") 1)
  (func $array (param $n i64) (result i64)
    (local $k i64) (local $i i64)
    (local.set $k (call $alloc (local.get $n)))
    (block $done
      (loop $fill
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (call $store_u64 (i64.add (local.get $k) (local.get $i)) (i64.const 0x2020202020202020))
        (local.set $i (i64.add (local.get $i) (i64.const 8)))
        (br $fill)))
    (call $store_u8 (local.get $k) (i32.const 91))
    (call $store_u8 (i64.sub (i64.add (local.get $k) (local.get $n)) (i64.const 1)) (i32.const 93))
    (local.get $k))
  (func (export "calendar_listCalendars") (result i32)
    (call $output_set (call $array (i64.const 2097152)) (i64.const 2097152))
    (i32.const 0))
  (func (export "test_error") (result i32)
    (call $error_set (call $array (i64.const 2097152)))
    (i32.const 1)))
