#!/usr/bin/env bash
# Builds apps/make (C) into testdata/wasm/apps/make.wasm; --check verifies. See scripts/build-app-c.sh.
exec bash "$(dirname "$0")/../../scripts/build-app-c.sh" make "$@"
