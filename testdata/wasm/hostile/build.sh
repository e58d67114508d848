#!/bin/sh
# Rebuilds every .wasm in this folder from its source: each .wat with wabt's
# wat2wasm (then checked with wasm-validate), and the not-wasm fixtures from
# the byte strings below. CI runs it and fails on a difference:
#
#   testdata/wasm/hostile/build.sh && git diff --exit-code testdata/wasm/hostile
#
# Needs wabt 1.0.32 (Debian 12's `wabt` package), whose defaults enable the
# features these modules use: bulk memory (memory.fill, memory.copy),
# reference types (table.grow, ref.null) and mutable-global exports.
set -eu
cd "$(dirname "$0")"

WAT2WASM=${WAT2WASM:-wat2wasm}
WASM_VALIDATE=${WASM_VALIDATE:-wasm-validate}
want=1.0.32
have=$("$WAT2WASM" --version)
if [ "$have" != "$want" ]; then
	echo "build.sh: wat2wasm $have, want $want (output may differ)" >&2
	exit 1
fi

for wat in *.wat; do
	wasm=${wat%.wat}.wasm
	"$WAT2WASM" "$wat" -o "$wasm"
	"$WASM_VALIDATE" "$wasm"
done

# Not WebAssembly at all: a text file with a .wasm name.
printf 'this is a text file, not a WebAssembly module\n' > not_wasm.wasm
# Zero bytes.
: > empty.wasm
# The right magic and a component-model (not core module) version/layer:
# 00 61 73 6d, 0d 00 01 00.
printf '\000asm\015\000\001\000' > component.wasm
# The right magic and core version 2, which does not exist.
printf '\000asm\002\000\000\000' > wrong_version.wasm
# A real module cut off in the middle of its sections: the first 100 bytes
# of trap_unreachable.wasm.
head -c 100 trap_unreachable.wasm > truncated.wasm

# locals_bomb.wasm: a complete slotbox/1 module (146 bytes) whose marker
# function slotbox_abi_v1 declares 0xFFFFFFF0 i64 locals in one local entry.
# It is written byte by byte because the text format would need four billion
# `i64` tokens. Attacks the compiler: wazero v1.12.0 decodes the locals into
# a []ValueType of that length (4 GiB) and its compiler declares an SSA
# variable per local; with 2^28 locals (1/16 of this) CompileModule ran for
# 25 s and then panicked ("Too large variable"). The host must refuse it at
# validation (rule "locals", "function[0]") before it calls CompileModule.
{
	printf '\000asm\001\000\000\000'
	# type section: ()->(), (i32)->i32, (i32,i32)->(), (i32,i32,i32,i32)->i64
	printf '\001\026\004\140\000\000\140\001\177\001\177\140\002\177\177\000\140\004\177\177\177\177\001\176'
	# function section: four functions of types 0, 1, 2, 3
	printf '\003\005\004\000\001\002\003'
	# memory section: one memory, min 1 page, no max
	printf '\005\003\001\000\001'
	# export section: memory and the four functions
	printf '\007\111\005'
	printf '\006memory\002\000'
	printf '\016slotbox_abi_v1\000\000'
	printf '\015slotbox_alloc\000\001'
	printf '\014slotbox_free\000\002'
	printf '\014slotbox_call\000\003'
	# code section, four bodies
	printf '\012\031\004'
	# slotbox_abi_v1: 1 local entry, count 0xFFFFFFF0 (LEB128 f0 ff ff ff 0f), type i64; end
	printf '\010\001\360\377\377\377\017\176\013'
	# slotbox_alloc: i32.const 8192; end
	printf '\006\000\101\200\300\000\013'
	# slotbox_free: end
	printf '\002\000\013'
	# slotbox_call: i64.const 0; end
	printf '\004\000\102\000\013'
} > locals_bomb.wasm
"$WASM_VALIDATE" locals_bomb.wasm
