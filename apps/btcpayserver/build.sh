#!/usr/bin/env bash
# Builds apps/btcpayserver (Go) into testdata/wasm/apps/btcpayserver.wasm; --check verifies. See scripts/build-app-go.sh.
exec bash "$(dirname "$0")/../../scripts/build-app-go.sh" btcpayserver "$@"
