;; grow_bomb: grows its own memory one page at a time until memory.grow
;; fails at the host cap, then traps (as toolchains do when an allocation
;; fails): MEMORY_LIMIT.
(module
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (func (export "calendar_listCalendars") (result i32)
    (loop $grow
      (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable))
