;; flags:
(module (import "slotbox_meter" "refuel" (func)))
