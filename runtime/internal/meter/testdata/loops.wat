;; Metering fixture: a tight loop, an infinite loop, recursion, bulk memory.
;; Built with: wat2wasm loops.wat -o loops.wasm
(module
  (memory (export "memory") 1)

  ;; 3 instructions outside the loop, 9 inside: charges 3 + 9n.
  (func (export "count") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))

  ;; A loop with a call at the top of the body: the function region (3) is
  ;; folded into the loop's charge (10), the callee charges 2: 15n.
  (func $leaf (param i32) (result i32) (local.get 0))
  (func (export "calls") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (call $leaf (i32.add (local.get $i) (i32.const 1))))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))

  (func (export "spin")
    (loop $l (br $l)))

  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get $n) (i32.const 1)))))))

  ;; one memory.fill of n bytes: 5 static units plus n/16.
  (func (export "fill") (param $n i32)
    (memory.fill (i32.const 0) (i32.const 1) (local.get $n)))
)
