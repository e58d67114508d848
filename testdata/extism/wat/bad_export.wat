;; bad_export: calendar_listCalendars takes a parameter; an export named after
;; a catalogue method must be () -> (i32) or () -> (): refused (rule export).
(module
  (import "extism:host/env" "output_set" (func (param i64 i64)))
  (memory (export "memory") 1)
  (func (export "calendar_listCalendars") (param i32) (result i32) (i32.const 0)))
