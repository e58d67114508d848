package runtime

import (
	"bytes"
	"errors"
	"fmt"
)

// moduleInfo is what validation needs to know of a module before compiling
// it: its imports, exports and memories. Reading it costs microseconds, so
// a forbidden import is refused before the expensive compile.
type moduleInfo struct {
	imports  []moduleImport
	exports  []moduleExport
	memories []memoryLimits
	tables   []memoryLimits
}

type moduleImport struct {
	module, name string
	kind         byte
	mem          memoryLimits // when kind is externMemory
}

type moduleExport struct {
	name string
	kind byte
}

type memoryLimits struct {
	min, max uint64
	hasMax   bool
}

// External kinds of the binary format.
const (
	externFunc   = 0x00
	externTable  = 0x01
	externMemory = 0x02
	externGlobal = 0x03
	externTag    = 0x04
)

func externName(k byte) string {
	switch k {
	case externFunc:
		return "function"
	case externTable:
		return "table"
	case externMemory:
		return "memory"
	case externGlobal:
		return "global"
	case externTag:
		return "tag"
	}
	return fmt.Sprintf("kind 0x%02x", k)
}

// Binary-format section ids.
const (
	sectionType     = 1
	sectionImport   = 2
	sectionFunction = 3
	sectionTable    = 4
	sectionMemory   = 5
	sectionExport   = 7
	sectionStart    = 8
)

var wasmHeader = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

var errTruncated = errors.New("unexpected end of module")

// inspectModule reads the import, memory and export sections of a binary
// module. It checks framing only; full validation is the compiler's.
func inspectModule(b []byte) (*moduleInfo, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], wasmHeader[:4]) {
		return nil, errBadMagic
	}
	if !bytes.Equal(b[4:8], wasmHeader[4:8]) {
		return nil, errBadVersion
	}
	info := &moduleInfo{}
	err := eachSection(b, func(id byte, body []byte) error {
		sr := &byteReader{b: body}
		switch id {
		case sectionImport:
			return info.readImports(sr)
		case sectionTable:
			return info.readTables(sr)
		case sectionMemory:
			return info.readMemories(sr)
		case sectionExport:
			return info.readExports(sr)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return info, nil
}

func (info *moduleInfo) readImports(r *byteReader) error {
	n, err := r.u32()
	if err != nil {
		return fmt.Errorf("import section: %w", err)
	}
	for i := uint32(0); i < n; i++ {
		var im moduleImport
		if im.module, err = r.name(); err != nil {
			return fmt.Errorf("import %d: %w", i, err)
		}
		if im.name, err = r.name(); err != nil {
			return fmt.Errorf("import %d: %w", i, err)
		}
		if im.kind, err = r.byte(); err != nil {
			return fmt.Errorf("import %d: %w", i, err)
		}
		switch im.kind {
		case externFunc:
			_, err = r.u32()
		case externTable:
			if _, err = r.byte(); err == nil {
				_, err = r.limits()
			}
		case externMemory:
			im.mem, err = r.limits()
		case externGlobal:
			_, err = r.bytes(2)
		case externTag:
			if _, err = r.byte(); err == nil {
				_, err = r.u32()
			}
		default:
			err = fmt.Errorf("unknown kind 0x%02x", im.kind)
		}
		if err != nil {
			return fmt.Errorf("import %d %s.%s: %w", i, im.module, im.name, err)
		}
		info.imports = append(info.imports, im)
	}
	return nil
}

func (info *moduleInfo) readMemories(r *byteReader) error {
	n, err := r.u32()
	if err != nil {
		return fmt.Errorf("memory section: %w", err)
	}
	for i := uint32(0); i < n; i++ {
		l, err := r.limits()
		if err != nil {
			return fmt.Errorf("memory %d: %w", i, err)
		}
		info.memories = append(info.memories, l)
	}
	return nil
}

func (info *moduleInfo) readTables(r *byteReader) error {
	n, err := r.u32()
	if err != nil {
		return fmt.Errorf("table section: %w", err)
	}
	for i := uint32(0); i < n; i++ {
		if _, err := r.byte(); err != nil { // element reference type
			return fmt.Errorf("table %d: %w", i, err)
		}
		l, err := r.limits()
		if err != nil {
			return fmt.Errorf("table %d: %w", i, err)
		}
		info.tables = append(info.tables, l)
	}
	return nil
}

func (info *moduleInfo) readExports(r *byteReader) error {
	n, err := r.u32()
	if err != nil {
		return fmt.Errorf("export section: %w", err)
	}
	for i := uint32(0); i < n; i++ {
		var ex moduleExport
		if ex.name, err = r.name(); err != nil {
			return fmt.Errorf("export %d: %w", i, err)
		}
		if ex.kind, err = r.byte(); err != nil {
			return fmt.Errorf("export %d: %w", i, err)
		}
		if _, err = r.u32(); err != nil {
			return fmt.Errorf("export %d %s: %w", i, ex.name, err)
		}
		info.exports = append(info.exports, ex)
	}
	return nil
}

// eachSection calls fn with the id and body of every section after the header.
func eachSection(b []byte, fn func(id byte, body []byte) error) error {
	if len(b) < len(wasmHeader) {
		return errBadMagic
	}
	r := &byteReader{b: b, off: len(wasmHeader)}
	for r.off < len(r.b) {
		id, err := r.byte()
		if err != nil {
			return err
		}
		size, err := r.u32()
		if err != nil {
			return fmt.Errorf("section %d size: %w", id, err)
		}
		body, err := r.bytes(int(size))
		if err != nil {
			return fmt.Errorf("section %d: %w", id, err)
		}
		if err := fn(id, body); err != nil {
			return err
		}
	}
	return nil
}

// byteReader decodes the binary format's primitives with bounds checks.
type byteReader struct {
	b   []byte
	off int
}

func (r *byteReader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errTruncated
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *byteReader) bytes(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.off {
		return nil, errTruncated
	}
	out := r.b[r.off : r.off+n]
	r.off += n
	return out, nil
}

// u32 reads an unsigned LEB128 of at most 5 bytes whose value fits 32 bits.
func (r *byteReader) u32() (uint32, error) {
	var v uint32
	for i := 0; i < 5; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == 4 && c&0xf0 != 0 {
			return 0, errors.New("integer too large")
		}
		v |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return 0, errors.New("integer too long")
}

func (r *byteReader) name() (string, error) {
	n, err := r.u32()
	if err != nil {
		return "", err
	}
	b, err := r.bytes(int(n))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// limits reads memory or table limits; flag bit 0 says a maximum follows,
// bit 1 marks shared memory and bit 2 memory64 (both refused later).
func (r *byteReader) limits() (memoryLimits, error) {
	flag, err := r.byte()
	if err != nil {
		return memoryLimits{}, err
	}
	if flag > 1 {
		return memoryLimits{}, fmt.Errorf("unsupported limits flag 0x%02x (shared or 64-bit memory)", flag)
	}
	min, err := r.u32()
	if err != nil {
		return memoryLimits{}, err
	}
	l := memoryLimits{min: uint64(min)}
	if flag == 1 {
		max, err := r.u32()
		if err != nil {
			return memoryLimits{}, err
		}
		l.max, l.hasMax = uint64(max), true
	}
	return l, nil
}
