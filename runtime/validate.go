package runtime

import (
	"errors"
	"fmt"
	"strings"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/runtime/internal/meter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Rules a module can break; each refusal names one.
const (
	RuleSize       = "size"       // module bytes over the cap
	RuleMagic      = "magic"      // not a WebAssembly binary, or another version
	RuleMalformed  = "malformed"  // the binary does not decode or validate
	RuleFeature    = "feature"    // uses a Wasm feature the runtime does not enable
	RuleImport     = "import"     // imports something outside the allowed host modules
	RulePermission = "permission" // imports a host function its manifest does not grant
	RuleExport     = "export"     // lacks a required export or has the wrong signature
	RuleMemory     = "memory"     // declared memory over the limit, or imported or shared
	RuleTable      = "table"      // a table whose minimum is over the entry cap
	RuleLocals     = "locals"     // a function declares more locals than the runtime compiles
	RuleLimit      = "limit"      // another size limit of the module (functions, body size)
	RuleReserved   = "reserved"   // uses a name the runtime reserves for metering
	RuleABI        = "abi"        // the manifest names an ABI this runtime does not serve
)

var (
	errBadMagic   = errors.New("not a WebAssembly binary (bad magic)")
	errBadVersion = errors.New("unsupported WebAssembly binary version (want 1)")
)

// Violation is one reason a module was refused.
type Violation struct {
	Rule    string `json:"rule"`
	Name    string `json:"name,omitempty"`
	Message string `json:"message"`
}

// ValidationError lists every reason a module was refused.
type ValidationError struct {
	Violations []Violation
}

// Error implements the error interface.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		if v.Name != "" {
			parts[i] = fmt.Sprintf("%s[%s]: %s", v.Rule, v.Name, v.Message)
		} else {
			parts[i] = fmt.Sprintf("%s: %s", v.Rule, v.Message)
		}
	}
	return "invalid module: " + strings.Join(parts, "; ")
}

// Has reports whether a violation of rule (and name, when not empty) was found.
func (e *ValidationError) Has(rule, name string) bool {
	for _, v := range e.Violations {
		if v.Rule == rule && (name == "" || v.Name == name) {
			return true
		}
	}
	return false
}

type violations []Violation

func (vs *violations) add(rule, name, format string, args ...any) {
	*vs = append(*vs, Violation{Rule: rule, Name: name, Message: fmt.Sprintf(format, args...)})
}

func (vs violations) err() error {
	if len(vs) == 0 {
		return nil
	}
	return &ValidationError{Violations: vs}
}

// exportSig is a required or optional export's exact signature.
type exportSig struct {
	params, results []api.ValueType
	required        bool
}

var i32, i64 = api.ValueTypeI32, api.ValueTypeI64

var slotboxExports = map[string]exportSig{
	abi.MarkerExport:     {required: true},
	abi.AllocExport:      {params: []api.ValueType{i32}, results: []api.ValueType{i32}, required: true},
	abi.CallExport:       {params: []api.ValueType{i32, i32, i32, i32}, results: []api.ValueType{i64}, required: true},
	abi.FreeExport:       {params: []api.ValueType{i32, i32}},
	abi.InitializeExport: {},
}

