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
