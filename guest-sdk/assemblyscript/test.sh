#!/usr/bin/env bash
# test.sh: installs the pinned toolchain (npm ci) when needed, checks that
# the committed fixtures rebuild byte for byte, and runs the node tests
# (JSON reader/writer and Cal.com types inside wasm, the fixtures against a
# fake host). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh --verify
node --test tests/
