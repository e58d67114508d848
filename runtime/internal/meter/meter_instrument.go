package meter

import (
	"fmt"
	"sort"
)

// typeTable finds or appends the types the instrumentation needs, without
// shifting existing type indices.
type typeTable struct {
	byResults map[string]uint32 // types with no parameters, by results
	next      uint32
	added     uint32
	entries   []byte
}

func newTypeTable(types []funcType) *typeTable {
	t := &typeTable{byResults: map[string]uint32{}, next: uint32(len(types))}
	for i, ft := range types {
		if len(ft.params) != 0 {
			continue
		}
		if _, ok := t.byResults[string(ft.results)]; !ok {
			t.byResults[string(ft.results)] = uint32(i)
		}
	}
	return t
}

// noParams returns the index of the type [] -> results.
func (t *typeTable) noParams(results []byte) uint32 {
	if idx, ok := t.byResults[string(results)]; ok {
		return idx
	}
	idx := t.next
	t.byResults[string(results)] = idx
	t.next++
	t.added++
	t.entries = appendVec(append(t.entries, 0x60, 0), results)
	return idx
}

// instrument produces the rewritten module.
func (m *module) instrument(opts Options) ([]byte, error) {
	depth := opts.MaxCallDepth > 0
	m.added = 1
	if depth {
		m.added = 2
	}
	defined := m.funcCount() - m.importedFuncs
	codeCount, err := m.codeCount()
	if err != nil {
		return nil, err
	}
	if codeCount != defined {
		return nil, fmt.Errorf("meter: %w: %d function declarations but %d bodies", ErrMalformed, defined, codeCount)
	}

	types := newTypeTable(m.types)
	void := types.noParams(nil)
	var imports []byte
	imports = appendU32(append(appendVec(appendVec(imports, []byte(ImportModule)), []byte(ImportRefuel)), 0x00), void)
	if depth {
		imports = appendU32(append(appendVec(appendVec(imports, []byte(ImportModule)), []byte(ImportOverflow)), 0x00), void)
	}
	fuel := m.importedGlobal + m.definedGlobals
	globals := [][]byte{{valI64, 1, opcI64Const, 0, opcEnd}}
	exports := appendU32(append(appendVec(nil, []byte(ExportFuel)), 0x03), fuel)
	if depth {
		globals = append(globals, []byte{valI32, 1, opcI32Const, 0, opcEnd})
		exports = appendU32(append(appendVec(exports, []byte(ExportDepth)), 0x03), fuel+1)
	}

	f := &funcRewrite{
		m: m, depth: depth, maxD: opts.MaxCallDepth,
		fuel: fuel, dglobal: fuel + 1,
		refuel: m.importedFuncs, ovf: m.importedFuncs + 1,
	}
	code, err := m.rewriteCode(f, types)
	if err != nil {
		return nil, err
	}

	replaced := map[byte][]byte{secCode: code}
	if replaced[secType], err = appendEntries(m.payload(secType), types.added, types.entries); err != nil {
		return nil, sectionErr(secType, err)
	}
	if replaced[secImport], err = appendEntries(m.payload(secImport), m.added, imports); err != nil {
		return nil, sectionErr(secImport, err)
	}
	var gr *reader
	if p := m.payload(secGlobal); p != nil {
		gr = &reader{buf: p}
	}
	if replaced[secGlobal], err = m.rewriteGlobals(gr, globals); err != nil {
		return nil, sectionErr(secGlobal, err)
	}
	ex, n, err := m.rewriteExports(&reader{buf: m.payload(secExport)}, nil)
	if err != nil {
		return nil, sectionErr(secExport, err)
	}
	newExports := uint32(len(globals))
	replaced[secExport] = append(append(appendU32(nil, n+newExports), ex...), exports...)
	if p := m.payload(secStart); p != nil {
		if replaced[secStart], err = m.rewriteStart(p); err != nil {
			return nil, sectionErr(secStart, err)
		}
	}
	if p := m.payload(secElement); p != nil {
		if replaced[secElement], err = m.rewriteElements(&reader{buf: p}); err != nil {
			return nil, sectionErr(secElement, err)
		}
	}
	return m.assemble(replaced)
}

