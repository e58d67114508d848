//go:build wasip1

package slotbox

//lint:file-ignore U1000 the exports are called by the host through go:wasmexport

// The slotbox/1 exports (abi-v1 section 1). A module is one app, so they
// serve package-level state: the Mux that Register fills, wrapped in the
// module that pins buffers for the host. It is touched only by these
// exports and by Register during package initialisation, and an instance
// serves one call at a time.
var defaultModule = newModule(defaultMux)

//go:wasmexport slotbox_abi_v1
func exportABIV1() {}

//go:wasmexport slotbox_alloc
func exportAlloc(size int32) uint32 { return uint32(defaultModule.alloc(size)) }

//go:wasmexport slotbox_free
func exportFree(ptr uint32, _ int32) { defaultModule.free(uintptr(ptr)) }

//go:wasmexport slotbox_call
func exportCall(methodPtr, methodLen, inPtr, inLen uint32) uint64 {
	ptr, n := defaultModule.call(uintptr(methodPtr), methodLen, uintptr(inPtr), inLen)
	return uint64(ptr)<<32 | uint64(n)
}
