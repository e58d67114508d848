package meter

import (
	"bytes"
	"fmt"
)

// Section ids of the binary format.
const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunction  = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElement   = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
	secTag       = 13
)

// sectionRank is the position a non-custom section must appear in; the data
// count section sits between element and code.
var sectionRank = [...]int{
	secType: 1, secImport: 2, secFunction: 3, secTable: 4, secMemory: 5,
	secGlobal: 6, secExport: 7, secStart: 8, secElement: 9, secDataCount: 10,
	secCode: 11, secData: 12,
}

var sectionNames = [...]string{
	"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "element", "code", "data", "data count", "tag",
}

var wasmHeader = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// section is one section of the input; payload aliases the input.
type section struct {
	id      byte
	name    string // custom sections only
	payload []byte
	body    []byte // custom sections: payload after the name
}

// funcType is a function type; params and results are value-type bytes that
// alias the input.
type funcType struct {
	params, results []byte
}

// module is the parsed outline of the input: its sections plus what the
// rewrite needs to know about types, functions and globals.
type module struct {
	sections []section
	byID     [secDataCount + 1]*section // non-custom sections

	types          []funcType
	funcTypes      []uint32 // type index of every function, imported ones first
	importedFuncs  uint32
	importedGlobal uint32
	definedGlobals uint32

	// added is the number of function imports the meter appends.
	added uint32
}

func sectionErr(id byte, err error) error {
	return fmt.Errorf("meter: section[%s]: %w", sectionNames[id], err)
}

// parseModule splits wasm into sections, checks their order and decodes
// each section as it is reached, so that errors come in the order wazero
// would meet them: a count wazero would allocate before reading is refused
// (with errPastEnd) before any later error.
func parseModule(wasm []byte) (*module, error) {
	if len(wasm) < len(wasmHeader) || !bytes.Equal(wasm[:4], wasmHeader[:4]) {
		return nil, fmt.Errorf("meter: %w: missing \\0asm magic", ErrMalformed)
	}
	if !bytes.Equal(wasm[4:8], wasmHeader[4:]) {
		return nil, fmt.Errorf("meter: %w: binary version % x (only core module version 1)", ErrUnsupported, wasm[4:8])
	}
	m := &module{}
	parsers := map[byte]func(*reader) error{
		secType:      m.parseTypes,
		secImport:    m.parseImports,
		secFunction:  m.parseFunctions,
		secTable:     parseTables,
		secMemory:    parseMemories,
		secGlobal:    m.parseGlobals,
		secExport:    m.checkExports,
		secStart:     m.checkStart,
		secElement:   m.checkElements,
		secDataCount: checkDataCount,
		secCode:      m.checkCode,
		secData:      m.parseData,
	}
	r := &reader{buf: wasm, pos: len(wasmHeader)}
	lastRank := 0
	for !r.eof() {
		id, err := r.byte()
		if err != nil {
			return nil, fmt.Errorf("meter: %w", err)
		}
		payload, err := r.vec()
		if err != nil {
			return nil, fmt.Errorf("meter: section id[%d]: %w", id, err)
		}
		s := section{id: id, payload: payload}
		switch {
		case id == secCustom:
			pr := &reader{buf: payload}
			name, err := pr.vec()
			if err != nil {
				return nil, sectionErr(id, err)
			}
			s.name, s.body = string(name), payload[pr.pos:]
			if s.name == "name" {
				if _, err := m.rewriteNames(s.body); err != nil {
					return nil, fmt.Errorf("meter: section[name]: %w", err)
				}
			}
		case id == secTag:
			return nil, fmt.Errorf("meter: %w: exception handling (tag section)", ErrUnsupported)
		case id > secTag:
			return nil, fmt.Errorf("meter: %w: unknown section id[%d]", ErrMalformed, id)
		default:
			if rank := sectionRank[id]; rank <= lastRank {
				return nil, fmt.Errorf("meter: %w: section[%s] out of order or repeated", ErrMalformed, sectionNames[id])
			} else {
				lastRank = rank
			}
			pr := &reader{buf: payload}
			if err := parsers[id](pr); err != nil {
				return nil, sectionErr(id, err)
			}
			if !pr.eof() {
				return nil, sectionErr(id, pr.errorf("%d trailing bytes", pr.remaining()))
			}
		}
		m.sections = append(m.sections, s)
	}
	for i := range m.sections {
		if s := &m.sections[i]; s.id != secCustom {
			m.byID[s.id] = s
		}
	}
	return m, nil
}

