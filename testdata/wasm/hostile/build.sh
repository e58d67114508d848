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
