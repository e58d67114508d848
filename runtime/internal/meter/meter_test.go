package meter

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// wasmMod assembles a module from sections built with sec.
func wasmMod(sections ...[]byte) []byte {
	return append(bytes.Clone(wasmHeader), bytes.Join(sections, nil)...)
}

func sec(id byte, payload ...byte) []byte {
	return appendVec([]byte{id}, payload)
}

// funcMod is a module with one function of type () -> () and the given body
// (locals and expression, without the size).
func funcMod(body ...byte) []byte {
	return wasmMod(
		sec(secType, 1, 0x60, 0, 0),
		sec(secFunction, 1, 0),
		sec(secCode, append([]byte{1}, appendVec(nil, body)...)...),
	)
}

func TestInstrumentRefuses(t *testing.T) {
	tests := []struct {
		file string
		want error
		msg  string
	}{
		{"tail_call", ErrUnsupported, "tail calls"},
		{"threads", ErrUnsupported, "threads (shared memory)"},
		{"atomics", ErrUnsupported, "threads (atomic"},
		{"exceptions", ErrUnsupported, "exception handling"},
		{"multi_memory", ErrUnsupported, "multi-memory"},
		{"memory64", ErrUnsupported, "memory64"},
		{"extended_const", ErrUnsupported, "extended constant expressions"},
		{"relaxed_simd", ErrUnsupported, "relaxed SIMD"},
		{"func_refs", ErrUnsupported, "typed references"},
		{"reserved_import", ErrReserved, `module "slotbox_meter"`},
		{"reserved_export_fuel", ErrReserved, `"slotbox_meter_fuel"`},
		{"reserved_export_depth", ErrReserved, `"slotbox_meter_depth"`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := Instrument(readTestdata(t, "refuse/"+tt.file+".wasm"), Options{MaxCallDepth: 10})
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want %v mentioning %q", err, tt.want, tt.msg)
			}
		})
	}
}

func TestInstrumentMalformed(t *testing.T) {
	tests := []struct {
		name string
		wasm []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"bad magic", []byte("\x00asn\x01\x00\x00\x00"), ErrMalformed},
		{"version 2", []byte("\x00asm\x02\x00\x00\x00"), ErrUnsupported},
		{"component", []byte("\x00asm\x0d\x00\x01\x00"), ErrUnsupported},
		{"section past end", wasmMod([]byte{secType, 5, 0}), ErrMalformed},
		{"section size 6-byte LEB", wasmMod([]byte{secType, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), ErrMalformed},
		{"section size past 32 bits", wasmMod([]byte{secType, 0xff, 0xff, 0xff, 0xff, 0x7f}), ErrMalformed},
		{"unknown section", wasmMod(sec(14)), ErrMalformed},
		{"tag section", wasmMod(sec(secTag, 0)), ErrUnsupported},
		{"out of order", wasmMod(sec(secFunction, 0), sec(secType, 0)), ErrMalformed},
		{"repeated", wasmMod(sec(secType, 0), sec(secType, 0)), ErrMalformed},
		{"data count after code", wasmMod(sec(secCode, 0), sec(secDataCount, 0)), ErrMalformed},
		{"unknown type form", wasmMod(sec(secType, 1, 0x61, 0, 0)), ErrMalformed},
		{"GC struct type", wasmMod(sec(secType, 1, 0x5f, 0, 0)), ErrUnsupported},
		{"bad value type", wasmMod(sec(secType, 1, 0x60, 1, 0x01, 0)), ErrMalformed},
		{"type count past end", wasmMod(sec(secType, 0xe8, 0x07, 0x60, 0, 0)), ErrMalformed},
		{"trailing bytes", wasmMod(sec(secType, 0, 0)), ErrMalformed},
		{"function type out of range", wasmMod(sec(secType, 0), sec(secFunction, 1, 0)), ErrMalformed},
		{"no bodies", wasmMod(sec(secType, 1, 0x60, 0, 0), sec(secFunction, 1, 0)), ErrMalformed},
		{"body without end", funcMod(0, 0x41, 0), ErrMalformed},
		{"body truncated in LEB", funcMod(0, 0x41, 0x80), ErrMalformed},
		{"i32.const 6-byte LEB", funcMod(0, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1a, 0x0b), ErrMalformed},
		{"i32.const bad sign bits", funcMod(0, 0x41, 0xff, 0xff, 0xff, 0xff, 0x4f, 0x1a, 0x0b), ErrMalformed},
		{"i64.const 11-byte LEB", funcMod(0, 0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1a, 0x0b), ErrMalformed},
		{"bytes after end", funcMod(0, 0x0b, 0x0b), ErrMalformed},
		{"else end end", funcMod(0, 0x02, 0x40, 0x0b, 0x0b, 0x0b), ErrMalformed},
		{"branch depth", funcMod(0, 0x0c, 1, 0x0b), ErrMalformed},
		{"br_table depth", funcMod(0, 0x41, 0, 0x0e, 1, 0, 3, 0x0b), ErrMalformed},
		{"br_table count past end", funcMod(0, 0x41, 0, 0x0e, 0xff, 0xff, 0x03, 0x0b), ErrMalformed},
		{"unknown opcode", funcMod(0, 0xc5, 0x0b), ErrMalformed},
		{"SIMD gap", funcMod(0, 0xfd, 0x9a, 0x01, 0x0b), ErrMalformed},
		{"SIMD past relaxed", funcMod(0, 0xfd, 0xff, 0x03, 0x0b), ErrMalformed},
		{"0xfc unknown", funcMod(0, 0xfc, 0x13, 0x0b), ErrUnsupported},
		{"negative block type", funcMod(0, 0x02, 0xff, 0x7f, 0x0b, 0x0b), ErrMalformed},
		{"call out of range", funcMod(0, 0x10, 1, 0x0b), ErrMalformed},
		{"ref.func out of range", funcMod(0, 0xd2, 7, 0x1a, 0x0b), ErrMalformed},
		{"memory.size index 1", funcMod(0, 0x3f, 1, 0x1a, 0x0b), ErrUnsupported},
		{"memarg memory index", funcMod(0, 0x41, 0, 0x28, 0x42, 0, 0, 0x1a, 0x0b), ErrUnsupported},
		{"bad local type", funcMod(1, 1, 0x01, 0x0b), ErrMalformed},
		{"too many locals", funcMod(1, 0xd1, 0x86, 0x03, 0x7f, 0x0b), ErrLimit},
		{"locals sum past 32 bits", funcMod(2, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b), ErrLimit},
		{"global init local.get", wasmMod(sec(secGlobal, 1, 0x7f, 0, 0x20, 0, 0x0b)), ErrMalformed},
		{"global mutability 2", wasmMod(sec(secGlobal, 1, 0x7f, 2, 0x41, 0, 0x0b)), ErrMalformed},
		{"element flags 8", wasmMod(sec(secElement, 1, 8)), ErrMalformed},
		{"element kind 1", wasmMod(sec(secElement, 1, 1, 1, 0)), ErrMalformed},
		{"element function out of range", wasmMod(sec(secElement, 1, 1, 0, 1, 0)), ErrMalformed},
		{"export kind 5", wasmMod(sec(secExport, 1, 1, 'x', 5, 0)), ErrMalformed},
		{"export function out of range", wasmMod(sec(secExport, 1, 1, 'x', 0, 0)), ErrMalformed},
		{"start out of range", wasmMod(sec(secStart, 0)), ErrMalformed},
		{"import kind 5", wasmMod(sec(secImport, 1, 1, 'm', 1, 'x', 5)), ErrMalformed},
		{"tag import", wasmMod(sec(secImport, 1, 1, 'm', 1, 'x', 4, 0, 0)), ErrUnsupported},
		{"shared memory import", wasmMod(sec(secImport, 1, 1, 'm', 1, 'x', 2, 3, 1, 1)), ErrUnsupported},
		{"table with initialiser", wasmMod(sec(secTable, 1, 0x40, 0, 0x70, 0, 1, 0xd0, 0x70, 0x0b)), ErrUnsupported},
		{"name section truncated", wasmMod(sec(secCustom, append(appendVec(nil, []byte("name")), 1, 9, 1)...)), ErrMalformed},
		{"custom name past end", wasmMod(sec(secCustom, 9, 'x')), ErrMalformed},
		{"export count past end", []byte("\x00asm\x01\x00\x00\x00\x07\x08\xdc\xdc\xdc\x61\x8c\x65\x03\x00"), errPastEnd},
		{"data count past end", wasmMod(sec(secData, 0xff, 0xff, 0xff, 0x7f, 1, 0)), errPastEnd},
		{"data length past end", wasmMod(sec(secData, 1, 1, 0xff, 0xff, 0xff, 0xff, 0x0f)), errPastEnd},
		{"data flags 3", wasmMod(sec(secData, 1, 3, 0)), ErrMalformed},
		{"data memory 1", wasmMod(sec(secData, 1, 2, 1, 0x41, 0, 0x0b, 0)), ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Instrument(tt.wasm, Options{MaxCallDepth: 4})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Instrument = %d bytes, %v; want %v", len(out), err, tt.want)
			}
		})
	}
}

