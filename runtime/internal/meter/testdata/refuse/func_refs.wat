;; flags: --enable-function-references
(module (type $t (func))
  (func $f (param (ref $t)) (call_ref (local.get 0))))
