;; missing_alloc.wat: a slotbox/1 module without slotbox_alloc (the host has
;; no way to write the method and input into guest memory).
;;
;; The host must answer: refuse at validation, rule "export", naming
;; "slotbox_alloc".
(module
  (memory (export "memory") 1)
  (data (i32.const 128) "{\"ok\":[]}\00")

  (func (export "slotbox_abi_v1"))

  (func (export "slotbox_call") (param i32 i32 i32 i32) (result i64)
    (i64.const 0x0000008000000009)) ;; (128 << 32) | 9: {"ok":[]}
)
