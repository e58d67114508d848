package meter

import "fmt"

// Subsections of the "name" custom section that Instrument keeps.
const (
	nameModule    = 0
	nameFunctions = 1
	nameLocals    = 2
)

// rewriteNames re-encodes the "name" section body: the module name is copied,
// function and local names are renumbered, and the other subsections (labels,
// types, tables, ...) are dropped because the meter's wrapper block shifts
// label numbering and no runtime reads them. Entries naming a function index
// out of range are dropped: the section is debug information and must not
// name the meter's imports.
func (m *module) rewriteNames(body []byte) ([]byte, error) {
	r := &reader{buf: body}
	out := appendVec(nil, []byte("name"))
	for !r.eof() {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		sub, err := r.vec()
		if err != nil {
			return nil, fmt.Errorf("subsection[%d]: %w", id, err)
		}
		var content []byte
		switch id {
		case nameModule:
			content = sub
		case nameFunctions:
			content, err = m.rewriteNameMap(sub, false)
		case nameLocals:
			content, err = m.rewriteNameMap(sub, true)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("subsection[%d]: %w", id, err)
		}
		out = appendVec(append(out, id), content)
	}
	return out, nil
}

// rewriteNameMap renumbers the function indices of a name map (function
// names) or of an indirect name map (local names, whose inner maps are
// copied).
func (m *module) rewriteNameMap(sub []byte, indirect bool) ([]byte, error) {
	r := &reader{buf: sub}
	n, err := r.count(2)
	if err != nil {
		return nil, err
	}
	var entries []byte
	kept := uint32(0)
	for i := uint32(0); i < n; i++ {
		idx, err := r.u32()
		if err != nil {
			return nil, err
		}
		start := r.pos
		if indirect {
			err = skipNameMap(r)
		} else {
			_, err = r.vec()
		}
		if err != nil {
			return nil, err
		}
		if idx >= m.funcCount() {
			continue
		}
		idx, _ = m.remapFunc(idx)
		entries = append(appendU32(entries, idx), sub[start:r.pos]...)
		kept++
	}
	if !r.eof() {
		return nil, r.errorf("%d trailing bytes", r.remaining())
	}
	return append(appendU32(nil, kept), entries...), nil
}

func skipNameMap(r *reader) error {
	n, err := r.count(2)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		if _, err := r.u32(); err != nil {
			return err
		}
		if _, err := r.vec(); err != nil {
			return err
		}
	}
	return nil
}
