#!/usr/bin/env bash
# Builds apps/jitsi (C) into testdata/wasm/apps/jitsi.wasm; --check verifies. See scripts/build-app-c.sh.
exec bash "$(dirname "$0")/../../scripts/build-app-c.sh" jitsi "$@"
