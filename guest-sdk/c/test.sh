#!/usr/bin/env bash
# test.sh: builds and runs the C SDK's native tests (JSON reader/writer,
# arena, dispatch and host wrappers against a fake host, a bounded fuzz run)
# under AddressSanitizer and UBSan, and checks that the SDK compiles for
# wasm32-wasi without warnings. Exits non-zero on any failure.
#
#   guest-sdk/c/test.sh            # CC defaults to cc
#   FUZZ_ITERATIONS=1000000 guest-sdk/c/test.sh
set -euo pipefail
cd "$(dirname "$0")"

CC=${CC:-cc}
FUZZ_ITERATIONS=${FUZZ_ITERATIONS:-200000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

flags=(-std=c11 -g -O1 -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes
	-fsanitize=address,undefined -fno-sanitize-recover=all -I.)
sdk=(slotbox.c json.c arena.c calcom.c str.c)

"$CC" "${flags[@]}" test/json_test.c json.c arena.c -lm -o "$out/json_test"
"$CC" "${flags[@]}" test/sdk_test.c examples/conformance/conformance.c "${sdk[@]}" -lm -o "$out/sdk_test"
"$CC" "${flags[@]}" test/fuzz_json.c test/fuzz_driver.c json.c arena.c -lm -o "$out/fuzz"

passed=0
failed=0
run() {
	local log="$out/$(basename "$1").log" status=0
	"$@" >"$log" 2>&1 || status=$?
	cat "$log"
	local line p f
	line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)
	p=$(sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$line")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [[ $status -ne 0 && ${f:-0} -eq 0 ]]; then
		echo "$1 exited with status $status" >&2
		failed=$((failed + 1))
	fi
}
run "$out/json_test"
run "$out/sdk_test"
run "$out/fuzz" "$FUZZ_ITERATIONS"

# The SDK and its examples must also compile cleanly for the real target.
if command -v clang >/dev/null && [[ -f /usr/lib/wasm32-wasi/libc.a ]]; then
	for app in echo conformance; do
		if clang --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -Oz -std=c11 \
			-Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -I. \
			"examples/$app/$app.c" "${sdk[@]}" -o "$out/$app.wasm"; then
			passed=$((passed + 1))
		else
			echo "FAIL wasm32-wasi build of examples/$app" >&2
			failed=$((failed + 1))
		fi
	done
else
	echo "FAIL clang or wasi-libc missing (apt-get install clang lld wasi-libc)" >&2
	failed=$((failed + 1))
fi

echo "c-sdk: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
