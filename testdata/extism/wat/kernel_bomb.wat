;; kernel_bomb: fills the Extism kernel's memory (a second linear memory per
;; instance, under the same cap) with 1 MiB blocks until alloc answers 0,
;; then traps: MEMORY_LIMIT.
;;   test.alloc_flood  allocates 1-byte blocks forever: the kernel's allocator
;;                     scans every block, so each alloc gets slower and kernel
;;                     work is not metered; the deadline, checked on every
;;                     kernel call, must stop it (TIMEOUT).
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "calendar_listCalendars") (result i32)
    (loop $fill
      (br_if $fill (i64.ne (call $alloc (i64.const 1048576)) (i64.const 0))))
    unreachable)
  (func (export "test_alloc_flood") (result i32)
    (loop $flood
      (drop (call $alloc (i64.const 1)))
      (br $flood))
    (i32.const 0)))
