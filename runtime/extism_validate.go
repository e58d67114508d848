package runtime

import (
	"fmt"
	"strings"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime/internal/meter"
	"github.com/tetratelabs/wazero/api"
)

// Import modules of the Extism ABI.
const (
	// extismEnvModule is the Extism kernel: memory, input, output, errors,
	// config, vars and logging.
	extismEnvModule = "extism:host/env"
	// extismUserModule holds the host's own functions; Slotbox offers its
	// host functions there.
	extismUserModule = "extism:host/user"
	// extismKernelModule is where Slotbox serves the kernel functions: an
	// Extism plugin's imports from extismEnvModule are renamed to it before
	// compiling, so that every kernel call goes through Slotbox (deadline,
	// vars cap, log capture) and never through the go-sdk's own env module.
	// A module that imports it by this name is refused at upload.
	extismKernelModule = "slotbox:extism/env"
)

var (
	sigNone   = funcSig{}
	sigP      = funcSig{params: []api.ValueType{i64}}
	sigPP     = funcSig{params: []api.ValueType{i64, i64}}
	sigToP    = funcSig{results: []api.ValueType{i64}}
	sigPToP   = funcSig{params: []api.ValueType{i64}, results: []api.ValueType{i64}}
	sigPToI32 = funcSig{params: []api.ValueType{i64}, results: []api.ValueType{i32}}
	sigPI32   = funcSig{params: []api.ValueType{i64, i32}}
	sigToI32  = funcSig{results: []api.ValueType{i32}}
	sigMethod = funcSig{results: []api.ValueType{i32}}
)

// extismKernelSigs are the functions of extismEnvModule an Extism plugin may
// import, with the signatures of go-sdk v1.7.1 (kernel v1.7.0).
var extismKernelSigs = map[string]funcSig{
	"alloc":          sigPToP,
	"free":           sigP,
	"length":         sigPToP,
	"length_unsafe":  sigPToP,
	"load_u8":        sigPToI32,
	"load_u64":       sigPToP,
	"store_u8":       sigPI32,
	"store_u64":      sigPP,
	"input_length":   sigToP,
	"input_offset":   sigToP,
	"input_load_u8":  sigPToI32,
	"input_load_u64": sigPToP,
	"input_set":      sigPP,
	"output_set":     sigPP,
	"output_length":  sigToP,
	"output_offset":  sigToP,
	"reset":          sigNone,
	"error_set":      sigP,
	"error_get":      sigToP,
	"memory_bytes":   sigToP,
	"config_get":     sigPToP,
	"var_get":        sigPToP,
	"var_set":        sigPP,
	"get_log_level":  sigToI32,
	"log_trace":      sigP,
	"log_debug":      sigP,
	"log_info":       sigP,
	"log_warn":       sigP,
	"log_error":      sigP,
}

// extismRefusedKernel are the kernel's HTTP functions: they use the go-sdk's
// http.DefaultClient, which follows redirects past its allow-list, so no
// plugin may import them. extism:host/user.http_request is the way out.
var extismRefusedKernel = map[string]bool{
	"http_request":     true,
	"http_status_code": true,
	"http_headers":     true,
}

// extismUserSigs are Slotbox's host functions in extismUserModule.
var extismUserSigs = map[string]funcSig{
	abi.ImportHTTPRequest: sigPToP,
	abi.ImportVaultGet:    sigPToP,
	abi.ImportKVGet:       sigPToP,
	abi.ImportKVSet:       sigPToP,
	abi.ImportKVDelete:    sigPToP,
	abi.ImportLog:         sigPP,
}

// wantsExtism reports whether an app takes the Extism path: its manifest
// says extism/1, or it leaves the ABI at the slotbox/1 default but its
// module is an Extism plugin (imports the Extism kernel and lacks the
// slotbox/1 marker export).
func wantsExtism(wasm []byte, m *abi.Manifest) bool {
	switch m.ABI {
	case abi.ExtismVersion:
		return true
	case "", abi.Version:
	default:
		return false
	}
	info, err := inspectModule(wasm)
	if err != nil || !importsModule(info, extismEnvModule) {
		return false
	}
	for _, ex := range info.exports {
		if ex.name == abi.MarkerExport {
			return false
		}
	}
	return true
}

