#!/usr/bin/env bash
# Builds apps/plausible (C) into testdata/wasm/apps/plausible.wasm; --check verifies. See scripts/build-app-c.sh.
exec bash "$(dirname "$0")/../../scripts/build-app-c.sh" plausible "$@"
