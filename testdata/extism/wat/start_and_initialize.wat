;; start_and_initialize: a start function and an _initialize export; Slotbox
;; would export the start function as _initialize: refused (rule export).
(module
  (import "extism:host/env" "output_set" (func (param i64 i64)))
  (memory (export "memory") 1)
  (func $init)
  (start $init)
  (func (export "_initialize"))
  (func (export "calendar_listCalendars") (result i32) (i32.const 0)))
