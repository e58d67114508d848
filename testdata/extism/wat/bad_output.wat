;; bad_output: outputs that are not a method result.
;;   calendar.listCalendars  "this is not JSON": BAD_OUTPUT
;;   test.none               sets no output: BAD_OUTPUT
;;   test.bad_utf8           "\"\ff\"": JSON syntax, not UTF-8: BAD_OUTPUT
;;   calendar.createEvent    {} : valid JSON, not a NewCalendarEventType: BAD_OUTPUT
;;   test.rc                 returns 7 and sets no error: APP_ERROR
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "this is not JSON")
  (data (i32.const 32) "\"\ff\"")
  (data (i32.const 48) "{}")
  (func $output (param $ptr i32) (param $len i32)
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
    (call $output_set (local.get $k) (i64.extend_i32_u (local.get $len))))
  (func (export "calendar_listCalendars") (result i32)
    (call $output (i32.const 0) (i32.const 16))
    (i32.const 0))
  (func (export "test_none") (result i32)
    (i32.const 0))
  (func (export "test_bad_utf8") (result i32)
    (call $output (i32.const 32) (i32.const 3))
    (i32.const 0))
  (func (export "calendar_createEvent") (result i32)
    (call $output (i32.const 48) (i32.const 2))
    (i32.const 0))
  (func (export "test_rc") (result i32)
    (i32.const 7)))