// checkStart validates the start section; rewriteStart renumbers it.
func (m *module) checkStart(r *reader) error {
	idx, err := r.u32()
	if err != nil {
		return err
	}
	_, err = m.remapFunc(idx)
	return err
}

// checkElements validates the element section; rewriteElements re-encodes
// it once the number of added imports is known.
func (m *module) checkElements(r *reader) error {
	_, err := m.rewriteElements(r)
	return err
}

func checkDataCount(r *reader) error {
	_, err := r.u32()
	return err
}

// checkCode validates the code section's outline and locals; the bodies
// are decoded when they are rewritten.
func (m *module) checkCode(r *reader) error {
	n, err := r.count(2)
	if err != nil {
		return err
	}
	if defined := m.funcCount() - m.importedFuncs; n != defined {
		return fmt.Errorf("%w: %d function declarations but %d bodies", ErrMalformed, defined, n)
	}
	for i := uint32(0); i < n; i++ {
		body, err := r.vec()
		if err != nil {
			return fmt.Errorf("function[%d]: %w", m.importedFuncs+i, err)
		}
		ft := m.types[m.funcTypes[m.importedFuncs+i]]
		if _, _, _, err := readLocals(&reader{buf: body}, len(ft.params)); err != nil {
			return fmt.Errorf("function[%d]: %w", m.importedFuncs+i, err)
		}
	}
	return nil
}

func (m *module) parseTypes(r *reader) error {
	n, err := r.count(3)
	if err != nil {
		return err
	}
	m.types = make([]funcType, 0, n)
	for i := uint32(0); i < n; i++ {
		form, err := r.byte()
		if err != nil {
			return err
		}
		switch form {
		case 0x60:
		case 0x4e, 0x4f, 0x50, 0x5e, 0x5f:
			return fmt.Errorf("type[%d]: %w: GC types (form %#x)", i, ErrUnsupported, form)
		default:
			return fmt.Errorf("type[%d]: %w: unknown type form %#x", i, ErrMalformed, form)
		}
		var ft funcType
		if ft.params, err = readValTypes(r); err != nil {
			return fmt.Errorf("type[%d] params: %w", i, err)
		}
		if ft.results, err = readValTypes(r); err != nil {
			return fmt.Errorf("type[%d] results: %w", i, err)
		}
		m.types = append(m.types, ft)
	}
	return nil
}

func readValTypes(r *reader) ([]byte, error) {
	v, err := r.vec()
	if err != nil {
		return nil, err
	}
	for _, t := range v {
		if err := checkValType(t); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// checkValType accepts the value types of CoreFeaturesV2.
func checkValType(t byte) error {
	switch t {
	case 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f: // i32 i64 f32 f64 v128 funcref externref
		return nil
	case 0x69:
		return fmt.Errorf("%w: exception handling (exnref)", ErrUnsupported)
	case 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x71, 0x72, 0x73, 0x74, 0x78, 0x77:
		return fmt.Errorf("%w: typed references or GC (value type %#x)", ErrUnsupported, t)
	default:
		return fmt.Errorf("%w: unknown value type %#x", ErrMalformed, t)
	}
}

func checkRefType(t byte) error {
	if t == 0x70 || t == 0x6f {
		return nil
	}
	if err := checkValType(t); err != nil {
		return err
	}
	return fmt.Errorf("%w: value type %#x is not a reference type", ErrMalformed, t)
}

func (m *module) parseImports(r *reader) error {
	n, err := r.count(4)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		mod, err := r.vec()
		if err != nil {
			return err
		}
		name, err := r.vec()
		if err != nil {
			return err
		}
		if string(mod) == ImportModule {
			return fmt.Errorf("import[%d] %q.%q: %w: module %q is added by the meter", i, mod, name, ErrReserved, ImportModule)
		}
		kind, err := r.byte()
		if err != nil {
			return err
		}
		switch kind {
		case 0x00:
			ti, err := r.u32()
			if err != nil {
				return err
			}
			if ti >= uint32(len(m.types)) {
				return fmt.Errorf("import[%d]: %w: type index %d out of range", i, ErrMalformed, ti)
			}
			m.funcTypes = append(m.funcTypes, ti)
			m.importedFuncs++
		case 0x01:
			err = parseTableType(r)
		case 0x02:
			err = parseMemType(r)
		case 0x03:
			err = parseGlobalType(r)
			m.importedGlobal++
		case 0x04:
			return fmt.Errorf("import[%d]: %w: exception handling (tag import)", i, ErrUnsupported)
		default:
			return fmt.Errorf("import[%d]: %w: unknown import kind %#x", i, ErrMalformed, kind)
		}
		if err != nil {
			return fmt.Errorf("import[%d]: %w", i, err)
		}
	}
	return nil
}

func (m *module) parseFunctions(r *reader) error {
	n, err := r.count(1)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		ti, err := r.u32()
		if err != nil {
			return err
		}
		if ti >= uint32(len(m.types)) {
			return fmt.Errorf("function[%d]: %w: type index %d out of range", i, ErrMalformed, ti)
		}
		m.funcTypes = append(m.funcTypes, ti)
	}
	return nil
}

