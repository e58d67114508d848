# Sourced by scripts/build-app-{go,c,as}.sh: build_app SLUG OUT [--check]
# calls the caller's build function (build FILE) and either writes OUT or,
# with --check (any other argument is ignored, as before), builds twice into a temp dir and fails when the two builds
# differ or differ from the committed OUT. Prints size and sha256 at the end.

build_app() {
  local slug=$1 out=$2 mode=${3:-}
  if [ "$mode" = "--check" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    build "$tmp/a.wasm"
    build "$tmp/b.wasm"
    cmp -s "$tmp/a.wasm" "$tmp/b.wasm" || { echo "apps/$slug: two builds differ" >&2; exit 1; }
    cmp -s "$tmp/a.wasm" "$out" || { echo "testdata/wasm/apps/$slug.wasm differs from its rebuild; run apps/$slug/build.sh" >&2; exit 1; }
    out=$tmp/a.wasm
  else
    mkdir -p "$(dirname "$out")"
    build "$out"
  fi
  echo "$slug.wasm $(stat -c %s "$out") bytes sha256 $(sha256sum "$out" | cut -d' ' -f1)"
}
