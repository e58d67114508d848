;; flags:
(module (func) (export "slotbox_meter_depth" (func 0)))
