package runtime

import (
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero/api"
)

// funcSig is a function type of the type section.
type funcSig struct {
	params, results []api.ValueType
}

// sigImport is an import with its function signature (kind externFunc only).
type sigImport struct {
	module, name string
	kind         byte
	sig          funcSig
}

// sigExport is an exported function with its signature.
type sigExport struct {
	name string
	sig  funcSig
}

// moduleSigs is what the Extism path needs beyond moduleInfo: the signature
// of every imported and exported function, and the start function.
type moduleSigs struct {
	imports   []sigImport
	exports   []sigExport
	hasStart  bool
	startFunc uint32
}

// readModuleSigs decodes the type, import, function, export and start
// sections of a module inspectModule already accepted. Like inspectModule it
// checks framing only; full validation is the compiler's.
func readModuleSigs(b []byte) (*moduleSigs, error) {
	var (
		types    []funcSig
		funcs    []uint32 // type index of every function, imported first
		exported []struct {
			name string
			idx  uint32
		}
		out = &moduleSigs{}
	)
	err := eachSection(b, func(id byte, body []byte) error {
		r := &byteReader{b: body}
		switch id {
		case sectionType:
			return readTypes(r, &types)
		case sectionImport:
			return readSigImports(r, types, out, &funcs)
		case sectionFunction:
			n, err := r.u32()
			if err != nil {
				return fmt.Errorf("function section: %w", err)
			}
			for i := uint32(0); i < n; i++ {
				t, err := r.u32()
				if err != nil {
					return fmt.Errorf("function %d: %w", i, err)
				}
				funcs = append(funcs, t)
			}
		case sectionExport:
			n, err := r.u32()
			if err != nil {
				return fmt.Errorf("export section: %w", err)
			}
			for i := uint32(0); i < n; i++ {
				name, err := r.name()
				if err != nil {
					return fmt.Errorf("export %d: %w", i, err)
				}
				kind, err := r.byte()
				if err != nil {
					return fmt.Errorf("export %d: %w", i, err)
				}
				idx, err := r.u32()
				if err != nil {
					return fmt.Errorf("export %d: %w", i, err)
				}
				if kind == externFunc {
					exported = append(exported, struct {
						name string
						idx  uint32
					}{name, idx})
				}
			}
		case sectionStart:
			idx, err := r.u32()
			if err != nil {
				return fmt.Errorf("start section: %w", err)
			}
			out.hasStart, out.startFunc = true, idx
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, t := range funcs {
		if int64(t) >= int64(len(types)) {
			return nil, fmt.Errorf("function %d has type %d, which does not exist", i, t)
		}
	}
	if out.hasStart && int64(out.startFunc) >= int64(len(funcs)) {
		return nil, fmt.Errorf("start function %d does not exist", out.startFunc)
	}
	for _, ex := range exported {
		if int64(ex.idx) >= int64(len(funcs)) {
			return nil, fmt.Errorf("export %q names function %d, which does not exist", ex.name, ex.idx)
		}
		out.exports = append(out.exports, sigExport{name: ex.name, sig: types[funcs[ex.idx]]})
	}
	return out, nil
}

// errFeatureType is returned for type-section entries CoreFeaturesV2 lacks
// (GC recursion groups, typed references).
var errFeatureType = errors.New("type section uses a feature this runtime does not enable")

func readTypes(r *byteReader, types *[]funcSig) error {
	n, err := r.u32()
	if err != nil {
		return fmt.Errorf("type section: %w", err)
	}
	for i := uint32(0); i < n; i++ {
		form, err := r.byte()
		if err != nil {
			return fmt.Errorf("type %d: %w", i, err)
		}
		if form != 0x60 {
			return fmt.Errorf("type %d: %w", i, errFeatureType)
		}
		var sig funcSig
		if sig.params, err = readValueTypes(r); err != nil {
			return fmt.Errorf("type %d params: %w", i, err)
		}
		if sig.results, err = readValueTypes(r); err != nil {
			return fmt.Errorf("type %d results: %w", i, err)
		}
		*types = append(*types, sig)
	}
	return nil
}

func readValueTypes(r *byteReader) ([]api.ValueType, error) {
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	if int64(n) > int64(len(r.b)-r.off) {
		return nil, errTruncated
	}
	out := make([]api.ValueType, n)
	for i := range out {
		t, err := r.byte()
		if err != nil {
			return nil, err
		}
		switch t {
		case api.ValueTypeI32, api.ValueTypeI64, api.ValueTypeF32, api.ValueTypeF64,
			api.ValueTypeExternref, 0x70 /* funcref */, 0x7b /* v128 */ :
		default:
			return nil, errFeatureType
		}
		out[i] = t
	}
	return out, nil
}

func readSigImports(r *byteReader, types []funcSig, out *moduleSigs, funcs *[]uint32) error {
	n, err := r.u32()
	if err != nil {
		return fmt.Errorf("import section: %w", err)
	}
	for i := uint32(0); i < n; i++ {
		var im sigImport
		if im.module, err = r.name(); err != nil {
			return fmt.Errorf("import %d: %w", i, err)
		}
		if im.name, err = r.name(); err != nil {
			return fmt.Errorf("import %d: %w", i, err)
		}
		if im.kind, err = r.byte(); err != nil {
			return fmt.Errorf("import %d: %w", i, err)
		}
		if err := skipImportDesc(r, im.kind, func(t uint32) error {
			if int64(t) >= int64(len(types)) {
				return fmt.Errorf("type index %d out of range", t)
			}
			im.sig = types[t]
			*funcs = append(*funcs, t)
			return nil
		}); err != nil {
			return fmt.Errorf("import %d %s.%s: %w", i, im.module, im.name, err)
		}
		out.imports = append(out.imports, im)
	}
	return nil
}

// skipImportDesc reads the descriptor of an import of kind; for a function
// it hands the type index to onFunc.
func skipImportDesc(r *byteReader, kind byte, onFunc func(uint32) error) error {
	switch kind {
	case externFunc:
		t, err := r.u32()
		if err != nil {
			return err
		}
		return onFunc(t)
	case externTable:
		if _, err := r.byte(); err != nil {
			return err
		}
		_, err := r.limits()
		return err
	case externMemory:
		_, err := r.limits()
		return err
	case externGlobal:
		_, err := r.bytes(2)
		return err
	case externTag:
		if _, err := r.byte(); err != nil {
			return err
		}
		_, err := r.u32()
		return err
	}
	return fmt.Errorf("unknown kind 0x%02x", kind)
}

// rewriteForExtism returns a copy of b in which
//
//   - every import from module from is an import from module to instead;
//   - every table without a maximum gets maxTable as its maximum (a
//     table.grow past it fails, as the spec allows, instead of allocating
//     host memory without bound);
//   - a start function, when there is one, is no longer started but exported
//     as _initialize (initExport), which the go-sdk runs before the first
//     call: a start function would run at instantiation, before the go-sdk
//     attaches the Extism kernel to the call. The caller checks that the
//     module does not already export that name.
//
// Everything else is copied byte for byte.
func rewriteForExtism(b []byte, from, to string, maxTable uint64) ([]byte, error) {
	sigs, err := readModuleSigs(b)
	if err != nil {
		return nil, err
	}
	var extra []byte // the export that replaces the start function
	if sigs.hasStart {
		extra = appendULEB(append(appendName(nil, initExport), externFunc), uint64(sigs.startFunc))
	}
	out := append([]byte(nil), b[:len(wasmHeader)]...)
	emit := func(id byte, body []byte) {
		out = append(out, id)
		out = appendULEB(out, uint64(len(body)))
		out = append(out, body...)
	}
	err = eachSection(b, func(id byte, body []byte) error {
		if extra != nil && id != 0 && sectionOrder[id] > sectionOrder[sectionExport] {
			emit(sectionExport, append(appendULEB(nil, 1), extra...))
			extra = nil
		}
		var err error
		switch id {
		case sectionImport:
			body, err = renameInImportSection(body, from, to)
		case sectionTable:
			body, err = boundTableSection(body, maxTable)
		case sectionExport:
			if extra != nil {
				body, err = appendExport(body, extra)
				extra = nil
			}
		case sectionStart:
			return nil
		}
		if err != nil {
			return err
		}
		emit(id, body)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if extra != nil {
		emit(sectionExport, append(appendULEB(nil, 1), extra...))
	}
	return out, nil
}

// initExport is the name the start function of an Extism plugin is
// exported under.
const initExport = "_initialize"

// sectionOrder is the position of each known section in a module; custom
// sections (id 0) may appear anywhere.
var sectionOrder = map[byte]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}

// appendExport re-encodes an export section with one more entry.
func appendExport(body, entry []byte) ([]byte, error) {
	r := &byteReader{b: body}
	n, err := r.u32()
	if err != nil {
		return nil, fmt.Errorf("export section: %w", err)
	}
	start := r.off
	for i := uint32(0); i < n; i++ {
		if _, err := r.name(); err != nil {
			return nil, fmt.Errorf("export %d: %w", i, err)
		}
		if _, err := r.byte(); err != nil {
			return nil, fmt.Errorf("export %d: %w", i, err)
		}
		if _, err := r.u32(); err != nil {
			return nil, fmt.Errorf("export %d: %w", i, err)
		}
	}
	if r.off != len(body) {
		return nil, fmt.Errorf("export section: %d trailing bytes", len(body)-r.off)
	}
	out := appendULEB(nil, uint64(n)+1)
	out = append(out, body[start:]...)
	return append(out, entry...), nil
}

func renameInImportSection(body []byte, from, to string) ([]byte, error) {
	r := &byteReader{b: body}
	n, err := r.u32()
	if err != nil {
		return nil, fmt.Errorf("import section: %w", err)
	}
	out := appendULEB(make([]byte, 0, len(body)+64), uint64(n))
	for i := uint32(0); i < n; i++ {
		module, err := r.name()
		if err != nil {
			return nil, fmt.Errorf("import %d: %w", i, err)
		}
		rest := r.off
		if _, err := r.name(); err != nil {
			return nil, fmt.Errorf("import %d: %w", i, err)
		}
		kind, err := r.byte()
		if err != nil {
			return nil, fmt.Errorf("import %d: %w", i, err)
		}
		if err := skipImportDesc(r, kind, func(uint32) error { return nil }); err != nil {
			return nil, fmt.Errorf("import %d: %w", i, err)
		}
		if module == from {
			module = to
		}
		out = appendName(out, module)
		out = append(out, body[rest:r.off]...)
	}
	if r.off != len(body) {
		return nil, fmt.Errorf("import section: %d trailing bytes", len(body)-r.off)
	}
	return out, nil
}

func appendULEB(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func appendName(b []byte, s string) []byte {
	return append(appendULEB(b, uint64(len(s))), s...)
}

// importsModule reports whether a module imports anything from module.
func importsModule(info *moduleInfo, module string) bool {
	for _, im := range info.imports {
		if im.module == module {
			return true
		}
	}
	return false
}

// is reports whether a signature is exactly params -> results.
func (s funcSig) is(params, results []api.ValueType) bool {
	return sameTypes(s.params, params) && sameTypes(s.results, results)
}

func (s funcSig) String() string { return sigString(s.params, s.results) }
