// Package abi is the contract between the Slotbox host and an app's .wasm
// module: the method catalogue, request and result types with Cal.com's field
// names, the result envelope and error codes, and the app manifest.
//
// The wire contract it describes is slotbox/1, documented in docs/abi.md.
package abi

// Version is the ABI a module speaks when it exports MarkerExport.
const Version = "slotbox/1"

// ExtismVersion is the manifest "abi" value of apps built with an Extism PDK.
const ExtismVersion = "extism/1"

// Names of the exports a slotbox/1 module must or may have.
const (
	MarkerExport     = "slotbox_abi_v1"
	AllocExport      = "slotbox_alloc"
	CallExport       = "slotbox_call"
	FreeExport       = "slotbox_free"
	InitializeExport = "_initialize"
	MemoryExport     = "memory"
)

// HostModule is the import module of the host functions.
const HostModule = "slotbox"

// WASIModule is the only other import module a guest may use.
const WASIModule = "wasi_snapshot_preview1"

// Names reserved for the runtime's metering, which instruments every module
// at upload: an uploaded module that imports from ReservedImportModule or
// exports a name starting with ReservedExportPrefix is refused.
const (
	ReservedImportModule = "slotbox_meter"
	ReservedExportPrefix = "slotbox_meter_"
)

// Names of the host functions in HostModule.
const (
	ImportHTTPRequest = "http_request"
	ImportVaultGet    = "vault_get"
	ImportKVGet       = "kv_get"
	ImportKVSet       = "kv_set"
	ImportKVDelete    = "kv_delete"
	ImportTakeResult  = "take_result"
	ImportLog         = "log"
)

// Permission names a manifest grants under "permissions".
const (
	PermissionHTTP  = "http"
	PermissionVault = "vault"
	PermissionKV    = "kv"
)

// ImportPermission returns the manifest permission a host import needs, ""
// when it needs none, and ok=false when the name is not a host function.
func ImportPermission(name string) (perm string, ok bool) {
	switch name {
	case ImportHTTPRequest:
		return PermissionHTTP, true
	case ImportVaultGet:
		return PermissionVault, true
	case ImportKVGet, ImportKVSet, ImportKVDelete:
		return PermissionKV, true
	case ImportTakeResult, ImportLog:
		return "", true
	}
	return "", false
}

// LogLevel is the level argument of the log host function.
type LogLevel int32

// Log levels of the log host function.
const (
	LogDebug LogLevel = 0
	LogInfo  LogLevel = 1
	LogWarn  LogLevel = 2
	LogError LogLevel = 3
)

// String returns the level's lower-case name.
func (l LogLevel) String() string {
	switch l {
	case LogDebug:
		return "debug"
	case LogInfo:
		return "info"
	case LogWarn:
		return "warn"
	case LogError:
		return "error"
	}
	return "unknown"
}
