;; loop: calendar.listCalendars spins forever (br 0). With a fuel budget it
;; must stop with FUEL_EXHAUSTED; with unlimited fuel, with TIMEOUT.
(module
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (func (export "calendar_listCalendars") (result i32)
    (loop $spin (br $spin))
    (i32.const 0)))