// TestInstrumentMinimal checks modules with sections missing: the meter
// creates the type, import, global and export sections in order.
func TestInstrumentMinimal(t *testing.T) {
	for _, wasm := range [][]byte{
		wasmMod(),
		funcMod(0, 0x0b),
		wasmMod(sec(secCustom, append(appendVec(nil, []byte("name")), 0, 2, 1, 'm')...)),
		wasmMod(sec(secCustom, append(appendVec(nil, []byte("producers")), 0)...), sec(secMemory, 1, 0, 1)),
	} {
		for _, depth := range []uint32{0, 1} {
			out, err := Instrument(wasm, Options{MaxCallDepth: depth})
			if err != nil {
				t.Fatal(err)
			}
			if err := compileV2(out); err != nil {
				t.Fatalf("% x: %v", out, err)
			}
			if bytes.Contains(out, []byte("producers")) {
				t.Fatal("custom section kept")
			}
		}
	}
}

// TestInstrumentDoesNotModifyInput instruments the same bytes twice.
func TestInstrumentDoesNotModifyInput(t *testing.T) {
	in := readTestdata(t, "equiv.wasm")
	keep := bytes.Clone(in)
	a := mustInstrument(t, in, Options{MaxCallDepth: 3})
	b := mustInstrument(t, in, Options{MaxCallDepth: 3})
	if !bytes.Equal(in, keep) || !bytes.Equal(a, b) {
		t.Fatal("Instrument modified its input or is not deterministic")
	}
}

// TestInstrumentTruncated instruments every prefix of a module; none may
// panic, only the few cut at a section boundary may succeed, and those
// wazero accepts must stay acceptable.
func TestInstrumentTruncated(t *testing.T) {
	in := readTestdata(t, "equiv.wasm")
	accepted := 0
	for n := range len(in) {
		out, err := Instrument(in[:n], Options{MaxCallDepth: 2})
		if err != nil {
			continue
		}
		accepted++
		if compileV2(in[:n]) == nil {
			if err := compileV2(out); err != nil {
				t.Fatalf("prefix of %d bytes: instrumented module refused: %v", n, err)
			}
		}
	}
	if accepted == 0 || accepted > 20 {
		t.Fatalf("%d prefixes accepted; want the few ending at a section boundary", accepted)
	}
}
