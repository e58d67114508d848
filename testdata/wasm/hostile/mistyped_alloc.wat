;; mistyped_alloc.wat: exports slotbox_alloc with the signature (i64) -> i64
;; instead of (i32) -> i32 (a wasm64-minded toolchain's allocator).
;;
;; The host must answer: refuse at validation, rule "export", naming
;; "slotbox_alloc".
(module
  (memory (export "memory") 1)
  (data (i32.const 128) "{\"ok\":[]}\00")
  (global $bump (mut i64) (i64.const 8192))

  (func (export "slotbox_abi_v1"))

  (func (export "slotbox_alloc") (param $size i64) (result i64)
    (local $ptr i64)
    (local.set $ptr (global.get $bump))
    (global.set $bump (i64.add (global.get $bump) (local.get $size)))
    (local.get $ptr))

  (func (export "slotbox_call") (param i32 i32 i32 i32) (result i64)
    (i64.const 0x0000008000000009)) ;; (128 << 32) | 9: {"ok":[]}
)
