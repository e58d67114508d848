#!/usr/bin/env bash
# Builds apps/make into testdata/wasm/apps/make.wasm with the C guest SDK
# and Debian's clang, lld and wasi-libc, byte for byte reproducibly (no debug
# info, no names, no paths: --strip-all and -ffile-prefix-map).
#
#   apps/make/build.sh           # build into testdata/wasm/apps/make.wasm
#   apps/make/build.sh --check   # build twice into a temp dir; fail if the two
#                                # builds differ or the committed module does
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sdk=$root/guest-sdk/c
slug=make
out=$root/testdata/wasm/apps/$slug.wasm

CC=${WASM_CC:-clang}
cflags=(--target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -Oz -std=c11
	-Wall -Wextra -Werror -Wshadow -Wmissing-prototypes
	-ffile-prefix-map="$root"=. -I"$sdk" -Wl,--strip-all)
srcs=("$here/src/$slug.c" "$sdk/slotbox.c" "$sdk/json.c" "$sdk/arena.c" "$sdk/calcom.c")

build() { "$CC" "${cflags[@]}" "${srcs[@]}" -o "$1"; }

if [[ ${1:-} == --check ]]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	build "$tmp/a.wasm"
	build "$tmp/b.wasm"
	cmp -s "$tmp/a.wasm" "$tmp/b.wasm" || { echo "apps/$slug: two builds differ" >&2; exit 1; }
	cmp -s "$tmp/a.wasm" "$out" || { echo "$out differs from its rebuild; run apps/$slug/build.sh" >&2; exit 1; }
	out=$tmp/a.wasm
else
	mkdir -p "$(dirname "$out")"
	build "$out"
fi
echo "$slug.wasm $(stat -c %s "$out") bytes sha256 $(sha256sum "$out" | cut -d' ' -f1)"
