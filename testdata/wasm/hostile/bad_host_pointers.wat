;; bad_host_pointers.wat: calls host functions with pointers and lengths the
;; host must refuse, and checks each answer itself. Manifest grants "kv".
;; Memory stays at 1 page (65536 bytes); "end" below is memory.size * 65536.
;;
;; test.probes (and every method but test.take_dst_oob) runs every probe, in
;; this order:
;;   a  kv_get(0xFFFFFFF0, 16)           pointer past the end        -> n < 0
;;   b  kv_get(end - 4, 16)              range straddles the end     -> n < 0
;;   c  kv_get(256, 0xFFFFFFFF)          length -1 as u32            -> n < 0
;;   d  kv_get(256, 0x80000000)          length 2 GiB                -> n < 0
;;   e  kv_get(0xFFFFFFFF, 2)            ptr + len wraps to 1 in u32 -> n < 0
;;   f  kv_set(0xFFFFFFF0, 16)           pointer past the end        -> n < 0
;;   g  take_result(4096)                nothing pending             -> n < 0
;;   h  kv_get({"key":"k"})              valid (sanity)              -> n >= 0
;;   i  take_result(0xFFFFFFF0)          dst past the end            -> n < 0
;;   j  take_result(end - 2)             dst straddles the end       -> n < 0
;;   k  take_result(0xFFFFFFFF)          dst wraps                   -> n < 0
;;      log(1, 0xFFFFFFF0, 16), log(1, 256, 0xFFFFFFFF),
;;      log(1, 0xFFFFFFFF, 2), log(1, end - 4, 16), log(1, 256, 0x80000000)
;;                                       all dropped: nothing logged, no trap
;;   l  kv_get({"key":"k"})              valid again: the host still works
;;   m  take_result(4096)                valid dst                   -> n >= 0
;;   then log(1, "bad_host_pointers: done") and {"ok":{"survived":true}}.
;; test.take_dst_oob runs only h, i, then the same ending.
;;
;; A probe whose answer is wrong makes the call return
;; {"error":{"code":"HOST_ACCEPTED_BAD_POINTER","message":"probe <letter>","retryable":false}}.
;;
;; Attacks: host functions that trust guest pointers (slice panics, reads or
;; writes outside the guest memory, uint32 overflow in bounds checks).
;; The host must answer: an error value for each bad call (a negative
;; return; for log, silently nothing), never a trap or a panic; the call
;; completes with {"ok":{"survived":true}} and the app log holds exactly
;; one line, "bad_host_pointers: done". (Whether a failed take_result
;; leaves the result pending is not tested: i, j and k each fail either way.)
(module
  (import "slotbox" "kv_get" (func $kv_get (param i32 i32) (result i32)))
  (import "slotbox" "kv_set" (func $kv_set (param i32 i32) (result i32)))
  (import "slotbox" "take_result" (func $take_result (param i32) (result i32)))
  (import "slotbox" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 128) "test.take_dst_oob\00")
  (data (i32.const 256) "{\"key\":\"k\"}\00")
  ;; the ? (offset 384 + 62) is replaced by the probe letter
  (data (i32.const 384) "{\"error\":{\"code\":\"HOST_ACCEPTED_BAD_POINTER\",\"message\":\"probe ?\",\"retryable\":false}}\00")
  (data (i32.const 512) "{\"ok\":{\"survived\":true}}\00")
  (data (i32.const 640) "bad_host_pointers: done\00")
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

  (func $end (result i32) (i32.shl (memory.size) (i32.const 16)))

  (func $fail (param $probe i32) (result i64)
    (i32.store8 (i32.const 446) (local.get $probe))
    (call $str (i32.const 384)))

  (func $done (result i64)
    (call $log (i32.const 1) (i32.const 640) (call $strlen (i32.const 640)))
    (call $str (i32.const 512)))

  ;; $take_oob is probes h and i; it returns 0 when both answered correctly,
  ;; else the probe letter.
  (func $take_oob (result i32)
    (if (i32.lt_s (call $kv_get (i32.const 256) (call $strlen (i32.const 256))) (i32.const 0))
      (then (return (i32.const 0x68)))) ;; h
    (if (i32.ge_s (call $take_result (i32.const 0xFFFFFFF0)) (i32.const 0))
      (then (return (i32.const 0x69)))) ;; i
    (i32.const 0))

  (func $all (result i64)
    (local $bad i32)
    (if (i32.ge_s (call $kv_get (i32.const 0xFFFFFFF0) (i32.const 16)) (i32.const 0))
      (then (return (call $fail (i32.const 0x61))))) ;; a
    (if (i32.ge_s (call $kv_get (i32.sub (call $end) (i32.const 4)) (i32.const 16)) (i32.const 0))
      (then (return (call $fail (i32.const 0x62))))) ;; b
    (if (i32.ge_s (call $kv_get (i32.const 256) (i32.const 0xFFFFFFFF)) (i32.const 0))
      (then (return (call $fail (i32.const 0x63))))) ;; c
    (if (i32.ge_s (call $kv_get (i32.const 256) (i32.const 0x80000000)) (i32.const 0))
      (then (return (call $fail (i32.const 0x64))))) ;; d
    (if (i32.ge_s (call $kv_get (i32.const 0xFFFFFFFF) (i32.const 2)) (i32.const 0))
      (then (return (call $fail (i32.const 0x65))))) ;; e
    (if (i32.ge_s (call $kv_set (i32.const 0xFFFFFFF0) (i32.const 16)) (i32.const 0))
      (then (return (call $fail (i32.const 0x66))))) ;; f
    (if (i32.ge_s (call $take_result (i32.const 4096)) (i32.const 0))
      (then (return (call $fail (i32.const 0x67))))) ;; g
    (local.set $bad (call $take_oob))
    (if (local.get $bad) (then (return (call $fail (local.get $bad))))) ;; h, i
    (if (i32.ge_s (call $take_result (i32.sub (call $end) (i32.const 2))) (i32.const 0))
      (then (return (call $fail (i32.const 0x6A))))) ;; j
    (if (i32.ge_s (call $take_result (i32.const 0xFFFFFFFF)) (i32.const 0))
      (then (return (call $fail (i32.const 0x6B))))) ;; k
    (call $log (i32.const 1) (i32.const 0xFFFFFFF0) (i32.const 16))
    (call $log (i32.const 1) (i32.const 256) (i32.const 0xFFFFFFFF))
    (call $log (i32.const 1) (i32.const 0xFFFFFFFF) (i32.const 2))
    (call $log (i32.const 1) (i32.sub (call $end) (i32.const 4)) (i32.const 16))
    (call $log (i32.const 1) (i32.const 256) (i32.const 0x80000000))
    (if (i32.lt_s (call $kv_get (i32.const 256) (call $strlen (i32.const 256))) (i32.const 0))
      (then (return (call $fail (i32.const 0x6C))))) ;; l
    (if (i32.lt_s (call $take_result (i32.const 4096)) (i32.const 0))
      (then (return (call $fail (i32.const 0x6D))))) ;; m
    (call $done))

  (func (export "slotbox_call") (param $mp i32) (param $ml i32) (param i32 i32) (result i64)
    (local $bad i32)
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 128))
      (then
        (local.set $bad (call $take_oob))
        (if (local.get $bad) (then (return (call $fail (local.get $bad)))))
        (return (call $done))))
    (call $all))
)
