;; alloc_loop.wat: slotbox_alloc spins forever.
;;
;; Attacks: a host that applies fuel and deadlines to slotbox_call only, not
;; to the slotbox_alloc calls it makes to pass the input.
;; The host must answer: FUEL_EXHAUSTED (the allocation is part of the call
;; and runs under the same limits).
(module
  (memory (export "memory") 1)
  (data (i32.const 128) "{\"ok\":[]}")

  (func (export "slotbox_abi_v1"))

  (func (export "slotbox_alloc") (param i32) (result i32)
    (loop $spin (br $spin))
    (unreachable))

  (func (export "slotbox_call") (param i32 i32 i32 i32) (result i64)
    (i64.const 0x0000008000000009)) ;; (128 << 32) | 9: {"ok":[]}
)