func (m *module) payload(id byte) []byte {
	if s := m.byID[id]; s != nil {
		return s.payload
	}
	return nil
}

func (m *module) codeCount() (uint32, error) {
	p := m.payload(secCode)
	if p == nil {
		return 0, nil
	}
	r := &reader{buf: p}
	n, err := r.count(2)
	if err != nil {
		return 0, sectionErr(secCode, err)
	}
	return n, nil
}

func (m *module) rewriteStart(p []byte) ([]byte, error) {
	r := &reader{buf: p}
	idx, err := r.u32()
	if err != nil {
		return nil, err
	}
	if !r.eof() {
		return nil, r.errorf("%d trailing bytes", r.remaining())
	}
	if idx, err = m.remapFunc(idx); err != nil {
		return nil, err
	}
	return appendU32(nil, idx), nil
}

// rewriteCode instruments every function body.
func (m *module) rewriteCode(f *funcRewrite, types *typeTable) ([]byte, error) {
	p := m.payload(secCode)
	if p == nil {
		return nil, nil
	}
	r := &reader{buf: p}
	n, err := r.count(2)
	if err != nil {
		return nil, sectionErr(secCode, err)
	}
	out := make([]byte, 0, len(p)+len(p)/4)
	out = appendU32(out, n)
	for i := uint32(0); i < n; i++ {
		body, err := r.vec()
		if err != nil {
			return nil, sectionErr(secCode, fmt.Errorf("function[%d]: %w", i, err))
		}
		fn := m.importedFuncs + i
		ft := m.types[m.funcTypes[fn]]
		var bt []byte
		switch len(ft.results) {
		case 0:
			bt = []byte{blockEmpty}
		case 1:
			bt = ft.results
		default:
			bt = appendS64(nil, int64(types.noParams(ft.results)))
		}
		if out, err = f.rewrite(out, body, ft, bt); err != nil {
			return nil, sectionErr(secCode, fmt.Errorf("function[%d]: %w", fn, err))
		}
	}
	if !r.eof() {
		return nil, sectionErr(secCode, r.errorf("%d trailing bytes", r.remaining()))
	}
	return out, nil
}

// assemble writes the output: sections in input order with replaced
// payloads, missing sections inserted at their place, custom sections other
// than "name" dropped.
func (m *module) assemble(replaced map[byte][]byte) ([]byte, error) {
	var pending []byte // ids of replaced sections absent from the input
	for id := range replaced {
		if m.byID[id] == nil && replaced[id] != nil {
			pending = append(pending, id)
		}
	}
	sort.Slice(pending, func(i, j int) bool { return sectionRank[pending[i]] < sectionRank[pending[j]] })
	size := len(wasmHeader)
	for _, s := range m.sections {
		size += len(s.payload) + 6
	}
	for _, p := range replaced {
		size += len(p) + 6
	}
	out := append(make([]byte, 0, size), wasmHeader...)
	emit := func(id byte, payload []byte) {
		out = appendVec(append(out, id), payload)
	}
	flushPending := func(beforeRank int) {
		for len(pending) > 0 && sectionRank[pending[0]] < beforeRank {
			emit(pending[0], replaced[pending[0]])
			pending = pending[1:]
		}
	}
	lastStandard := -1
	for i, s := range m.sections {
		if s.id != secCustom {
			lastStandard = i
		}
	}
	for i, s := range m.sections {
		if s.id == secCustom {
			if s.name != "name" {
				continue
			}
			if i > lastStandard {
				flushPending(len(sectionNames))
			}
			body, err := m.rewriteNames(s.body)
			if err != nil {
				return nil, fmt.Errorf("meter: section[name]: %w", err)
			}
			emit(secCustom, body)
			continue
		}
		flushPending(sectionRank[s.id])
		if p, ok := replaced[s.id]; ok && p != nil {
			emit(s.id, p)
		} else {
			emit(s.id, s.payload)
		}
	}
	flushPending(len(sectionNames))
	return out, nil
}
