package runtime

import (
	"encoding/binary"
	"fmt"
)

// capTables returns the module with every table given a maximum of at
// most maxEntries: a table declared without one (as Go's toolchain emits
// them) gets its minimum, and a larger maximum is lowered to the cap.
// wazero backs each table entry with host memory outside the linear-memory
// limit and bounds table.grow only by the declared maximum, so an unbounded
// table would let a guest allocate gigabytes of host memory; after this,
// table.grow past the bound answers -1, as memory.grow does at the memory
// limit. Minimums over the cap are refused earlier (checkShape).
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
	out := make([]byte, 0, len(wasm)+16)
	out = append(out, wasm[:8]...)
	r := &byteReader{b: wasm, off: 8}
	for r.off < len(r.b) {
		start := r.off
		id, _ := r.byte()
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		body, err := r.bytes(int(size))
		if err != nil {
			return nil, err
		}
		if id != 4 {
			out = append(out, wasm[start:r.off]...)
			continue
		}
		sec, err := rewriteTableSection(body, maxEntries)
		if err != nil {
			return nil, fmt.Errorf("table section: %w", err)
		}
		out = append(out, 4)
		out = binary.AppendUvarint(out, uint64(len(sec)))
		out = append(out, sec...)
	}
	return out, nil
}

func rewriteTableSection(body []byte, maxEntries uint64) ([]byte, error) {
	r := &byteReader{b: body}
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	out := binary.AppendUvarint(nil, uint64(n))
	for i := uint32(0); i < n; i++ {
		ref, err := r.byte()
		if err != nil {
			return nil, err
		}
		l, err := r.limits()
		if err != nil {
			return nil, err
		}
		hi := l.max
		if !l.hasMax {
			hi = l.min
		}
		hi = min(hi, max(l.min, maxEntries))
		out = append(out, ref, 0x01)
		out = binary.AppendUvarint(out, l.min)
		out = binary.AppendUvarint(out, hi)
	}
	if r.off != len(body) {
		return nil, fmt.Errorf("%d stray bytes", len(body)-r.off)
	}
	return out, nil
}
