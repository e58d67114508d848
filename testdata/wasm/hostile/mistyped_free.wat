;; mistyped_free.wat: exports the optional slotbox_free as (i32) -> () (C's
;; free(ptr)) instead of (ptr i32, size i32) -> (), otherwise a complete
;; slotbox/1 module.
;;
;; The host must answer: refuse at validation, rule "export", naming
;; "slotbox_free".
(module
  (memory (export "memory") 1)
  (data (i32.const 128) "{\"ok\":[]}\00")
  (global $bump (mut i32) (i32.const 8192))

  (func (export "slotbox_abi_v1"))

  (func $alloc (export "slotbox_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $bump))
    (global.set $bump (i32.add (global.get $bump) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (local.get $ptr))

  (func (export "slotbox_free") (param i32))

  (func (export "slotbox_call") (param i32 i32 i32 i32) (result i64)
    (i64.const 0x0000008000000009)) ;; (128 << 32) | 9: {"ok":[]}
)
