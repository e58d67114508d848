#!/usr/bin/env bash
# build.sh: rebuilds the C SDK's fixtures from source with Debian's clang,
# lld and wasi-libc:
#   testdata/wasm/c-echo.wasm          examples/echo
#   testdata/wasm/c-conformance.wasm   examples/conformance
#
#   guest-sdk/c/build.sh             # write into testdata/wasm
#   guest-sdk/c/build.sh DIR         # write into DIR instead
#   guest-sdk/c/build.sh --verify    # rebuild into a temp dir, fail if any byte differs
#
# The output is reproducible: no debug info or names (--strip-all), no
# paths or timestamps end up in the module.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$(cd "$here/../../testdata/wasm" && pwd)

CC=${WASM_CC:-clang}
cflags=(--target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -Oz -std=c11
	-Wall -Wextra -Werror -Wshadow -Wmissing-prototypes
	-ffile-prefix-map="$here"=. -I"$here" -Wl,--strip-all)
sdk=("$here/slotbox.c" "$here/json.c" "$here/arena.c" "$here/calcom.c" "$here/str.c")
apps=(echo conformance)

build_into() {
	local dir=$1
	for app in "${apps[@]}"; do
		"$CC" "${cflags[@]}" "$here/examples/$app/$app.c" "${sdk[@]}" -o "$dir/c-$app.wasm"
	done
}

if [[ ${1:-} == --verify ]]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	build_into "$tmp"
	status=0
	for app in "${apps[@]}"; do
		if cmp -s "$tmp/c-$app.wasm" "$fixtures/c-$app.wasm"; then
			echo "ok   c-$app.wasm ($(stat -c %s "$tmp/c-$app.wasm") bytes) matches the committed module"
		else
			echo "DIFF c-$app.wasm: the rebuilt module differs from testdata/wasm/c-$app.wasm" >&2
			status=1
		fi
	done
	exit $status
fi

out=${1:-$fixtures}
mkdir -p "$out"
build_into "$out"
for app in "${apps[@]}"; do
	echo "built $out/c-$app.wasm ($(stat -c %s "$out/c-$app.wasm") bytes)"
done
