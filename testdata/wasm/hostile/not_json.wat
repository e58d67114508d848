;; not_json.wat: returns in-bounds, small outputs that are not a valid
;; slotbox/1 envelope. One method per malformation:
;;
;;   calendar.listCalendars  this is not JSON
;;   test.array              [1,2]                     (JSON, not an object)
;;   test.both               {"ok":1,"error":{...}}    (both halves set)
;;   test.neither            {}                        (neither half set)
;;   test.empty              zero bytes (out_ptr valid, out_len 0)
;;   test.trailing           {"ok":[]}{"ok":[]}        (two JSON values)
;;   test.truncated          {"ok":[                   (cut short)
;;   test.nul                {"ok":[]} and a NUL byte  (a C string's terminator
;;                                                      counted in out_len)
;;   test.bad_utf8           {"ok":"<0xFF 0xFE>"}      (JSON syntax, not UTF-8;
;;                                                      encoding/json alone
;;                                                      accepts it)
;;   test.error_shape        {"error":"boom"}          (error is not an object)
;;
;; Attacks: the host's envelope parser.
;; The host must answer: BAD_OUTPUT for every method.
(module
  (memory (export "memory") 1)
  (data (i32.const 128) "test.array\00")
  (data (i32.const 256) "test.both\00")
  (data (i32.const 384) "test.neither\00")
  (data (i32.const 512) "test.empty\00")
  (data (i32.const 640) "test.trailing\00")
  (data (i32.const 768) "test.truncated\00")
  (data (i32.const 896) "test.nul\00")
  (data (i32.const 1024) "test.bad_utf8\00")
  (data (i32.const 1152) "test.error_shape\00")

  (data (i32.const 2048) "this is not JSON\00")
  (data (i32.const 2176) "[1,2]\00")
  (data (i32.const 2304) "{\"ok\":1,\"error\":{\"code\":\"X\",\"message\":\"y\",\"retryable\":false}}\00")
  (data (i32.const 2432) "{}\00")
  (data (i32.const 2560) "{\"ok\":[]}{\"ok\":[]}\00")
  (data (i32.const 2688) "{\"ok\":[\00")
  ;; test.nul returns these 9 bytes plus the NUL that ends them.
  (data (i32.const 2816) "{\"ok\":[]}\00")
  (data (i32.const 2944) "{\"ok\":\"\ff\fe\"}\00")
  (data (i32.const 3072) "{\"error\":\"boom\"}\00")
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

  (func (export "slotbox_call") (param $mp i32) (param $ml i32) (param i32 i32) (result i64)
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 128))
      (then (return (call $str (i32.const 2176)))))
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 256))
      (then (return (call $str (i32.const 2304)))))
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 384))
      (then (return (call $str (i32.const 2432)))))
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 512))
      (then (return (call $pack (i32.const 2432) (i32.const 0)))))
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 640))
      (then (return (call $str (i32.const 2560)))))
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 768))
      (then (return (call $str (i32.const 2688)))))
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 896))
      (then (return (call $pack (i32.const 2816)
                                (i32.add (call $strlen (i32.const 2816)) (i32.const 1))))))
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 1024))
      (then (return (call $str (i32.const 2944)))))
    (if (call $is (local.get $mp) (local.get $ml) (i32.const 1152))
      (then (return (call $str (i32.const 3072)))))
    (call $str (i32.const 2048)))
)
