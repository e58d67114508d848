;; flags: --enable-exceptions
(module (tag $e (param i32))
  (func (throw $e (i32.const 1))))
