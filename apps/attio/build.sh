#!/usr/bin/env bash
# Builds apps/attio (AssemblyScript) into testdata/wasm/apps/attio.wasm; --check verifies. See scripts/build-app-as.sh.
exec bash "$(dirname "$0")/../../scripts/build-app-as.sh" attio "$@"
