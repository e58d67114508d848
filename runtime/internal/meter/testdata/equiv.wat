;; Semantic-equivalence fixture: every construct the meter rewrites.
;; Built with: wat2wasm --debug-names equiv.wat -o equiv.wasm
(module
  (import "env" "host_add" (func $host_add (param i32 i32) (result i32)))
  (import "envg" "base" (global $base i32))
  (type $bin (func (param i32 i32) (result i32)))
  (type $un (func (param i32) (result i32)))

  (memory (export "memory") 1)
  (table $t 8 funcref)
  (table $t2 4 funcref)

  (global $started (mut i32) (i32.const 0))
  (global $fref funcref (ref.func $triple))
  (global $null funcref (ref.null func))

  ;; active segment, MVP encoding (flags 0): slots 0..2
  (elem (i32.const 0) $double $triple $square)
  ;; passive segment of function indices (flags 1)
  (elem $passive func $square $double)
  ;; active segment of expressions (flags 4)
  (elem (i32.const 5) funcref (ref.func $triple) (ref.null func))
  ;; active segment on an explicit table (flags 2 / 6)
  (elem (table $t2) (i32.const 0) func $double)
  (elem (table $t2) (i32.const 1) funcref (ref.func $square))
  ;; passive expressions (flags 5) and declarative (flags 3)
  (elem $pexpr funcref (ref.func $double) (ref.func $triple))
  (elem declare func $neg)

  (data $d "\01\02\03\04\05\06\07\08")
  (data (i32.const 512) "metered")

  (func $start
    (global.set $started (i32.add (global.get $base) (i32.const 42))))
  (start $start)
  (func $started (export "started") (result i32) (global.get $started))

  (func $double (type $un) (i32.mul (local.get 0) (i32.const 2)))
  (func $triple (type $un) (i32.mul (local.get 0) (i32.const 3)))
  (func $square (type $un) (i32.mul (local.get 0) (local.get 0)))
  (func $neg (type $un) (i32.sub (i32.const 0) (local.get 0)))

  (export "reexport" (func $host_add))

  (func $sum (export "sum") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc))

  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add
        (call $fib (i32.sub (local.get $n) (i32.const 1)))
        (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; nested loops; an inner loop branching to an outer block and to the
  ;; function label
  (func $nested (export "nested") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $acc i32)
    (block $out
      (loop $outer
        (local.set $j (i32.const 0))
        (loop $inner
          (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (local.get $j))))
          (if (i32.gt_u (local.get $acc) (i32.const 100000)) (then (br $out)))
          (if (i32.eq (local.get $acc) (i32.const 99999)) (then (br 4 (i32.const -1))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $inner (i32.lt_u (local.get $j) (local.get $n))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $outer (i32.lt_u (local.get $i) (local.get $n)))))
    (local.get $acc))

  ;; multi-value blocks and loops with parameters
  (func $mv (export "mv") (param $a i32) (param $b i32) (result i32 i32)
    (local.get $a) (local.get $b)
    (block (param i32 i32) (result i32 i32)
      (i32.add) (local.get $b))
    (loop $l (param i32 i32) (result i32 i32)
      (local.set $b) (local.set $a)
      (local.get $a) (i32.const 1) (i32.add)
      (local.get $b) (i32.const 2) (i32.mul)
      (br_if $l (i32.lt_u (local.get $b) (i32.const 1000)))))

  ;; multi-value results left by a branch to the function label
  (func $mv_ret (export "mv_ret") (param $x i32) (result i32 i64 f64)
    (i32.const 7) (i64.const -8) (f64.const 9.5)
    (br_if 0 (i32.eqz (local.get $x)))
    (drop) (drop) (drop)
    (local.get $x) (i64.extend_i32_s (local.get $x)) (f64.convert_i32_s (local.get $x)))

  ;; return from inside a loop, and code after return
  (func $early (export "early") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (if (i32.eq (local.get $i) (local.get $n))
        (then (return (i32.mul (local.get $i) (i32.const 10)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))
    (unreachable))

  (func $brtable (export "brtable") (param $x i32) (result i32)
    block $b2 (result i32)
      block $b1 (result i32)
        block $b0 (result i32)
          local.get $x
          local.get $x
          br_table $b0 $b1 $b2 3
        end
        i32.const 100
        i32.add
        return
      end
      i32.const 101
      i32.add
      return
    end
    i32.const 102
    i32.add)

  ;; br_table inside a loop with targets inside and outside it
  (func $brtable_loop (export "brtable_loop") (param $n i32) (result i32)
    (local $i i32)
    (block $exit
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_table $l $l $exit (i32.sub (local.get $n) (local.get $i)))))
    (local.get $i))

  ;; loops with results and no parameters: the meter's retry form wraps
  ;; them in a block of the loop's type (a type index for two results)
  (func $loop_results (export "loop_results") (param $n i32) (result i32)
    (local $i i32)
    (block $out (result i32)
      (i32.add
        (loop $l (result i32)
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (drop (br_if $out (i32.const -1) (i32.eq (local.get $i) (i32.const 1000))))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n)))
          (local.get $i))
        (i32.const 100))))

  (func $loop_mv (export "loop_mv") (param $n i32) (result i32)
    (local $i i32)
    (loop $l (result i32 i64)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))
      (local.get $i) (i64.extend_i32_u (i32.mul (local.get $i) (i32.const 3))))
    (i32.wrap_i64)
    (i32.add))

  (func $indirect (export "indirect") (param $i i32) (param $x i32) (result i32)
    (call_indirect (type $un) (local.get $x) (local.get $i)))

  (func $indirect_t2 (export "indirect_t2") (param $i i32) (param $x i32) (result i32)
    (call_indirect $t2 (type $un) (local.get $x) (local.get $i)))

  (func $table_ops (export "table_ops") (param $x i32) (result i32)
    (table.init $t $passive (i32.const 3) (i32.const 0) (i32.const 2))
    (table.set $t (i32.const 7) (global.get $fref))
    (elem.drop $passive)
    (table.init $t2 $pexpr (i32.const 2) (i32.const 0) (i32.const 2))
    (i32.add
      (i32.add
        (call_indirect (type $un) (local.get $x) (i32.const 3))
        (call_indirect (type $un) (local.get $x) (i32.const 4)))
      (i32.add
        (call_indirect (type $un) (local.get $x) (i32.const 7))
        (call_indirect $t2 (type $un) (local.get $x) (i32.const 3)))))

  (func $reffunc (export "reffunc") (param $x i32) (result i32)
    (local $r funcref)
    (local.set $r (ref.func $neg))
    (table.set $t (i32.const 6) (local.get $r))
    (i32.add
      (call_indirect (type $un) (local.get $x) (i32.const 6))
      (i32.add (ref.is_null (global.get $null)) (ref.is_null (local.get $r)))))

  (func $table_grow (export "table_grow") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (drop (table.grow $t (ref.func $double) (local.get $n)))
    (table.fill $t (i32.const 8) (ref.func $triple) (local.get $n))
    (table.copy $t $t (i32.const 0) (i32.const 8) (i32.const 1))
    (loop $l
      (local.set $acc (i32.add (local.get $acc)
        (call_indirect (type $un) (local.get $i) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (table.size $t))))
    (i32.add (local.get $acc) (table.size $t)))

  (func $simd (export "simd") (param $a i32) (param $b i32) (result i32)
    (local $v v128)
    (local.set $v (i32x4.add
      (i32x4.splat (local.get $a))
      (i32x4.mul (i32x4.splat (local.get $b)) (v128.const i32x4 1 2 3 4))))
    (v128.store (i32.const 64) (local.get $v))
    (local.set $v (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $v) (local.get $v)))
    (local.set $v (v128.load32_lane 2 (i32.const 64) (local.get $v)))
    (v128.store8_lane 15 (i32.const 96) (local.get $v))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))
      (i32.add (i32.load8_u (i32.const 96))
        (i32x4.extract_lane 1 (v128.load64_zero (i32.const 64))))))

  (func $simd_loop (export "simd_loop") (param $n i32) (result i32)
    (local $v v128) (local $i i32)
    (loop $l
      (local.set $v (f32x4.add (local.get $v) (f32x4.splat (f32.convert_i32_u (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.trunc_sat_f32_s (f32x4.extract_lane 2 (local.get $v))))

  (func $bulk (export "bulk") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (memory.fill (i32.const 1024) (i32.const 7) (local.get $n))
    (memory.init $d (i32.const 1024) (i32.const 2) (i32.const 4))
    (memory.copy (i32.const 2048) (i32.const 1024) (local.get $n))
    (data.drop $d)
    (loop $l
      (memory.fill (i32.add (i32.const 4096) (local.get $i)) (local.get $i) (i32.const 1))
      (local.set $acc (i32.add (local.get $acc) (i32.load8_u (i32.add (i32.const 2048) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $acc) (i32.load (i32.add (i32.const 4092) (local.get $n)))))

  ;; calls to an imported function inside a loop
  (func $callhost (export "callhost") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (call $host_add (local.get $acc) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))

  (func $misc (export "misc") (param $x i32) (param $f f64) (result i64)
    local.get $x
    i32.extend8_s
    i64.extend_i32_s
    local.get $f
    i64.trunc_sat_f64_s
    i64.add
    local.get $x
    i32.const 5
    local.get $x
    i32.const 0
    i32.lt_s
    select (result i32)
    i64.extend_i32_u
    i64.add)

  ;; loops in unreachable code after br, and memory.grow / size
  (func $deadcode (export "deadcode") (param $x i32) (result i32)
    (block $b (result i32)
      (br $b (i32.add (local.get $x) (memory.size)))
      (loop $l (br $l))
      (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
      (i32.const 0))
    (drop (memory.grow (i32.const 1)))
    (i32.add (memory.size)))
)
