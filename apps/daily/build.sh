#!/usr/bin/env bash
# Builds apps/daily (AssemblyScript) into testdata/wasm/apps/daily.wasm; --check verifies. See scripts/build-app-as.sh.
exec bash "$(dirname "$0")/../../scripts/build-app-as.sh" daily "$@"
