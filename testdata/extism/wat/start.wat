;; start: a plugin with a start function, as AssemblyScript emits for
;; top-level state. Slotbox exports it as _initialize instead (a start
;; function would run before the go-sdk attaches the kernel), and the go-sdk
;; runs that before the first call: calendar.listCalendars answers [] only if
;; the start function ran (it stores 1 at address 0), else it traps.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (func $init
    (i32.store8 (i32.const 0) (i32.const 1)))
  (start $init)
  (func (export "calendar_listCalendars") (result i32)
    (local $k i64)
    (if (i32.ne (i32.load8_u (i32.const 0)) (i32.const 1))
      (then unreachable))
    (local.set $k (call $alloc (i64.const 2)))
    (call $store_u8 (local.get $k) (i32.const 91))
    (call $store_u8 (i64.add (local.get $k) (i64.const 1)) (i32.const 93))
    (call $output_set (local.get $k) (i64.const 2))
    (i32.const 0)))
