;; hostcalls.wat: a slotbox/1 guest that exercises host functions.
;; Imports slotbox.kv_get, slotbox.kv_set, slotbox.take_result and slotbox.log;
;; its manifest grants "kv".
;;
;; Methods:
;;   test.kvroundtrip  input: a JSON string, e.g. "hello".
;;                     kv_set({"key":"k","value":<input>}), take_result of that
;;                     envelope (returned as is when it is not {"ok"...}), then
;;                     kv_get({"key":"k"}) and take_result: the kv_get envelope
;;                     the host gave is the output, e.g. {"ok":{"value":"hello"}}.
;;                     A negative return from any host function gives
;;                     {"error":{"code":"HOST_CALL_FAILED",...,"retryable":false}}.
;;   test.log          log(1 /* info */, input) -> {"ok":{}}
;;   test.noop_host    one log(0 /* debug */, "noop") -> {"ok":{}}
;;                     (host-function round-trip benchmark)
;;   test.noop_take    one take_result(dst) with nothing pending, return value
;;                     ignored (dst is a fresh 64 KiB buffer) -> {"ok":{}}
;;                     (round trip without side effects)
;;   calendar.listCalendars -> {"ok":[]}
;;   anything else     -> {"error":{"code":"NOT_IMPLEMENTED",...}}
;;
;; Memory and allocator as in echo.wat: bump allocator from 1024, reset when
;; slotbox_call returns.
(module
  (import "slotbox" "kv_get" (func $kv_get (param i32 i32) (result i32)))
  (import "slotbox" "kv_set" (func $kv_set (param i32 i32) (result i32)))
  (import "slotbox" "take_result" (func $take_result (param i32) (result i32)))
  (import "slotbox" "log" (func $log (param i32 i32 i32)))

  (memory (export "memory") 1)

  (data (i32.const 16) "test.kvroundtrip")        ;; 16
  (data (i32.const 32) "test.log")                ;; 8
  (data (i32.const 48) "test.noop_host")          ;; 14
  (data (i32.const 64) "test.noop_take")          ;; 14
  (data (i32.const 80) "calendar.listCalendars")  ;; 22
  (data (i32.const 112) "{\"key\":\"k\",\"value\":") ;; 19
  (data (i32.const 144) "{\"key\":\"k\"}")        ;; 11
  (data (i32.const 160) "{\"ok\":{}}")            ;; 9
  (data (i32.const 176) "{\"ok\":[]}")            ;; 9
  (data (i32.const 192) "{\"error\":{\"code\":\"HOST_CALL_FAILED\",\"message\":\"a host function returned a negative value\",\"retryable\":false}}") ;; 109
  (data (i32.const 320) "{\"error\":{\"code\":\"NOT_IMPLEMENTED\",\"message\":\"method not implemented by hostcalls\",\"retryable\":false}}") ;; 102
  (data (i32.const 432) "{\"error\":{\"code\":\"OUT_OF_MEMORY\",\"message\":\"slotbox_alloc failed\",\"retryable\":false}}") ;; 85
  (data (i32.const 528) "noop")                   ;; 4

  (global $heap_base i32 (i32.const 1024))
  (global $bump (mut i32) (i32.const 1024))

  (func (export "slotbox_abi_v1"))

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

  (func $failed (result i64) (call $pack (i32.const 192) (i32.const 109)))
  (func $oom (result i64) (call $pack (i32.const 432) (i32.const 85)))

  ;; $take fetches a pending envelope of n bytes; it returns (ptr<<32)|len, or
  ;; 0 when n is negative or take_result fails.
  (func $take (param $n i32) (result i64)
    (local $buf i32) (local $got i32)
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (i64.const 0))))
    (local.set $buf (call $alloc (local.get $n)))
    (if (i32.and (i32.eqz (local.get $buf)) (i32.ne (local.get $n) (i32.const 0)))
      (then (return (i64.const 0))))
    (local.set $got (call $take_result (local.get $buf)))
    (if (i32.lt_s (local.get $got) (i32.const 0)) (then (return (i64.const 0))))
    (call $pack (local.get $buf) (local.get $got)))

  (func $kvroundtrip (param $in i32) (param $n i32) (result i64)
    (local $req i32) (local $res i64)
    (local.set $req (call $alloc (i32.add (local.get $n) (i32.const 20))))
    (if (i32.eqz (local.get $req)) (then (return (call $oom))))
    (memory.copy (local.get $req) (i32.const 112) (i32.const 19))
    (memory.copy (i32.add (local.get $req) (i32.const 19)) (local.get $in) (local.get $n))
    (i32.store8 (i32.add (local.get $req) (i32.add (local.get $n) (i32.const 19))) (i32.const 0x7d)) ;; }
    (local.set $res (call $take (call $kv_set (local.get $req) (i32.add (local.get $n) (i32.const 20)))))
    (if (i64.eqz (local.get $res)) (then (return (call $failed))))
    ;; Not {"ok"...: hand the host's error envelope back.
    (if (i32.eqz (call $eq (i32.wrap_i64 (i64.shr_u (local.get $res) (i64.const 32)))
                           (select (i32.const 5) (i32.const 0)
                                   (i32.ge_u (i32.wrap_i64 (local.get $res)) (i32.const 5)))
                           (i32.const 160) (i32.const 5)))
      (then (return (local.get $res))))
    (local.set $res (call $take (call $kv_get (i32.const 144) (i32.const 11))))
    (if (i64.eqz (local.get $res)) (then (return (call $failed))))
    (local.get $res))

  (func $noop_take (result i64)
    (local $dst i32)
    (local.set $dst (call $alloc (i32.const 65536)))
    (if (i32.eqz (local.get $dst)) (then (return (call $oom))))
    (drop (call $take_result (local.get $dst)))
    (call $pack (i32.const 160) (i32.const 9)))

  (func $dispatch (param $mp i32) (param $ml i32) (param $ip i32) (param $il i32) (result i64)
    (if (call $eq (local.get $mp) (local.get $ml) (i32.const 16) (i32.const 16))
      (then (return (call $kvroundtrip (local.get $ip) (local.get $il)))))
    (if (call $eq (local.get $mp) (local.get $ml) (i32.const 32) (i32.const 8))
      (then
        (call $log (i32.const 1) (local.get $ip) (local.get $il))
        (return (call $pack (i32.const 160) (i32.const 9)))))
    (if (call $eq (local.get $mp) (local.get $ml) (i32.const 48) (i32.const 14))
      (then
        (call $log (i32.const 0) (i32.const 528) (i32.const 4))
        (return (call $pack (i32.const 160) (i32.const 9)))))
    (if (call $eq (local.get $mp) (local.get $ml) (i32.const 64) (i32.const 14))
      (then (return (call $noop_take))))
    (if (call $eq (local.get $mp) (local.get $ml) (i32.const 80) (i32.const 22))
      (then (return (call $pack (i32.const 176) (i32.const 9)))))
    (call $pack (i32.const 320) (i32.const 102)))

  (func (export "slotbox_call") (param $mp i32) (param $ml i32) (param $ip i32) (param $il i32) (result i64)
    (local $ret i64)
    (local.set $ret (call $dispatch (local.get $mp) (local.get $ml) (local.get $ip) (local.get $il)))
    (global.set $bump (global.get $heap_base))
    (local.get $ret))
)
