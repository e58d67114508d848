#!/usr/bin/env bash
# Builds apps/caldav (Go) into testdata/wasm/apps/caldav.wasm; --check verifies. See scripts/build-app-go.sh.
exec bash "$(dirname "$0")/../../scripts/build-app-go.sh" caldav "$@"
