//go:build wasip1

package slotbox

import (
	"fmt"
	"unsafe"
)

// The slotbox host module (abi-v1 section 3). Go links an import only when
// code that calls it is reachable, so each raw wrapper below is referenced
// from exactly one public function.

//go:wasmimport slotbox http_request
func importHTTPRequest(ptr, size uint32) int32

//go:wasmimport slotbox vault_get
func importVaultGet(ptr, size uint32) int32

//go:wasmimport slotbox kv_get
func importKVGet(ptr, size uint32) int32

//go:wasmimport slotbox kv_set
func importKVSet(ptr, size uint32) int32

//go:wasmimport slotbox kv_delete
func importKVDelete(ptr, size uint32) int32

//go:wasmimport slotbox take_result
func importTakeResult(dst uint32) int32

//go:wasmimport slotbox log
func importLog(level int32, ptr, size uint32)

func rawHTTPRequest(in []byte) ([]byte, error) { return takeResult(importHTTPRequest(bytesAddr(in))) }
func rawVaultGet(in []byte) ([]byte, error)    { return takeResult(importVaultGet(bytesAddr(in))) }
func rawKVGet(in []byte) ([]byte, error)       { return takeResult(importKVGet(bytesAddr(in))) }
func rawKVSet(in []byte) ([]byte, error)       { return takeResult(importKVSet(bytesAddr(in))) }
func rawKVDelete(in []byte) ([]byte, error)    { return takeResult(importKVDelete(bytesAddr(in))) }

func rawLog(level int32, msg []byte) {
	ptr, size := bytesAddr(msg)
	importLog(level, ptr, size)
}

// takeResult fetches the n-byte envelope a host function left waiting.
func takeResult(n int32) ([]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("host rejected the call as malformed (status %d)", n)
	}
	// One spare byte keeps the destination pointer valid when n is 0.
	out := make([]byte, n+1)
	m := importTakeResult(uint32(uintptr(unsafe.Pointer(unsafe.SliceData(out)))))
	if m < 0 || m > n {
		return nil, fmt.Errorf("take_result copied %d bytes, %d announced", m, n)
	}
	return out[:m], nil
}

// bytesAddr returns the linear-memory address and length of b.
func bytesAddr(b []byte) (uint32, uint32) {
	if len(b) == 0 {
		return 0, 0
	}
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))), uint32(len(b))
}
