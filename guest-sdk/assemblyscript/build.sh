#!/usr/bin/env bash
# build.sh: rebuilds the AssemblyScript SDK's fixtures from source with the
# pinned compiler (package-lock.json):
#   testdata/wasm/as-echo.wasm          examples/echo
#   testdata/wasm/as-conformance.wasm   examples/conformance
#
#   guest-sdk/assemblyscript/build.sh            # npm ci, then write into testdata/wasm
#   guest-sdk/assemblyscript/build.sh DIR        # write into DIR instead
#   guest-sdk/assemblyscript/build.sh --verify   # rebuild into a temp dir, fail if any byte differs
#
# Options come from asconfig.json: --runtime minimal, --exportStart
# _initialize, abort/trace/seed routed to lib/slotbox_runtime.ts (no env.*
# imports), -O3 with shrinkLevel 1 (converge off: it saved
# nothing here). The output has no names, paths or times.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$(cd "$here/../../testdata/wasm" && pwd)
cd "$here"

# npm ci when node_modules is missing or was installed from another lock file.
if [[ ! -x node_modules/.bin/asc ]] || ! cmp -s package-lock.json node_modules/.slotbox-lock.json; then
	npm ci --no-audit --no-fund >/dev/null
	cp package-lock.json node_modules/.slotbox-lock.json
fi
apps=(echo conformance)

build_into() {
	local dir=$1
	for app in "${apps[@]}"; do
		npx --no-install asc "examples/$app/index.ts" --config asconfig.json -o "$dir/as-$app.wasm"
	done
}

check_imports() {
	local f=$1 bad
	bad=$(wasm-objdump -x -j Import "$f" | sed -n 's/.* <- \(.*\)$/\1/p' | grep -v -E '^(slotbox|wasi_snapshot_preview1)\.' || true)
	if [[ -n $bad ]]; then
		echo "$f imports what Slotbox refuses: $bad" >&2
		return 1
	fi
}

if [[ ${1:-} == --verify ]]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	build_into "$tmp"
	status=0
	for app in "${apps[@]}"; do
		if cmp -s "$tmp/as-$app.wasm" "$fixtures/as-$app.wasm"; then
			echo "ok   as-$app.wasm ($(stat -c %s "$tmp/as-$app.wasm") bytes) matches the committed module"
		else
			echo "DIFF as-$app.wasm: the rebuilt module differs from testdata/wasm/as-$app.wasm" >&2
			status=1
		fi
	done
	exit $status
fi

out=${1:-$fixtures}
mkdir -p "$out"
build_into "$out"
for app in "${apps[@]}"; do
	check_imports "$out/as-$app.wasm"
	echo "built $out/as-$app.wasm ($(stat -c %s "$out/as-$app.wasm") bytes)"
done
