#!/usr/bin/env bash
# `make check-asan`: builds what it runs in the sanitizer build (ASan + UBSan, MAMORI_SANITIZE;
# configured by the Makefile), then runs, any sanitizer report failing the run:
#   1. the stages' unit tests (the tests/<folder>/ binaries named below, through ctest by
#      label). Left to the normal build: integration, verify and browser, which run whole
#      mamori processes and browsers against timeouts that ASan's slowdown would break;
#   2. every fuzz target for FUZZ_SECONDS on its seeds, after its regression inputs (fuzz/run.sh);
#   3. the corpus pass: the sanitized `mamori` reads capture files of ../shared/corpus and
#      mamori-demogen's with ET Open and must exit 0.
# Usage: scripts/check_asan.sh BUILD FUZZ_SECONDS
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$1" && pwd)"
fuzz_seconds="$2"
shared="$(cd "$root/.." && pwd)/shared"
jobs="${JOBS:-2}"
unit_tests=(capture applayer detect correlate uplink auth)
# One capture per protocol family the parsers read, and the link types the decoder takes.
corpus_pcaps=(ndpi/exe_download.pcap ndpi/443-chrome.pcap ndpi/tls_long_cert.pcap ndpi/dns_fragmented.pcap
              ndpi/malformed_dns.pcap ndpi/ssh.pcap ndpi/http_ipv6.pcap ndpi/log4j-webapp-exploit.pcap
              suricata-verify/ipv6-evasion/ipv6-malformed-fragments-24/input.pcap)

if [ -n "${CI:-}" ] && [ ! -d "$shared/corpus" ]; then
  echo "check-asan: $shared/corpus is missing and CI is set" >&2
  exit 1
fi
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }
start=$(date +%s)

targets=(fuzz-targets mamori mamori-demogen)
for t in "${unit_tests[@]}"; do targets+=("${t}_tests"); done
cmake --build "$build" -j"$jobs" --target "${targets[@]}"
echo "check-asan: build $(elapsed "$start")"

source "$root/fuzz/sanitizer_env.sh"
step=$(date +%s)
labels="^($(IFS='|'; echo "${unit_tests[*]}"))\$"
(cd "$build" && ctest --output-on-failure --timeout 600 -j"$jobs" -L "$labels")
echo "check-asan: unit tests ($(IFS=' '; echo "${unit_tests[*]}")) $(elapsed "$step")"

step=$(date +%s)
bash "$root/fuzz/run.sh" "$build" "$fuzz_seconds"
echo "check-asan: fuzz targets $(elapsed "$step")"

step=$(date +%s)
out="$build/check-asan"
rm -rf "$out"
mkdir -p "$out/cache"
printf 'detect:\n  cache-dir: %s\n' "$out/cache" >"$out/mamori.yaml"
pcaps=("$build/fuzz/seed-work/office.pcap")
if [ -d "$shared/corpus" ]; then
  for p in "${corpus_pcaps[@]}"; do pcaps+=("$shared/corpus/$p"); done
  rules=(--rules "$shared/rules/et-open")
else
  echo "check-asan: no $shared/corpus: the corpus pass reads the demo capture with the built-in rules" >&2
  rules=()
fi
for p in "${pcaps[@]}"; do
  name="$(basename "$p")"
  if ! "$build/apps/mamori" run --pcap "$p" --config "$out/mamori.yaml" "${rules[@]}" --workers 2 \
       --eve "$out/$name.eve.json" --no-summary --bus-wait-ms 0 >"$out/$name.log" 2>&1; then
    echo "check-asan: corpus pass: mamori failed on $p:" >&2
    tail -40 "$out/$name.log" >&2
    exit 1
  fi
done
echo "check-asan: corpus pass (${#pcaps[@]} captures, ET Open) $(elapsed "$step")"
echo "check-asan: total $(elapsed "$start")"
