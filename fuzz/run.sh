#!/usr/bin/env bash
# Runs every fuzz target of a sanitizer build for SECONDS each, JOBS targets at a time (default
# 1: the machine's cores are shared; check-asan runs two on CI's two cores), each with one
# worker: first its committed regression inputs
# (fuzz/regressions/<target>/, each must pass), then libFuzzer on its seeds and what earlier
# runs of this build found (BUILD/fuzz/corpus/<target>/, kept between runs). A crash, leak,
# UB report, timeout or out-of-memory ends that target with its input in
# BUILD/fuzz/findings/<target>/, and the run fails.
#
# Seeds are generated once per build into BUILD/fuzz/seeds/ (fuzz/seeds.sh), from ../shared
# read in place and from mamori-demogen.
# Usage: fuzz/run.sh BUILD SECONDS [TARGET...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "$1" && pwd)"
seconds="$2"
shift 2
source "$here/sanitizer_env.sh"

[ -d "$build/fuzz/seeds" ] || bash "$here/seeds.sh" "$build"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for t in "$build"/fuzz/*_fuzz; do targets+=("$(basename "$t" _fuzz)"); done
fi

# One target; its report lines on stdout, and "ok" or "failed" as its last line.
fuzz_one() {
  local t="$1"
  local bin="$build/fuzz/${t}_fuzz"
  local corpus="$build/fuzz/corpus/$t"
  local findings="$build/fuzz/findings/$t"
  local log="$build/fuzz/logs/$t.log"
  mkdir -p "$corpus" "$findings" "$build/fuzz/seeds/$t" "$(dirname "$log")"
  local regressions=("$here/regressions/$t"/*)
  if [ -e "${regressions[0]}" ] && ! "$bin" "${regressions[@]}" >"$log" 2>&1; then
    echo "fuzz: $t: a regression input fails again (log: $log)"
    echo failed
    return
  fi
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: growing past 2 GiB is a finding.
  if "$bin" -max_total_time="$seconds" -workers=1 -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" "$build/fuzz/seeds/$t" >>"$log" 2>&1; then
    local execs
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "fuzz: $t: ${seconds}s, ${execs:-?} executions, no finding"
    echo ok
  else
    echo "fuzz: $t: FINDING (inputs in $findings, log: $log)"
    grep -m5 -E "ERROR: |runtime error|SUMMARY|Test unit written" "$log" | sed 's/^/  /'
    echo failed
  fi
}

jobs="${JOBS:-1}"
results="$build/fuzz/results"
rm -rf "$results"
mkdir -p "$results"
running=0
for t in "${targets[@]}"; do
  fuzz_one "$t" >"$results/$t" 2>&1 &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

passed=0
failed=()
for t in "${targets[@]}"; do
  sed '$d' "$results/$t"
  if [ "$(tail -n 1 "$results/$t")" = ok ]; then passed=$((passed + 1)); else failed+=("$t"); fi
done
echo "fuzz: $passed passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
