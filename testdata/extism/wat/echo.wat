;; echo: a minimal well-behaved Extism plugin written by hand.
;;   test.echo              outputs its input (output_set on the input block)
;;   calendar.listCalendars outputs []
;;   test.noop              outputs {}
;;   test.noop_host         one kv_get (extism:host/user), then outputs {}
;; The host-function benchmark compares the last two (runtime/extism_bench_test.go).
(module
  (import "extism:host/env" "input_offset" (func $input_offset (result i64)))
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "free" (func $free (param i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/user" "kv_get" (func $kv_get (param i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "[]")
  (data (i32.const 16) "{}")
  (data (i32.const 32) "{\"key\":\"k\"}")

  ;; to_kernel copies guest bytes [ptr, ptr+len) into a new kernel block.
  (func $to_kernel (param $ptr i32) (param $len i32) (result i64)
    (local $k i64) (local $i i32)
    (local.set $k (call $alloc (i64.extend_i32_u (local.get $len))))
    (block $done
      (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (call $store_u8
          (i64.add (local.get $k) (i64.extend_i32_u (local.get $i)))
          (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (local.get $k))

  (func $output (param $ptr i32) (param $len i32)
    (call $output_set
      (call $to_kernel (local.get $ptr) (local.get $len))
      (i64.extend_i32_u (local.get $len))))

  (func (export "test_echo") (result i32)
    (call $output_set (call $input_offset) (call $input_length))
    (i32.const 0))

  (func (export "calendar_listCalendars") (result i32)
    (call $output (i32.const 0) (i32.const 2))
    (i32.const 0))

  (func (export "test_noop") (result i32)
    (call $output (i32.const 16) (i32.const 2))
    (i32.const 0))

  (func (export "test_noop_host") (result i32)
    (local $req i64)
    (local.set $req (call $to_kernel (i32.const 32) (i32.const 11)))
    (call $free (call $kv_get (local.get $req)))
    (call $free (local.get $req))
    (call $output (i32.const 16) (i32.const 2))
    (i32.const 0)))
