#!/usr/bin/env bash
# Rebuilds the Extism plugins of this folder from their sources, in place:
#
#   wat/*.wasm     wat/*.wat with wabt 1.0.32 (wat2wasm, then wasm-validate):
#                  hand-written plugins, well-behaved and hostile (wat/cases.json)
#   gocal.wasm     gocal/: standard Go (GOOS=wasip1, -buildmode=c-shared,
#                  //go:wasmexport) with the Extism Go PDK v1.1.3
#   asvideo.wasm   asvideo/assembly/index.ts: AssemblyScript 0.28.20 with
#                  @extism/as-pdk 1.0.0, pinned by asvideo/package-lock.json
#                  (npm ci), options in asvideo/asconfig.json
#   ascounter.wasm asvideo/assembly/counter.ts, built as the PDK's README does
#                  (no --exportStart, so with a start function;
#                  asvideo/asconfig.start.json)
#
#   testdata/extism/build.sh           rebuild in place
#   testdata/extism/build.sh --check   rebuild into a temporary folder and fail
#                                      when a committed module differs
#
# gocal has its own go.mod (so that `go mod tidy` in the main module never
# drops go-pdk); it uses the main module's abi and benchevent packages
# through a replace directive.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

out=$here
check=0
if [[ ${1:-} == --check ]]; then
	check=1
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
	mkdir -p "$out/wat"
fi

want_wabt=1.0.32
have_wabt=$(wat2wasm --version)
if [[ $have_wabt != "$want_wabt" ]]; then
	echo "testdata/extism/build.sh: wat2wasm $have_wabt, want $want_wabt" >&2
	exit 1
fi
for wat in wat/*.wat; do
	wasm=${wat%.wat}.wasm
	wat2wasm "$wat" -o "$out/$wasm"
	wasm-validate "$out/$wasm"
done

want_go=go1.26.8
have_go=$(go env GOVERSION)
if [[ $have_go != "$want_go" ]]; then
	echo "testdata/extism/build.sh: need $want_go for a reproducible gocal.wasm, have $have_go" >&2
	exit 1
fi
(
	cd gocal
	env -u GOFLAGS CGO_ENABLED=0 GOOS=wasip1 GOARCH=wasm GOWASM= GOEXPERIMENT= GOTOOLCHAIN=local \
		go build -trimpath -buildvcs=false -buildmode=c-shared -ldflags=-buildid= -o "$out/gocal.wasm" .
)

(
	cd asvideo
	if [[ ! -x node_modules/.bin/asc ]] || ! cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null; then
		npm ci --no-audit --no-fund >/dev/null
	fi
	npx --no-install asc assembly/index.ts --config asconfig.json -o "$out/asvideo.wasm"
	npx --no-install asc assembly/counter.ts --config asconfig.start.json -o "$out/ascounter.wasm"
)

# No plugin may import what Slotbox refuses (the runtime would refuse it at
# upload; this catches it at build time with a clearer message).
for f in "$out/gocal.wasm" "$out/asvideo.wasm" "$out/ascounter.wasm"; do
	bad=$(wasm-objdump -x -j Import "$f" | sed -n 's/.* <- \(.*\)$/\1/p' |
		grep -v -E '^(extism:host/env|extism:host/user|wasi_snapshot_preview1)\.' |
		grep -E . || true)
	bad+=$(wasm-objdump -x -j Import "$f" | sed -n 's/.* <- \(extism:host\/env\.http_.*\)$/\1/p')
	if [[ -n $bad ]]; then
		echo "$f imports what Slotbox refuses: $bad" >&2
		exit 1
	fi
done

status=0
for f in wat/*.wasm gocal.wasm asvideo.wasm ascounter.wasm; do
	sum=$(sha256sum "$out/$f" | cut -d' ' -f1)
	if [[ $check == 1 ]] && ! cmp -s "$out/$f" "$f"; then
		echo "testdata/extism/$f differs from its rebuild ($sum); run testdata/extism/build.sh" >&2
		status=1
	fi
	[[ $f == wat/* ]] || echo "$f $(stat -c %s "$out/$f") bytes sha256 $sum"
done
exit $status
