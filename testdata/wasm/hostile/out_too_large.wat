;; out_too_large.wat: returns a well-formed envelope that is simply big:
;; {"ok":[] followed by spaces and a closing }, which is valid JSON whose
;; result is [] (so it passes the calendar.listCalendars schema). Memory
;; starts at 48 pages (3 MiB); the envelope is built at offset 65536.
;;
;; Methods and output sizes:
;;   calendar.listCalendars  2 MiB      (2097152 bytes)
;;   test.exact_1mib         1 MiB      (1048576 bytes)
;;   test.over_1mib          1 MiB + 1  (1048577 bytes)
;;
;; Attacks: host memory and bandwidth through a huge result.
;; The host must answer, with a 1 MiB output cap: OUTPUT_TOO_LARGE for the
;; 2 MiB and 1 MiB + 1 outputs, success ({"ok":[]}) for exactly 1 MiB (the
;; cap is inclusive); with a 4 MiB cap, success for all three. The size is
;; checked from out_len before anything is copied.
(module
  (memory (export "memory") 48)
  (data (i32.const 128) "test.exact_1mib\00")
  (data (i32.const 256) "test.over_1mib\00")
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

  ;; $blank builds a len-byte envelope {"ok":[]   ...   } at 65536.
  (func $blank (param $len i32) (result i64)
    (local $p i32)
    (local.set $p (i32.const 65536))
    ;; {"ok":[]  =  7b 22 6f 6b 22 3a 5b 5d
    (i64.store (local.get $p) (i64.const 0x5d5b3a226b6f227b))
    (memory.fill (i32.add (local.get $p) (i32.const 8)) (i32.const 0x20)
                 (i32.sub (local.get $len) (i32.const 9)))
    (i32.store8 (i32.add (local.get $p) (i32.sub (local.get $len) (i32.const 1))) (i32.const 0x7d))
    (call $pack (local.get $p) (local.get $len)))

  (func (export "slotbox_call") (param $mp i32) (param $ml i32) (param i32 i32) (result i64)
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 128))
      (then (return (call $blank (i32.const 1048576)))))
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 256))
      (then (return (call $blank (i32.const 1048577)))))
    (call $blank (i32.const 2097152)))
)
