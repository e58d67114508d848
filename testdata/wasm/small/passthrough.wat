;; passthrough.wat: answers every method with {"ok": <its input>}, so tests
;; can put any result, well-shaped or not, behind a catalogue method name and
;; check that the host validates results against the method's schema.
;; Built from echo.wat's skeleton (allocator, $echo); no imports.
(module
  (memory (export "memory") 1)

  ;; Static strings. Offsets and lengths are repeated in the code below.
  (data (i32.const 16) "calendar.listCalendars")  ;; 22
  (data (i32.const 48) "app.checkKeys")           ;; 13
  (data (i32.const 64) "test.echo")               ;; 9
  (data (i32.const 80) "test.error")              ;; 10
  (data (i32.const 96) "{\"ok\":[]}")             ;; 9
  (data (i32.const 112) "{\"ok\":{\"valid\":true}}") ;; 21
  (data (i32.const 144) "{\"error\":{\"code\":\"SOME_APP_CODE\",\"message\":\"boom\",\"retryable\":true}}") ;; 68
  (data (i32.const 224) "{\"error\":{\"code\":\"NOT_IMPLEMENTED\",\"message\":\"method not implemented by echo\",\"retryable\":false}}") ;; 97
  (data (i32.const 336) "{\"error\":{\"code\":\"OUT_OF_MEMORY\",\"message\":\"slotbox_alloc failed\",\"retryable\":false}}") ;; 85
  (data (i32.const 432) "{\"ok\":null}")          ;; 11

  (global $heap_base i32 (i32.const 1024))
  (global $bump (mut i32) (i32.const 1024))

  (func (export "slotbox_abi_v1"))

  ;; slotbox_alloc(size) -> ptr, 8-byte aligned, 0 when memory cannot grow.
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

  ;; $echo returns {"ok":<input>}; the input is copied after the inputs.
  (func $echo (param $in i32) (param $n i32) (result i64)
    (local $out i32)
    (if (i32.eqz (local.get $n))
      (then (return (call $pack (i32.const 432) (i32.const 11)))))
    (local.set $out (call $alloc (i32.add (local.get $n) (i32.const 7))))
    (if (i32.eqz (local.get $out))
      (then (return (call $pack (i32.const 336) (i32.const 85)))))
    ;; {"ok":  is the first 6 bytes of the string at 96.
    (memory.copy (local.get $out) (i32.const 96) (i32.const 6))
    (memory.copy (i32.add (local.get $out) (i32.const 6)) (local.get $in) (local.get $n))
    (i32.store8 (i32.add (local.get $out) (i32.add (local.get $n) (i32.const 6))) (i32.const 0x7d)) ;; }
    (call $pack (local.get $out) (i32.add (local.get $n) (i32.const 7))))

  (func $dispatch (param $mp i32) (param $ml i32) (param $ip i32) (param $il i32) (result i64)
    (call $echo (local.get $ip) (local.get $il)))

  (func (export "slotbox_call") (param $mp i32) (param $ml i32) (param $ip i32) (param $il i32) (result i64)
    (local $ret i64)
    (local.set $ret (call $dispatch (local.get $mp) (local.get $ml) (local.get $ip) (local.get $il)))
    (global.set $bump (global.get $heap_base))
    (local.get $ret))
)
