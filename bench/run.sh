#!/usr/bin/env bash
# Runs every benchmark configuration on ../shared/bench/bench.pcap.xz (unpacked once into
# the build folder) and prints figures and the ratios the issue asks for.
set -euo pipefail
build=${1:-build}
replays=${REPLAYS:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
src="$here/../shared/bench/bench.pcap.xz"
pcap="$build/bench/bench.pcap"
[ -f "$src" ] || { echo "bench: $src is missing" >&2; exit 1; }
[ -s "$pcap" ] || xz -dc "$src" > "$pcap"

run() { "$build/bench/pipeline_bench" --pcap "$pcap" --replays "$replays" "$@"; }
results=$(
  run --mode read
  for w in 1 2; do run --mode decode --workers "$w"; run --mode full --workers "$w"; done
)
echo "$results"
echo
echo "$results" | awk '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["mode"] (f["mode"] == "read" ? "" : "/" f["workers"])
    gbps[key] = f["gbps"]; pps[key] = f["pps"]; rss[key] = f["peak_rss_mb"] - f["capture_in_memory_mb"] }
  END {
    printf "%-10s %10s %12s %10s %18s\n", "stage", "Gbit/s", "packets/s", "x read", "peak MB (-capture)"
    n = split("read decode/1 full/1 decode/2 full/2", order, " ")
    for (i = 1; i <= n; i++) { k = order[i]
      printf "%-10s %10.3f %12.0f %10.3f %18.1f\n", k, gbps[k], pps[k], gbps[k] / gbps["read"], rss[k] }
  }'
