#!/usr/bin/env bash
# Builds apps/applecalendar (Go) into testdata/wasm/apps/applecalendar.wasm; --check verifies. See scripts/build-app-go.sh.
exec bash "$(dirname "$0")/../../scripts/build-app-go.sh" applecalendar "$@"
