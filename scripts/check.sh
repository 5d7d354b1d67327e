#!/usr/bin/env bash
# The project's whole test run; README's test command, and what .ci/run runs after installing the
# system packages:
#   1. the unit and CLI tests (swift test);
#   2. the same tests again under AddressSanitizer, in their own build folder (.build-asan), with
#      leak detection off: the toolchain's Foundation and test runtime report leaks of their own;
#   3. each libFuzzer target for FUZZ_SECONDS (30 unless set) from its seed corpus, so that a
#      regression in a parser shows up (scripts/fuzz.sh).
# Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== swift test"
swift test

echo "== swift test --sanitize=address"
ASAN_OPTIONS=detect_leaks=0 swift test --sanitize=address --scratch-path .build-asan

echo "== fuzzing, ${FUZZ_SECONDS:-30} s per target"
./scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
