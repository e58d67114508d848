;; forbidden_memory: refused at upload; the violation names the import.
(module
  (import "extism:host/env" "output_set" (func (param i64 i64)))
  (import "extism:host/env" "memory" (memory 1))
  (func (export "calendar_listCalendars") (result i32) (i32.const 0)))