// checkShape applies the rules that need only the module's sections: size,
// header, imports against the allowed modules and the manifest, memory and
// reserved names. It runs before compiling.
func checkShape(wasm []byte, m *abi.Manifest, cfg Config, hostFuncs map[string]api.FunctionDefinition) (*moduleInfo, violations) {
	var vs violations
	if len(wasm) > cfg.maxModuleSize {
		vs.add(RuleSize, "", "module is %d bytes, over the limit of %d", len(wasm), cfg.maxModuleSize)
		return nil, vs
	}
	info, err := inspectModule(wasm)
	switch {
	case errors.Is(err, errBadMagic), errors.Is(err, errBadVersion):
		vs.add(RuleMagic, "", "%v", err)
		return nil, vs
	case err != nil:
		vs.add(RuleMalformed, "", "%v", err)
		return nil, vs
	}
	for _, im := range info.imports {
		full := im.module + "." + im.name
		switch {
		case im.module == meter.ImportModule:
			vs.add(RuleReserved, full, "import module %q is reserved for the runtime's metering", meter.ImportModule)
		case im.kind != externFunc:
			vs.add(RuleImport, full, "imports a %s; a module may import only functions", externName(im.kind))
		case im.module == abi.HostModule:
			perm, ok := abi.ImportPermission(im.name)
			if !ok {
				vs.add(RuleImport, full, "%q is not a host function of slotbox/1", im.name)
			} else if !m.Permissions.Grants(perm) {
				vs.add(RulePermission, full, "imports %s but the manifest does not grant permissions.%s", im.name, perm)
			}
		case im.module == abi.WASIModule:
			if _, ok := hostFuncs[full]; !ok {
				vs.add(RuleImport, full, "%q is not a function of %s", im.name, abi.WASIModule)
			}
		default:
			vs.add(RuleImport, full, "import module %q is not allowed (only %q and %q)", im.module, abi.HostModule, abi.WASIModule)
		}
	}
	for _, mem := range info.memories {
		if mem.min > cfg.memoryPages() {
			vs.add(RuleMemory, abi.MemoryExport, "declares a minimum of %d pages (%d MiB), over the limit of %d pages (%d MiB)",
				mem.min, mem.min*pageSize>>20, cfg.memoryPages(), cfg.memoryPages()*pageSize>>20)
		}
	}
	// Tables get a bounded maximum when compiled (capTables); a minimum
	// over the cap would cost that much host memory at instantiation.
	for i, tab := range info.tables {
		if tab.min > cfg.maxTableEntries {
			name := fmt.Sprintf("table[%d]", i)
			vs.add(RuleTable, name, "%s declares %d entries, over the limit of %d", name, tab.min, cfg.maxTableEntries)
		}
	}
	for _, ex := range info.exports {
		if strings.HasPrefix(ex.name, "slotbox_meter_") {
			vs.add(RuleReserved, ex.name, "export names starting with slotbox_meter_ are reserved for the runtime's metering")
		}
	}
	return info, vs
}

// checkExports applies the export rules of slotbox/1 to a compiled module.
func checkExports(info *moduleInfo, cm wazero.CompiledModule) violations {
	var vs violations
	hasMemory := false
	for _, ex := range info.exports {
		if ex.name == abi.MemoryExport && ex.kind == externMemory {
			hasMemory = true
		}
	}
	if !hasMemory {
		vs.add(RuleExport, abi.MemoryExport, "the module must export its memory as %q", abi.MemoryExport)
	}
	fns := cm.ExportedFunctions()
	for _, name := range []string{abi.MarkerExport, abi.AllocExport, abi.CallExport, abi.FreeExport, abi.InitializeExport} {
		want := slotboxExports[name]
		def, ok := fns[name]
		if !ok {
			if want.required {
				vs.add(RuleExport, name, "required export %s %s is missing", name, sigString(want.params, want.results))
			}
			continue
		}
		if !sameTypes(def.ParamTypes(), want.params) || !sameTypes(def.ResultTypes(), want.results) {
			vs.add(RuleExport, name, "export %s has signature %s, want %s", name,
				sigString(def.ParamTypes(), def.ResultTypes()), sigString(want.params, want.results))
		}
	}
	return vs
}

// checkImportSignatures compares each imported function's type with the host's.
func checkImportSignatures(cm wazero.CompiledModule, hostFuncs map[string]api.FunctionDefinition) violations {
	var vs violations
	for _, def := range cm.ImportedFunctions() {
		mod, name, _ := def.Import()
		if mod == meter.ImportModule {
			continue
		}
		host, ok := hostFuncs[mod+"."+name]
		if !ok {
			continue // already reported by checkShape
		}
		if !sameTypes(def.ParamTypes(), host.ParamTypes()) || !sameTypes(def.ResultTypes(), host.ResultTypes()) {
			vs.add(RuleImport, mod+"."+name, "imported with signature %s, the host's is %s",
				sigString(def.ParamTypes(), def.ResultTypes()), sigString(host.ParamTypes(), host.ResultTypes()))
		}
	}
	return vs
}

func sameTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sigString(params, results []api.ValueType) string {
	names := func(ts []api.ValueType) string {
		s := make([]string, len(ts))
		for i, t := range ts {
			s[i] = api.ValueTypeName(t)
		}
		return strings.Join(s, ",")
	}
	return "(" + names(params) + ") -> (" + names(results) + ")"
}
