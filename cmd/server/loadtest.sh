#!/usr/bin/env bash
# Load test of the server from another process, on loopback: requests per
# second and latency percentiles for listing apps and for the debug call of
# a small app (testdata/wasm/small/echo.wasm). Needs hey, curl and jq
# (Debian: apt-get install hey curl jq). Run from the repository root:
#
#   bash cmd/server/loadtest.sh            # 20000 requests, 16 at a time
#   N=50000 C=32 bash cmd/server/loadtest.sh
#
# The server runs with its defaults (log level info, metrics on, a call
# record written per debug call) on a fresh data folder; the first-party
# apps are registered before the load starts.
set -euo pipefail

ADDR=${ADDR:-127.0.0.1:18181}
N=${N:-20000}
C=${C:-16}
base="http://$ADDR"
work=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/server" ./cmd/server
SLOTBOX_ADDR=$ADDR SLOTBOX_DATA_DIR="$work/data" "$work/server" 2>"$work/server.log" &
pid=$!
for _ in $(seq 1 600); do
	grep -q 'first-party apps ready' "$work/server.log" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
	sleep 0.5
done
curl -fsS "$base/readyz" >/dev/null

admin="Authorization: Bearer $(cat "$work/data/admin.token")"
tenant=$(curl -fsS -H "$admin" -H 'Content-Type: application/json' -d '{"name":"load"}' "$base/api/admin/tenants" | jq -r .id)
key=$(curl -fsS -H "$admin" -H 'Content-Type: application/json' -d '{"name":"load"}' "$base/api/admin/tenants/$tenant/keys" | jq -r .secret)
curl -fsS -H "$admin" -F config=@testdata/wasm/small/echo.config.json -F wasm=@testdata/wasm/small/echo.wasm \
	"$base/api/admin/apps?enabled=true" >/dev/null
auth="Authorization: Bearer $key"
ins=$(curl -fsS -H "$auth" -H 'Content-Type: application/json' -d '{"app":"test-echo"}' "$base/api/installations" | jq -r .id)
curl -fsS -H "$auth" -H 'Content-Type: application/json' -d '{"method":"calendar.listCalendars"}' \
	"$base/api/installations/$ins/call" | jq -c '{envelope, outcome}'

echo "== GET /api/apps (tenant catalogue), n=$N c=$C"
hey -n "$N" -c "$C" -H "$auth" "$base/api/apps" | grep -E 'Requests/sec|Average|Slowest|(50|90|99)% in|responses'
echo "== POST /api/installations/{id}/call calendar.listCalendars on small/echo.wasm, n=$N c=$C"
hey -n "$N" -c "$C" -m POST -H "$auth" -T application/json -d '{"method":"calendar.listCalendars"}' \
	"$base/api/installations/$ins/call" | grep -E 'Requests/sec|Average|Slowest|(50|90|99)% in|responses'
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
