# Sourced by .ci/run: starts Debian's Radicale on loopback with a throwaway
# store and one user, and exports where the caldav app's tests find it.
start_radicale() {
  local dir
  dir=$(mktemp -d)
  printf 'slotbox:radicale-pass\n' >"$dir/users"
  cat >"$dir/config" <<CONF
[server]
hosts = 127.0.0.1:5232
[auth]
type = htpasswd
htpasswd_filename = $dir/users
htpasswd_encryption = plain
[storage]
filesystem_folder = $dir/collections
[logging]
level = warning
CONF
  /usr/bin/radicale --config "$dir/config" >"$dir/log" 2>&1 &
  RADICALE_PID=$!
  trap 'kill $RADICALE_PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null -u slotbox:radicale-pass http://127.0.0.1:5232/.well-known/caldav 2>/dev/null ||
       curl -sS -o /dev/null http://127.0.0.1:5232/ 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  export SLOTBOX_RADICALE_URL=http://127.0.0.1:5232/
  export SLOTBOX_RADICALE_USER=slotbox SLOTBOX_RADICALE_PASS=radicale-pass
}
