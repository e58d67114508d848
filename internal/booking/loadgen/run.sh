#!/usr/bin/env bash
# Booking benchmark: builds cmd/server and loadgen, starts the server on a
# fresh data folder on loopback, and runs loadgen against it from another
# process. Run from the repository root:
#
#   bash internal/booking/loadgen/run.sh            # 1000 bookings, 16 at a time
#   N=3000 C=32 bash internal/booking/loadgen/run.sh
set -euo pipefail

ADDR=${ADDR:-127.0.0.1:18282}
N=${N:-1000}
C=${C:-16}
work=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/server" ./cmd/server
go build -o "$work/loadgen" ./internal/booking/loadgen
SLOTBOX_ADDR=$ADDR SLOTBOX_DATA_DIR="$work/data" SLOTBOX_ALLOW_NET=127.0.0.1 SLOTBOX_ALLOW_HTTP=true \
	"$work/server" 2>"$work/server.log" &
pid=$!
# The server's defaults (log level info: a line per app call); the load
# starts once the first-party apps, compiled at start, are registered.
for _ in $(seq 1 600); do
	grep -q 'first-party apps ready' "$work/server.log" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
	sleep 0.5
done
curl -fsS "http://$ADDR/readyz" >/dev/null
"$work/loadgen" -server "http://$ADDR" -admin "$(cat "$work/data/admin.token")" -n "$N" -c "$C" || {
	grep -E '"level":"(WARN|ERROR)"|level=(WARN|ERROR)' "$work/server.log" | tail -20
	exit 1
}
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
