;; flags:
(module (global (mut i64) (i64.const 0)) (export "slotbox_meter_fuel" (global 0)))
