;; alloc_wrap.wat: slotbox_alloc returns 0xFFFFFFF0 whatever the size asked,
;; so pointer + size wraps around in 32-bit arithmetic (for 22 bytes, to
;; 0x6), which a naive uint32 bounds check accepts.
;;
;; The host must answer: BAD_OUTPUT (it refuses to write), no panic, and
;; slotbox_call is not called.
(module
  (memory (export "memory") 1)
  (data (i32.const 128) "{\"ok\":[]}")

  (func (export "slotbox_abi_v1"))

  (func (export "slotbox_alloc") (param i32) (result i32)
    (i32.const 0xFFFFFFF0))

  (func (export "slotbox_call") (param i32 i32 i32 i32) (result i64)
    (i64.const 0x0000008000000009)) ;; (128 << 32) | 9: {"ok":[]}
)