// checkExtism applies the upload rules to an Extism plugin: the shape rules
// of slotbox/1 (size, header, memory, tables, reserved names), the Extism
// import rules instead of the slotbox/1 ones, a start function refused, and
// exports named after catalogue methods checked for the method signature.
func checkExtism(wasm []byte, m *abi.Manifest, cfg Config, hostFuncs map[string]api.FunctionDefinition) (*moduleInfo, *moduleSigs, violations) {
	info, shape := checkShape(wasm, m, cfg, hostFuncs)
	if info == nil {
		return nil, nil, shape
	}
	// A table without a maximum is bounded at upload instead of refused
	// (rewriteForExtism): standard Go declares its table without one.
	unbounded := map[string]bool{}
	for i, tab := range info.tables {
		if !tab.hasMax && tab.min <= cfg.maxTableEntries {
			unbounded[fmt.Sprintf("table[%d]", i)] = true
		}
	}
	var vs violations
	for _, v := range shape {
		// The slotbox/1 import rules do not apply; checkExtismImports
		// replaces them.
		if v.Rule == RuleImport || v.Rule == RulePermission || (v.Rule == RuleTable && unbounded[v.Name]) {
			continue
		}
		vs = append(vs, v)
	}
	sigs, err := readModuleSigs(wasm)
	if err != nil {
		rule := RuleMalformed
		if strings.Contains(err.Error(), errFeatureType.Error()) {
			rule = RuleFeature
		}
		vs.add(rule, "", "%v", err)
		return nil, nil, vs
	}
	vs = append(vs, checkExtismImports(sigs, m, hostFuncs)...)
	if sigs.hasStart {
		for _, ex := range sigs.exports {
			if ex.name == initExport {
				vs.add(RuleExport, initExport, "the plugin has both a start function and an %s export; Slotbox runs the start function as %s (before the first call), so keep one of them", initExport, initExport)
			}
		}
	}
	if len(info.memories) != 1 {
		vs.add(RuleMemory, abi.MemoryExport, "an Extism plugin must define exactly one memory, it defines %d", len(info.memories))
	}
	for _, ex := range sigs.exports {
		method := methodOfExport(ex.name)
		if _, known := abi.LookupMethod(method); known && !ex.sig.is(nil, sigMethod.results) && !ex.sig.is(nil, nil) {
			vs.add(RuleExport, ex.name, "export %s (method %s) has signature %s, want () -> (i32) or () -> ()", ex.name, method, ex.sig)
		}
	}
	return info, sigs, vs
}

// checkExtismImports applies the import rules of an Extism plugin.
func checkExtismImports(sigs *moduleSigs, m *abi.Manifest, hostFuncs map[string]api.FunctionDefinition) violations {
	var vs violations
	for _, im := range sigs.imports {
		full := im.module + "." + im.name
		if im.module == meter.ImportModule {
			continue // refused as reserved by checkShape
		}
		if im.kind != externFunc {
			vs.add(RuleImport, full, "imports a %s; a module may import only functions", externName(im.kind))
			continue
		}
		var want funcSig
		switch im.module {
		case extismEnvModule:
			sig, ok := extismKernelSigs[im.name]
			switch {
			case extismRefusedKernel[im.name]:
				vs.add(RuleImport, full, "%s is Extism's built-in HTTP, which Slotbox does not offer: import %s.%s, which applies the manifest's permissions.http", full, extismUserModule, abi.ImportHTTPRequest)
				continue
			case !ok:
				vs.add(RuleImport, full, "%q is not a function of %s", im.name, extismEnvModule)
				continue
			}
			want = sig
		case extismUserModule:
			sig, ok := extismUserSigs[im.name]
			if !ok {
				vs.add(RuleImport, full, "%q is not a Slotbox host function (%s offers http_request, vault_get, kv_get, kv_set, kv_delete and log)", im.name, extismUserModule)
				continue
			}
			if perm, _ := abi.ImportPermission(im.name); !m.Permissions.Grants(perm) {
				vs.add(RulePermission, full, "imports %s but the manifest does not grant permissions.%s", im.name, perm)
				continue
			}
			want = sig
		case abi.WASIModule:
			def, ok := hostFuncs[full]
			if !ok {
				vs.add(RuleImport, full, "%q is not a function of %s", im.name, abi.WASIModule)
				continue
			}
			want = funcSig{params: def.ParamTypes(), results: def.ResultTypes()}
		default:
			vs.add(RuleImport, full, "import module %q is not allowed (only %q, %q and %q)", im.module, extismEnvModule, extismUserModule, abi.WASIModule)
			continue
		}
		if !im.sig.is(want.params, want.results) {
			vs.add(RuleImport, full, "imported with signature %s, the host's is %s", im.sig, want)
		}
	}
	return vs
}

// exportOfMethod is the plugin export that serves method: the dots become
// underscores ("calendar.createEvent" -> "calendar_createEvent"). A method
// is two or more dot-separated names, each starting with a letter, so a
// call can never reach _initialize, _start or another export whose name
// starts with an underscore.
func exportOfMethod(method string) (string, bool) {
	parts, start := 0, true
	for i := 0; i < len(method); i++ {
		c := method[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		switch {
		case c == '.' && !start:
			parts++
			start = true
		case start && letter:
			start = false
		case !start && (letter || c >= '0' && c <= '9' || c == '_'):
		default:
			return "", false
		}
	}
	if start || parts == 0 {
		return "", false
	}
	return strings.ReplaceAll(method, ".", "_"), true
}

// methodOfExport is the catalogue method an export would serve, by the
// naming rule of exportOfMethod ("calendar_createEvent" ->
// "calendar.createEvent"); the result is only meaningful for catalogue names,
// which have one underscore.
func methodOfExport(name string) string {
	return strings.Replace(name, "_", ".", 1)
}
