;; alloc_oob.wat: slotbox_alloc returns memory.size * 65536 - 4 whatever the
;; size asked: only 4 bytes remain, so neither the method name (e.g. 22 bytes
;; for calendar.listCalendars) nor the input fits.
;;
;; Attacks: a host that writes size bytes at the returned pointer without a
;; bounds check.
;; The host must answer: BAD_OUTPUT (it refuses to write), no panic, and
;; slotbox_call is not called.
(module
  (memory (export "memory") 1)
  (data (i32.const 128) "{\"ok\":[]}")

  (func (export "slotbox_abi_v1"))

  (func (export "slotbox_alloc") (param i32) (result i32)
    (i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const 4)))

  (func (export "slotbox_call") (param i32 i32 i32 i32) (result i64)
    (i64.const 0x0000008000000009)) ;; (128 << 32) | 9: {"ok":[]}
)
