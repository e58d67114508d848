#!/usr/bin/env bash
# Rebuilds every committed guest module from its source, in place, with the
# same toolchains CI installs. Each folder's build.sh knows its language.
set -euo pipefail
cd "$(dirname "$0")/.."
for script in testdata/wasm/small/build.sh testdata/wasm/hostile/build.sh \
  guest-sdk/go/build.sh guest-sdk/c/build.sh guest-sdk/assemblyscript/build.sh \
  apps/*/build.sh testdata/extism/build.sh; do
  [ -f "$script" ] || continue
  echo "-- $script"
  bash "$script"
done
