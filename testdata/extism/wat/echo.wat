;; echo: a minimal well-behaved Extism plugin written by hand.
;;   test.echo              outputs its input (output_set on the input block)
;;   calendar.listCalendars outputs []
;;   test.noop              outputs {}
;;   test.noop_host         one kv_get (extism:host/user), then outputs {}
;;   test.kvroundtrip       input: a JSON string, e.g. "hello".
;;                          kv_set({"key":"k","value":<input>}), then
;;                          kv_get({"key":"k"}): outputs the kv_get envelope,
;;                          e.g. {"ok":{"value":"hello"}}, as
;;                          testdata/wasm/small/hostcalls.wat does for slotbox/1
;; The host-function benchmark compares test.kvroundtrip with
;; calendar.listCalendars on both ABIs (runtime/extism_bench_test.go).
(module
  (import "extism:host/env" "input_offset" (func $input_offset (result i64)))
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "free" (func $free (param i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "length" (func $length (param i64) (result i64)))
  (import "extism:host/user" "kv_get" (func $kv_get (param i64) (result i64)))
  (import "extism:host/user" "kv_set" (func $kv_set (param i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "[]")
  (data (i32.const 16) "{}")
  (data (i32.const 32) "{\"key\":\"k\"}")
  (data (i32.const 48) "{\"key\":\"k\",\"value\":")

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
    (i32.const 0))

  (func (export "test_kvroundtrip") (result i32)
    (local $n i64) (local $req i64) (local $i i64)
    (local.set $n (call $input_length))
    ;; {"key":"k","value": (19 bytes) + input + }
    (local.set $req (call $alloc (i64.add (local.get $n) (i64.const 20))))
    (block $done
      (loop $prefix
        (br_if $done (i64.ge_u (local.get $i) (i64.const 19)))
        (call $store_u8 (i64.add (local.get $req) (local.get $i))
          (i32.load8_u (i32.add (i32.const 48) (i32.wrap_i64 (local.get $i)))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $prefix)))
    (local.set $i (i64.const 0))
    (block $done
      (loop $value
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (call $store_u8 (i64.add (local.get $req) (i64.add (i64.const 19) (local.get $i)))
          (call $input_load_u8 (local.get $i)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $value)))
    (call $store_u8 (i64.add (local.get $req) (i64.add (i64.const 19) (local.get $n))) (i32.const 125))
    (call $free (call $kv_set (local.get $req)))
    (call $free (local.get $req))
    (local.set $req (call $to_kernel (i32.const 32) (i32.const 11)))
    (local.set $i (call $kv_get (local.get $req)))
    (call $free (local.get $req))
    (call $output_set (local.get $i) (call $length (local.get $i)))
    (i32.const 0)))
