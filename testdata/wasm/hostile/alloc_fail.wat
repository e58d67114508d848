;; alloc_fail.wat: slotbox_alloc always returns 0 ("no memory"), so the host
;; cannot write the method name and input. slotbox_call would answer
;; {"ok":[]} if it were ever reached.
;;
;; Attacks: a host that writes through a 0 pointer (address 0 is valid wasm
;; memory, so the write would "succeed" and the guest would read garbage).
;; The host must answer: BAD_OUTPUT (alloc failure is a guest failure),
;; without calling slotbox_call.
(module
  (memory (export "memory") 1)
  (data (i32.const 128) "{\"ok\":[]}")

  (func (export "slotbox_abi_v1"))

  (func (export "slotbox_alloc") (param i32) (result i32)
    (i32.const 0))

  (func (export "slotbox_call") (param i32 i32 i32 i32) (result i64)
    (i64.const 0x0000008000000009)) ;; (128 << 32) | 9: {"ok":[]}
)
