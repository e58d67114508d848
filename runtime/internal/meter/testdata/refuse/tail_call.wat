;; flags: --enable-tail-call
(module (func $f (param i32) (result i32) (return_call $f (local.get 0))))
