;; wasi_no_authority.wat: probes the WASI the host gives and checks each
;; answer itself. abi-v1: "no arguments, no environment, no pre-opened
;; directories, no sockets"; stdout is captured into the app log.
;;
;; Every method (the cases use test.probes) runs, in order:
;;   a  args_sizes_get         errno 0 and argc = 0
;;   b  environ_sizes_get      errno 0 and count = 0
;;   c  fd_prestat_get(3)      errno != 0 (no pre-opened directory at fd 3)
;;   d  path_open(3, "/etc/passwd", read rights)    errno != 0
;;   e  path_open(4, "etc/passwd", read rights)     errno != 0
;;   f  sock_accept(3)         errno != 0 (no sockets)
;;   g  fd_write(1, "wasi_no_authority: stdout\n") errno 0 (allowed, captured)
;;   h  random_get(16 bytes)   errno 0
;; and answers {"ok":{"no_authority":true}}; a probe whose answer is wrong
;; makes it answer
;; {"error":{"code":"WASI_HAS_AUTHORITY","message":"probe <letter>","retryable":false}}.
;;
;; Attacks: ambient authority leaking through WASI (host files, environment
;; secrets, sockets).
;; The host must answer: {"ok":{"no_authority":true}}.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $sock_accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 128) "{\"ok\":{\"no_authority\":true}}\00")
  ;; the ? (offset 256 + 55) is replaced by the probe letter
  (data (i32.const 256) "{\"error\":{\"code\":\"WASI_HAS_AUTHORITY\",\"message\":\"probe ?\",\"retryable\":false}}\00")
  (data (i32.const 384) "/etc/passwd\00")
  (data (i32.const 512) "wasi_no_authority: stdout\n\00")
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

  (func $fail (param $probe i32) (result i64)
    (i32.store8 (i32.const 311) (local.get $probe))
    (call $str (i32.const 256)))

  ;; Scratch for results: 4096..4159; an iovec at 4160.
  (func (export "slotbox_call") (param i32 i32 i32 i32) (result i64)
    (if (i32.or (call $args_sizes_get (i32.const 4096) (i32.const 4100))
                (i32.load (i32.const 4096)))
      (then (return (call $fail (i32.const 0x61))))) ;; a
    (if (i32.or (call $environ_sizes_get (i32.const 4096) (i32.const 4100))
                (i32.load (i32.const 4096)))
      (then (return (call $fail (i32.const 0x62))))) ;; b
    (if (i32.eqz (call $fd_prestat_get (i32.const 3) (i32.const 4096)))
      (then (return (call $fail (i32.const 0x63))))) ;; c
    ;; path_open(fd, dirflags, path, path_len, oflags, rights_base,
    ;;           rights_inheriting, fdflags, fd_out); rights 2 = fd_read
    (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 384) (i32.const 11)
                                  (i32.const 0) (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 4096)))
      (then (return (call $fail (i32.const 0x64))))) ;; d
    (if (i32.eqz (call $path_open (i32.const 4) (i32.const 0) (i32.const 385) (i32.const 10)
                                  (i32.const 0) (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 4096)))
      (then (return (call $fail (i32.const 0x65))))) ;; e
    (if (i32.eqz (call $sock_accept (i32.const 3) (i32.const 0) (i32.const 4096)))
      (then (return (call $fail (i32.const 0x66))))) ;; f
    (i32.store (i32.const 4160) (i32.const 512))
    (i32.store (i32.const 4164) (call $strlen (i32.const 512)))
    (if (call $fd_write (i32.const 1) (i32.const 4160) (i32.const 1) (i32.const 4096))
      (then (return (call $fail (i32.const 0x67))))) ;; g
    (if (call $random_get (i32.const 4096) (i32.const 16))
      (then (return (call $fail (i32.const 0x68))))) ;; h
    (call $str (i32.const 128)))
)
