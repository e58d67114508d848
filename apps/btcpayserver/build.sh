#!/usr/bin/env bash
# Builds apps/btcpayserver into testdata/wasm/apps/btcpayserver.wasm, byte for byte
# reproducibly: same Go release, same flags, no VCS stamp, no build id, no
# machine paths. `build.sh --check` builds twice into a temporary folder and
# fails when the two builds differ or the committed module differs.
set -euo pipefail
cd "$(dirname "$0")/../.."

slug=btcpayserver
want_go=go1.26.8
have_go=$(go env GOVERSION)
if [ "$have_go" != "$want_go" ]; then
  echo "apps/$slug/build.sh: need $want_go for a reproducible module, have $have_go" >&2
  exit 1
fi

build() {
  env -u GOFLAGS CGO_ENABLED=0 GOOS=wasip1 GOARCH=wasm GOWASM= GOEXPERIMENT= GOTOOLCHAIN=local \
    go build -trimpath -buildvcs=false -buildmode=c-shared -ldflags=-buildid= -o "$1" "./apps/$slug"
}

out=testdata/wasm/apps/$slug.wasm
if [ "${1:-}" = "--check" ]; then
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
