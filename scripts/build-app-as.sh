#!/usr/bin/env bash
# Builds the AssemblyScript app apps/SLUG into testdata/wasm/apps/SLUG.wasm with
# the compiler pinned in its package-lock.json, byte for byte reproducibly:
# its asconfig.json extends the SDK's (runtime minimal, -O3 shrink 1, no debug
# info or names), and the output holds no paths or times.
#
#   scripts/build-app-as.sh SLUG           # npm ci when needed, build, check imports
#   scripts/build-app-as.sh SLUG --check   # build twice into a temp dir; fail when the
#                                          # builds differ or differ from the committed module
set -euo pipefail
slug=${1:?usage: build-app-as.sh SLUG [--check]}
mode=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/build-app-lib.sh"
out="$root/testdata/wasm/apps/$slug.wasm"
cd "$root/apps/$slug"

# npm ci when node_modules is missing or was installed from another lock file.
if [[ ! -x node_modules/.bin/asc ]] || ! cmp -s package-lock.json node_modules/.slotbox-lock.json; then
	npm ci --no-audit --no-fund >/dev/null
	cp package-lock.json node_modules/.slotbox-lock.json
fi

build() {
	npx --no-install asc assembly/index.ts --config asconfig.json -o "$1"
	# Slotbox refuses any import outside slotbox.* and wasi_snapshot_preview1.*.
	local bad
	bad=$(wasm-objdump -x -j Import "$1" | sed -n 's/.* <- \(.*\)$/\1/p' | grep -v -E '^(slotbox|wasi_snapshot_preview1)\.' || true)
	if [[ -n $bad ]]; then
		echo "$1 imports what Slotbox refuses: $bad" >&2
		return 1
	fi
}

build_app "$slug" "$out" "$mode"
