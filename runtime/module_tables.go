package runtime

import "fmt"

// capTables returns the module with every table given a maximum of at most
// maxEntries (boundTableSection). A module whose tables all have one within
// the cap is returned as it is.
func capTables(wasm []byte, info *moduleInfo, maxEntries uint64) ([]byte, error) {
	need := false
	for _, t := range info.tables {
		if !t.hasMax || t.max > maxEntries {
			need = true
		}
	}
	if !need {
		return wasm, nil
	}
	out := append(make([]byte, 0, len(wasm)+16), wasm[:len(wasmHeader)]...)
	err := eachSection(wasm, func(id byte, body []byte) error {
		if id == sectionTable {
			var err error
			if body, err = boundTableSection(body, maxEntries); err != nil {
				return err
			}
		}
		out = appendULEB(append(out, id), uint64(len(body)))
		out = append(out, body...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// boundTableSection re-encodes a table section so that every table has a
// maximum of at most maxEntries (or its minimum, when that is larger):
// tables without one (as Go's toolchain emits them) get the cap. wazero
// backs each table entry with host memory outside the linear-memory limit
// and bounds table.grow only by the declared maximum, so an unbounded table
// would let a guest allocate gigabytes of host memory; bounded, table.grow
// past the cap answers -1, as memory.grow does at the memory limit.
// Minimums over the cap are refused earlier (checkShape). Both the native
// and the Extism path use it.
func boundTableSection(body []byte, maxEntries uint64) ([]byte, error) {
	r := &byteReader{b: body}
	n, err := r.u32()
	if err != nil {
		return nil, fmt.Errorf("table section: %w", err)
	}
	out := appendULEB(make([]byte, 0, len(body)+8), uint64(n))
	for i := uint32(0); i < n; i++ {
		ref, err := r.byte()
		if err != nil {
			return nil, fmt.Errorf("table %d: %w", i, err)
		}
		l, err := r.limits()
		if err != nil {
			return nil, fmt.Errorf("table %d: %w", i, err)
		}
		hi := maxEntries
		if l.hasMax {
			hi = min(l.max, maxEntries)
		}
		out = appendULEB(append(out, ref, 0x01), l.min)
		out = appendULEB(out, max(hi, l.min))
	}
	if r.off != len(body) {
		return nil, fmt.Errorf("table section: %d trailing bytes", len(body)-r.off)
	}
	return out, nil
}
