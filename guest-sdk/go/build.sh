#!/usr/bin/env bash
# Rebuilds the Go SDK's example guests into testdata/wasm/go-<name>.wasm,
# byte for byte reproducibly: same Go release, same flags, no VCS stamp, no
# build id, no machine paths. `build.sh --check` builds into a temporary
# folder instead and fails when a committed module differs from its rebuild.
set -euo pipefail
cd "$(dirname "$0")/../.."

want_go=go1.26.8
have_go=$(go env GOVERSION)
if [ "$have_go" != "$want_go" ]; then
  echo "guest-sdk/go/build.sh: need $want_go for reproducible modules, have $have_go" >&2
  exit 1
fi

out=testdata/wasm
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

for name in echo httpcal bench conformance; do
  env -u GOFLAGS CGO_ENABLED=0 GOOS=wasip1 GOARCH=wasm GOWASM= GOEXPERIMENT= GOTOOLCHAIN=local \
    go build -trimpath -buildvcs=false -buildmode=c-shared -ldflags=-buildid= \
    -o "$out/go-$name.wasm" "./guest-sdk/go/examples/$name"
  sum=$(sha256sum "$out/go-$name.wasm" | cut -d' ' -f1)
  size=$(stat -c %s "$out/go-$name.wasm")
  if [ "$check" = 1 ]; then
    if ! cmp -s "$out/go-$name.wasm" "testdata/wasm/go-$name.wasm"; then
      echo "testdata/wasm/go-$name.wasm differs from its rebuild ($sum); run guest-sdk/go/build.sh" >&2
      exit 1
    fi
  fi
  echo "go-$name.wasm $size bytes sha256 $sum"
done
