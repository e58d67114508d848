#!/usr/bin/env bash
# Builds the Go app apps/SLUG into testdata/wasm/apps/SLUG.wasm, byte for byte
# reproducibly: same Go release, same flags, no VCS stamp, no build id, no
# machine paths.
#
#   scripts/build-app-go.sh SLUG           # build into testdata/wasm/apps/SLUG.wasm
#   scripts/build-app-go.sh SLUG --check   # build twice into a temp dir; fail when the
#                                          # two builds differ or the committed module does
set -euo pipefail
slug=${1:?usage: build-app-go.sh SLUG [--check]}
mode=${2:-}
cd "$(dirname "$0")/.."
source scripts/build-app-lib.sh

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

build_app "$slug" testdata/wasm/apps/$slug.wasm "$mode"
