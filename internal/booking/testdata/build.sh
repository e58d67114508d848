#!/usr/bin/env bash
# Rebuilds internal/booking/testdata/peerapp.wasm, the booking tests' app,
# reproducibly (same flags as guest-sdk/go/build.sh). `build.sh --check`
# fails when the committed module differs from its rebuild.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=internal/booking/testdata/peerapp.wasm
dst=$out
if [ "${1:-}" = "--check" ]; then
  dst=$(mktemp)
  trap 'rm -f "$dst"' EXIT
fi
env -u GOFLAGS CGO_ENABLED=0 GOOS=wasip1 GOARCH=wasm GOWASM= GOEXPERIMENT= GOTOOLCHAIN=local \
  go build -trimpath -buildvcs=false -buildmode=c-shared -ldflags=-buildid= \
  -o "$dst" ./internal/booking/testdata/peerapp
if [ "${1:-}" = "--check" ] && ! cmp -s "$dst" "$out"; then
  echo "$out differs from its rebuild; run internal/booking/testdata/build.sh" >&2
  exit 1
fi
echo "peerapp.wasm $(stat -c %s "$dst") bytes sha256 $(sha256sum "$dst" | cut -d' ' -f1)"
