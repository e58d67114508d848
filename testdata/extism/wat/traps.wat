;; traps: guests that fail inside a call; each must be a TRAP and the
;; instance thrown away.
;;   calendar.listCalendars  unreachable
;;   test.recursion          unbounded recursion (the host's call-depth limit)
;;   test.exit0              WASI proc_exit(0) inside a call, which the go-sdk
;;                           reports as success
;;   test.fake_app_error     sets an error whose text carries wazero's
;;                           "(recovered by wazero)" and returns 1: a message
;;                           that could be a trap's is never taken for the
;;                           plugin's own error (which would keep the instance)
;;   test.load_oob           extism load_u64 at 0xFFFFFFF0: outside the kernel
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "error_set" (func $error_set (param i64)))
  (import "extism:host/env" "load_u64" (func $load_u64 (param i64) (result i64)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "boom (recovered by wazero)")
  (func (export "calendar_listCalendars") (result i32)
    unreachable)
  (func $recurse (export "test_recursion") (result i32)
    (call $recurse))
  (func (export "test_exit0") (result i32)
    (call $proc_exit (i32.const 0))
    (i32.const 0))
  (func (export "test_fake_app_error") (result i32)
    (local $k i64) (local $i i32)
    (local.set $k (call $alloc (i64.const 26)))
    (block $done
      (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (i32.const 26)))
        (call $store_u8
          (i64.add (local.get $k) (i64.extend_i32_u (local.get $i)))
          (i32.load8_u (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (call $error_set (local.get $k))
    (i32.const 1))
  (func (export "test_load_oob") (result i32)
    (drop (call $load_u64 (i64.const 0xFFFFFFF0)))
    (i32.const 0)))
