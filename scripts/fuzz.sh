#!/usr/bin/env bash
# Builds each libFuzzer target (Fuzz/<target>/) and fuzzes it for a fixed time, starting from its
# seed corpus (Fuzz/corpus/<target>/).
#
#   scripts/fuzz.sh SECONDS [TARGET...]     e.g. scripts/fuzz.sh 30 (every target, 30 s each)
#
# Fails (exit 1) when any target finds a crash, a timeout or runaway memory; the input is kept
# under .build-fuzz/artifacts/ and replays with a plain build:
#   swift build --product TARGET && .build/debug/TARGET .build-fuzz/artifacts/TARGET-crash-...
#
# The committed corpus is never written: each run fuzzes a scratch copy. Set FUZZ_WORK to a folder
# to keep the grown corpora there across runs instead (a long campaign). FUZZ_TIMEOUT (seconds per
# input, default 10) and FUZZ_RSS_MB (default 2048) set the limits. Fuzz builds use their own
# scratch path, .build-fuzz (or FUZZ_SCRATCH), so they leave the normal build alone.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz-surrogate fuzz-import fuzz-archive fuzz-verify)
fi
timeout=${FUZZ_TIMEOUT:-10}
rss=${FUZZ_RSS_MB:-2048}
scratch=${FUZZ_SCRATCH:-.build-fuzz}
artifacts=$scratch/artifacts
mkdir -p "$artifacts"

if [ -n "${FUZZ_WORK:-}" ]; then
  work=$FUZZ_WORK
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/casefile-fuzz.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi

failed=()
summary=()
for target in "${targets[@]}"; do
  echo "== $target: build"
  swift build --scratch-path "$scratch" --sanitize=fuzzer -Xswiftc -DFUZZING --product "$target" 2>&1 \
    | grep -v '^\[[0-9]*/[0-9]*\] ' || true
  binary=$(swift build --scratch-path "$scratch" --sanitize=fuzzer -Xswiftc -DFUZZING --show-bin-path)/$target
  [ -x "$binary" ] || { echo "error: $target did not build"; exit 1; }

  corpus=$work/corpus/$target
  if [ ! -d "$corpus" ]; then
    mkdir -p "$corpus"
    cp Fuzz/corpus/"$target"/* "$corpus"/
  fi
  mkdir -p "$work/tmp"
  log=$work/$target.log
  echo "== $target: fuzz ${seconds}s (timeout ${timeout}s per input, rss ${rss} MB)"
  status=0
  # The Swift runtime's backtracer would catch a trap before libFuzzer can save the input.
  SWIFT_BACKTRACE=enable=no TMPDIR=$work/tmp "$binary" "$corpus" \
    -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss" -malloc_limit_mb="$rss" \
    -print_final_stats=1 -artifact_prefix="$artifacts/$target-" >"$log" 2>&1 || status=$?
  grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" || true
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  summary+=("$target: ${executions:-?} executions, $(ls "$corpus" | wc -l) corpus files")
  if [ "$status" -ne 0 ]; then
    echo "== $target: FAILED (exit $status)"
    grep -E 'ERROR: libFuzzer|==ERROR|Fatal error|SUMMARY|Test unit written to|artifact_prefix' "$log" | head -20 || true
    tail -40 "$log"
    failed+=("$target")
  fi
done

echo "== summary (${SECONDS}s in all, builds included)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]} (inputs under $artifacts/)"
  exit 1
fi