func parseTables(r *reader) error {
	n, err := r.count(3)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		if err := parseTableType(r); err != nil {
			return fmt.Errorf("table[%d]: %w", i, err)
		}
	}
	return nil
}

func parseMemories(r *reader) error {
	n, err := r.count(2)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		if err := parseMemType(r); err != nil {
			return fmt.Errorf("memory[%d]: %w", i, err)
		}
	}
	return nil
}

func parseTableType(r *reader) error {
	t, err := r.byte()
	if err != nil {
		return err
	}
	if t == 0x40 {
		return fmt.Errorf("%w: typed references (table with initialiser)", ErrUnsupported)
	}
	if err := checkRefType(t); err != nil {
		return err
	}
	flags, err := r.byte()
	if err != nil {
		return err
	}
	if flags > 1 {
		return fmt.Errorf("%w: table limits flags %#x (table64 or shared tables)", ErrUnsupported, flags)
	}
	return parseLimits(r, flags)
}

func parseMemType(r *reader) error {
	flags, err := r.byte()
	if err != nil {
		return err
	}
	switch {
	case flags <= 1:
	case flags <= 3:
		return fmt.Errorf("%w: threads (shared memory)", ErrUnsupported)
	case flags <= 7:
		return fmt.Errorf("%w: memory64", ErrUnsupported)
	default:
		return fmt.Errorf("%w: memory limits flags %#x", ErrUnsupported, flags)
	}
	return parseLimits(r, flags)
}

func parseLimits(r *reader, flags byte) error {
	if _, err := r.u32(); err != nil {
		return err
	}
	if flags&1 != 0 {
		if _, err := r.u32(); err != nil {
			return err
		}
	}
	return nil
}

func parseGlobalType(r *reader) error {
	t, err := r.byte()
	if err != nil {
		return err
	}
	if err := checkValType(t); err != nil {
		return err
	}
	mut, err := r.byte()
	if err != nil {
		return err
	}
	if mut > 1 {
		return fmt.Errorf("%w: global mutability %#x", ErrMalformed, mut)
	}
	return nil
}

// parseGlobals validates the global section; rewriteGlobals re-encodes it.
func (m *module) parseGlobals(r *reader) error {
	n, err := r.count(4)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		if err := parseGlobalType(r); err != nil {
			return fmt.Errorf("global[%d]: %w", i, err)
		}
		if _, err := m.constExpr(r, nil); err != nil {
			return fmt.Errorf("global[%d]: %w", i, err)
		}
	}
	m.definedGlobals = n
	return nil
}

// checkExports refuses the reserved export names and unknown export kinds.
func (m *module) checkExports(r *reader) error {
	_, _, err := m.rewriteExports(r, nil)
	return err
}

// parseData validates the data section, which is copied unchanged, so that
// no count or length in it reaches past its end.
func (m *module) parseData(r *reader) error {
	n, err := r.count(2)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		flags, err := r.u32()
		if err != nil {
			return err
		}
		switch flags {
		case 0, 2:
			if flags == 2 {
				if mem, err := r.u32(); err != nil {
					return err
				} else if mem != 0 {
					return fmt.Errorf("data[%d]: %w: multi-memory (memory index %d)", i, ErrUnsupported, mem)
				}
			}
			if _, err := m.constExpr(r, nil); err != nil {
				return fmt.Errorf("data[%d]: %w", i, err)
			}
		case 1:
		default:
			return fmt.Errorf("data[%d]: %w: data segment flags %d", i, ErrMalformed, flags)
		}
		if _, err := r.vec(); err != nil {
			return fmt.Errorf("data[%d]: %w", i, err)
		}
	}
	return nil
}

// funcCount is the number of functions of the input, imported and defined.
func (m *module) funcCount() uint32 { return uint32(len(m.funcTypes)) }
