;; grow_bomb.wat: grows linear memory until memory.grow returns -1: by 16
;; pages (1 MiB) at a time until that fails, then by 1 page (64 KiB) at a
;; time until that fails too, so the memory ends exactly at the host's cap
;; whatever the cap is. The memory declares a minimum of 1 page and NO
;; maximum, so only the host's memory cap stops it. After every successful
;; grow it writes one byte at the last address of memory, so the new pages
;; are really touched.
;;
;; What each method does once memory.grow returns -1:
;;   calendar.listCalendars  executes `unreachable` (a trap), as a language
;;                           runtime's out-of-memory abort does.
;;   test.grow_then_oob      stores one byte at memory.size * 65536, one past
;;                           the end (an out-of-bounds trap), as a C guest
;;                           that ignores a failed allocation does.
;;   test.grow_then_ok       returns {"ok":{}} normally.
;;
;; Attacks: host memory exhaustion through linear memory.
;; The host must answer: MEMORY_LIMIT for the first two (a trap while the
;; memory is at the host's cap means the guest ran out of memory), and a
;; successful {"ok":{}} for the third (hitting the cap without trapping is
;; not a failure). The memory never exceeds the cap.
(module
  (memory (export "memory") 1)
  (data (i32.const 128) "test.grow_then_oob\00")
  (data (i32.const 256) "test.grow_then_ok\00")
  (data (i32.const 384) "{\"ok\":{}}\00")
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

  ;; $grow_by grows by n pages at a time, touching the last byte after each
  ;; grow, until memory.grow fails.
  (func $grow_by (param $n i32)
    (block $full
      (loop $more
        (br_if $full (i32.eq (memory.grow (local.get $n)) (i32.const -1)))
        (i32.store8 (i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const 1)) (i32.const 0xAB))
        (br $more))))

  ;; $grow_all grows memory to the largest size the host allows.
  (func $grow_all
    (call $grow_by (i32.const 16))
    (call $grow_by (i32.const 1)))

  (func (export "slotbox_call") (param $mp i32) (param $ml i32) (param i32 i32) (result i64)
    (call $grow_all)
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 128))
      (then
        (i32.store8 (i32.shl (memory.size) (i32.const 16)) (i32.const 1))
        (unreachable)))
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 256))
      (then (return (call $str (i32.const 384)))))
    (unreachable))
)
