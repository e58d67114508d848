#!/bin/sh
# Rebuilds every .wasm in this folder from its .wat with wabt's wat2wasm and
# checks it with wasm-validate. CI runs it and fails on a difference:
#
#   testdata/wasm/small/build.sh && git diff --exit-code testdata/wasm/small
#
# Needs wabt 1.0.32 (Debian 12's `wabt` package), whose defaults enable bulk
# memory (memory.copy), which these modules use.
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
