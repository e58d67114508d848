;; recursion.wat: slotbox_call starts an unbounded, non-tail recursion of a
;; function with four i64 locals (each frame keeps them live across the
;; call, so frames cannot be optimised away).
;;
;; Attacks: stack exhaustion. wazero's compiler keeps the wasm stack in the
;; Go heap, outside the linear-memory cap, and grows it by doubling until
;; its ceiling, then traps with "stack overflow": measured with plain wazero
;; v1.12.0, about 2.1M frames of this function and 180 MB of Go memory for
;; one call. The interpreter stops at 2000 frames.
;; The host must answer: TRAP, from its own call-depth limit (the meter's
;; MaxCallDepth) or from wazero's stack overflow, with host memory bounded
;; and released when the instance is thrown away. The case gives fuel large
;; enough not to run out first.
(module
  (memory (export "memory") 1)
  ;; ---- common slotbox/1 skeleton (identical in every hostile fixture) ----
  ;; Strings live NUL-terminated at multiples of 128 below 8192; the heap of
  ;; the bump allocator starts at 8192.
  (global $bump (mut i32) (i32.const 8192))

  (func (export "slotbox_abi_v1"))

  ;; slotbox_alloc(size) -> ptr: 8-byte aligned bump allocation, growing
  ;; memory when needed, 0 when memory cannot grow.
  (func $alloc (export "slotbox_alloc") (param $size i32) (result i32)
    (local $ptr i32) (local $end i64) (local $have i64)
    (local.set $ptr (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    (local.set $end (i64.add (i64.extend_i32_u (local.get $ptr)) (i64.extend_i32_u (local.get $size))))
    (local.set $have (i64.shl (i64.extend_i32_u (memory.size)) (i64.const 16)))
    (if (i64.gt_u (local.get $end) (local.get $have))
      (then
        (if (i64.gt_u (local.get $end) (i64.const 0xFFFFFFFF))
          (then (return (i32.const 0))))
        (if (i32.lt_s
              (memory.grow (i32.wrap_i64
                (i64.shr_u (i64.add (i64.sub (local.get $end) (local.get $have)) (i64.const 0xFFFF))
                           (i64.const 16))))
              (i32.const 0))
          (then (return (i32.const 0))))))
    (global.set $bump (i32.wrap_i64 (local.get $end)))
    (local.get $ptr))

  (func (export "slotbox_free") (param i32 i32))

  ;; $pack returns (ptr << 32) | len, the result of slotbox_call.
  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
            (i64.extend_i32_u (local.get $len))))

  ;; $strlen returns the length of the NUL-terminated string at p.
  (func $strlen (param $p i32) (result i32)
    (local $q i32)
    (local.set $q (local.get $p))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (local.get $q))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $next)))
    (i32.sub (local.get $q) (local.get $p)))

  ;; $str returns the NUL-terminated string at p as a slotbox_call result.
  (func $str (param $p i32) (result i64)
    (call $pack (local.get $p) (call $strlen (local.get $p))))

  ;; $is reports whether the method (mp, ml) equals the NUL-terminated string at q.
  (func $is (param $mp i32) (param $ml i32) (param $q i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $ml)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $mp) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $q) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.eqz (i32.load8_u (i32.add (local.get $q) (local.get $ml)))))
  ;; ---- end of common skeleton ----

  (func $deeper (param $depth i64) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64)
    (local.set $a (i64.add (local.get $depth) (i64.const 1)))
    (local.set $b (i64.mul (local.get $a) (i64.const 3)))
    (local.set $c (i64.xor (local.get $b) (local.get $depth)))
    (local.set $d (i64.sub (local.get $c) (local.get $a)))
    (i64.add
      (i64.add (local.get $a) (local.get $b))
      (i64.add (i64.add (local.get $c) (local.get $d))
               (call $deeper (local.get $a)))))

  (func (export "slotbox_call") (param i32 i32 i32 i32) (result i64)
    (drop (call $deeper (i64.const 0)))
    (unreachable))
)
