# Contributor recipes. `just --list` shows them. CI runs .ci/run.

# Run the whole test suite (the README's test command).
test:
    go test ./...

# Rebuild every guest module (WAT, Go, C, AssemblyScript, apps) from source.
guests:
    bash scripts/build-guests.sh

# Rebuild only the Go guests (SDK examples and Go apps).
guests-go:
    bash guest-sdk/go/build.sh

# Rebuild the C SDK's guests (needs clang, lld, wasi-libc).
guests-c:
    bash guest-sdk/c/build.sh

# Rebuild the AssemblyScript SDK's guests (needs node and npm).
guests-as:
    bash guest-sdk/assemblyscript/build.sh

# Rebuild the hand-written WAT fixtures (needs wabt).
guests-wat:
    bash testdata/wasm/small/build.sh
    bash testdata/wasm/hostile/build.sh

# Benchmarks behind docs/performance.md (medians of 5 runs).
bench pkg="./...":
    go test {{pkg}} -run '^$' -bench . -count 5 -benchtime 1s | tee bench.out

# Fuzz the metering rewriter, the allow-list and the manifest parser.
fuzz time="60s":
    go test ./runtime/internal/meter -run '^$' -fuzz FuzzInstrument -fuzztime {{time}}
    go test ./hostfuncs/http -run '^$' -fuzz FuzzAllowList -fuzztime {{time}}
    go test ./hostfuncs/http -run '^$' -fuzz FuzzURLHost -fuzztime {{time}}
    go test ./abi -run '^$' -fuzz FuzzParseManifest -fuzztime {{time}}

# Lint as CI and reviewers do.
lint:
    gofmt -l .
    go vet ./...
    go run honnef.co/go/tools/cmd/staticcheck@latest ./...

# Everything CI does, locally.
ci:
    bash .ci/run

# Serve on :8080 with data in ./data.
serve:
    go run ./cmd/server
