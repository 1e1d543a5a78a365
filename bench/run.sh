#!/usr/bin/env bash
# Runs every benchmark configuration on ../shared/bench/bench.pcap.xz (unpacked once into
# the build folder) and prints figures and the ratios the issues ask for. Each line is one
# process, so peak memory is per configuration.
set -euo pipefail
build=${1:-build}
replays=${REPLAYS:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
src="$here/../shared/bench/bench.pcap.xz"
et="$here/../shared/rules/et-open"
pcap="$build/bench/bench.pcap"
[ -f "$src" ] || { echo "bench: $src is missing" >&2; exit 1; }
mkdir -p "$build/bench"
[ -s "$pcap" ] || xz -dc "$src" > "$pcap"

run() { "$build/bench/pipeline_bench" --pcap "$pcap" --replays "$replays" "$@"; }
results=$(
  run --mode read
  for w in 1 2; do
    run --mode decode --workers "$w"
    run --mode full --workers "$w" | sed 's/^mode=full/mode=demo-rules/'
    [ -d "$et" ] && run --mode full --workers "$w" --rules "$et" | sed 's/^mode=full/mode=et-open/'
    [ -d "$et" ] && run --mode full --workers "$w" --rules "$et" --no-app-layer | sed 's/^mode=full/mode=et-no-app/'
  done
  [ -d "$et" ] && run --mode ceiling --rules "$et" | sed 's/^mode=ceiling/mode=et-hs-ceiling/'
)
echo "$results"
echo
echo "$results" | awk '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["mode"] ((f["mode"] == "read" || f["mode"] == "et-hs-ceiling") ? "" : "/" f["workers"])
    keys[++n] = key
    gbps[key] = f["gbps"]; pps[key] = f["pps"]; rss[key] = f["peak_rss_mb"] - f["capture_in_memory_mb"] }
  END {
    printf "%-16s %10s %12s %8s %12s %18s\n", "stage/workers", "Gbit/s", "packets/s", "x read", "x decode/1", "peak MB (-capture)"
    for (i = 1; i <= n; i++) { k = keys[i]
      printf "%-16s %10.3f %12.0f %8.3f %12.3f %18.1f\n", k, gbps[k], pps[k], gbps[k] / gbps["read"], gbps[k] / gbps["decode/1"], rss[k] }
  }'

# Correlation against what detection feeds it: ET Open's alerts per second of one worker
# on the benchmark capture (alerts counted in one run of `mamori`, divided by the timed
# et-open/1 run's seconds per replay), and one core correlating a million synthetic alerts.
# The engine also reads every flow and app record; their rate in the same run says what
# the output thread correlated while the timed pipeline runs above kept pace.
if [ -d "$et" ]; then
  read -r alerts others < <("$build/apps/mamori" run --pcap "$pcap" --rules "$et" --workers 1 --eve - --no-summary 2>/dev/null |
    awk '/"event_type":"alert"/ { a++ } /"event_type":"(flow|http|dns|tls)"/ { o++ } END { print a + 0, o + 0 }')
  secs=$(echo "$results" | awk '/^mode=et-open workers=1 / { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "seconds") print kv[2] } }')
  correlation=$("$build/bench/correlation_bench")
  echo
  echo "$correlation"
  echo "$correlation" | awk -v alerts="$alerts" -v others="$others" -v secs="$secs" -v replays="$replays" '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
    END {
      rate = alerts * replays / secs
      printf "detection (et-open/1): %d alerts per replay, %.0f alerts/s; with flow and app records %.0f correlation events/s\n",
             alerts, rate, (alerts + others) * replays / secs
      printf "correlation: %.0f events/s on one core, %.1fx the detection alert rate (aim: 10x), %.1f KB per group\n",
             f["events_per_s"], f["events_per_s"] / rate, f["kb_per_group"]
    }'
fi
