;; refuse.wat: a slotbox/1 guest whose app.checkKeys refuses every key, for
;; the tests of installations a checkKeys rejects. No imports.
;;
;; Methods:
;;   app.checkKeys           -> {"ok":{"valid":false,"message":"the provider refused this api_key"}}
;;   calendar.listCalendars  -> {"ok":[]}
;;   anything else           -> {"error":{"code":"NOT_IMPLEMENTED",...}}
;;
;; Build: wat2wasm refuse.wat -o refuse.wasm
(module
  (memory (export "memory") 1)

  (data (i32.const 16) "app.checkKeys")            ;; 13
  (data (i32.const 32) "calendar.listCalendars")   ;; 22
  (data (i32.const 64) "{\"ok\":{\"valid\":false,\"message\":\"the provider refused this api_key\"}}") ;; 68
  (data (i32.const 144) "{\"ok\":[]}")             ;; 9
  (data (i32.const 160) "{\"error\":{\"code\":\"NOT_IMPLEMENTED\",\"message\":\"method not implemented by refuse\",\"retryable\":false}}") ;; 99

  (global $heap_base i32 (i32.const 1024))
  (global $bump (mut i32) (i32.const 1024))

  (func (export "slotbox_abi_v1"))

  ;; slotbox_alloc(size) -> ptr: a bump allocator that grows memory, 0 when it cannot.
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

  ;; $eq reports whether the n bytes at p equal the m bytes at q.
  (func $eq (param $p i32) (param $n i32) (param $q i32) (param $m i32) (result i32)
    (local $i i32)
    (if (i32.ne (local.get $n) (local.get $m)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $q) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
            (i64.extend_i32_u (local.get $len))))

  (func (export "slotbox_call") (param $mp i32) (param $ml i32) (param $ip i32) (param $il i32) (result i64)
    (global.set $bump (global.get $heap_base))
    (if (call $eq (local.get $mp) (local.get $ml) (i32.const 16) (i32.const 13))
      (then (return (call $pack (i32.const 64) (i32.const 68)))))
    (if (call $eq (local.get $mp) (local.get $ml) (i32.const 32) (i32.const 22))
      (then (return (call $pack (i32.const 144) (i32.const 9)))))
    (call $pack (i32.const 160) (i32.const 99)))
)
