#!/usr/bin/env bash
# Builds the C app apps/SLUG (its src/SLUG.c) into testdata/wasm/apps/SLUG.wasm
# with the C guest SDK and Debian's clang, lld and wasi-libc, byte for byte
# reproducibly (no debug info, no names, no paths: --strip-all and
# -ffile-prefix-map).
#
#   scripts/build-app-c.sh SLUG           # build into testdata/wasm/apps/SLUG.wasm
#   scripts/build-app-c.sh SLUG --check   # build twice into a temp dir; fail when the
#                                         # two builds differ or the committed module does
set -euo pipefail
slug=${1:?usage: build-app-c.sh SLUG [--check]}
mode=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/build-app-lib.sh"
here=$root/apps/$slug
sdk=$root/guest-sdk/c

CC=${WASM_CC:-clang}
cflags=(--target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -Oz -std=c11
	-Wall -Wextra -Werror -Wshadow -Wmissing-prototypes
	-ffile-prefix-map="$root"=. -I"$sdk" -Wl,--strip-all)
srcs=("$here/src/$slug.c" "$sdk/slotbox.c" "$sdk/json.c" "$sdk/arena.c" "$sdk/calcom.c" "$sdk/str.c")

build() { "$CC" "${cflags[@]}" "${srcs[@]}" -o "$1"; }

build_app "$slug" "$root/testdata/wasm/apps/$slug.wasm" "$mode"
