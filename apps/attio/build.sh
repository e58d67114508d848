#!/usr/bin/env bash
# Builds apps/attio (AssemblyScript) into testdata/wasm/apps/attio.wasm with
# the compiler pinned in package-lock.json, byte for byte reproducibly:
# asconfig.json extends the SDK's (runtime minimal, -O3 shrink 1, no debug
# info or names), and the output holds no paths or times.
#
#   apps/attio/build.sh           npm ci when needed, build, check imports
#   apps/attio/build.sh --check   build twice into a temp dir; fail when the
#                                 builds differ or differ from the committed module
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
slug=$(basename "$here")
out="$here/../../testdata/wasm/apps/$slug.wasm"
cd "$here"

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

if [[ ${1:-} == --check ]]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	build "$tmp/a.wasm"
	build "$tmp/b.wasm"
	cmp -s "$tmp/a.wasm" "$tmp/b.wasm" || { echo "apps/$slug: two builds differ" >&2; exit 1; }
	cmp -s "$tmp/a.wasm" "$out" || { echo "testdata/wasm/apps/$slug.wasm differs from its rebuild; run apps/$slug/build.sh" >&2; exit 1; }
	out=$tmp/a.wasm
else
	mkdir -p "$(dirname "$out")"
	build "$out"
fi
echo "$slug.wasm $(stat -c %s "$out") bytes sha256 $(sha256sum "$out" | cut -d' ' -f1)"
