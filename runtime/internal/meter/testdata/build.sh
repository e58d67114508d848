#!/bin/sh
# Rebuilds the committed test modules. Needs wat2wasm (Debian: wabt) and Go.
# Tests use the committed .wasm files; run this after editing a source:
#   go generate ./runtime/internal/meter
set -eu
cd "$(dirname "$0")"
wat2wasm --debug-names equiv.wat -o equiv.wasm
wat2wasm loops.wat -o loops.wasm
wat2wasm envglobal.wat -o envglobal.wasm
for f in refuse/*.wat; do
	# The first line of each refusal case names the features wat2wasm needs.
	flags=$(sed -n '1s/^;; flags://p' "$f")
	# shellcheck disable=SC2086
	wat2wasm $flags "$f" -o "${f%.wat}.wasm"
done
(cd goguest && GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -o ../goguest.wasm .)
