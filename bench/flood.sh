#!/usr/bin/env bash
# The flood benchmark (issue 13, docs/operations.md "Memory budget"): `mamori run` over each
# hostile capture mamori-floodgen writes (a SYN flood, flows with holes that never fill, a
# fragment flood, a /16 host sweep, DNS for random names) and over the bench capture, with
# the default configuration and two workers, and prints for each: packets processed, the
# caps it hit (the final stats record's counters), the process's peak RSS (ru_maxrss, from
# /usr/bin/time) against the memory budget docs/operations.md documents for that
# configuration, and packets per second relative to the bench capture's.
# FLOOD_SCALE (percent, default 100) scales every flood's size; RULES picks the rule files
# (default: ET Open when ../shared has it, else mamori's default rules).
set -euo pipefail
shopt -s inherit_errexit
build=${1:-build}
scale=${FLOOD_SCALE:-100}
workers=2
here=$(cd "$(dirname "$0")/.." && pwd)
mamori="$build/apps/mamori"
floodgen="$build/tools/mamori-floodgen"
dir="$build/bench/flood"
src="$here/../shared/bench/bench.pcap.xz"
et="$here/../shared/rules/et-open"
mkdir -p "$dir"
rules=()
if [ -n "${RULES:-}" ]; then rules=(--rules "$RULES"); elif [ -d "$et" ]; then rules=(--rules "$et"); fi

# The budget of the default configuration with $workers workers, in MiB, as docs/operations.md
# "Memory budget" adds it up (keep the two in step): what the process holds before traffic
# (measured: a run over ten packets), plus every cap.
budget_mb() {
  python3 - "$1" "$2" <<'EOF'
import sys
w, fixed_kb = int(sys.argv[1]), int(sys.argv[2])
caps = (
    128 +                  # flow.memcap: flows and the app layer's records of them
    128 +                  # app-layer.memcap: nDPI's state, the parsers and their buffers
    w * 64 +               # stream.memcap: out-of-order segments
    w * 32 +               # defrag.memcap
    w * 8 +                # the packet rings from the reader
    w * 16384 * 1.3 / 1024 +  # output.max-queued-records, about 1.3 KiB a record
    128 * 320 / 490 +      # the end-of-input flush: one record (320 B) per flow slot (490 B)
    w * 65536 * 512 / 2**20 +  # detection's flow state pools
    128 +                  # correlate.memcap: every correlation rule's groups
    10000 * 2 / 1024)      # correlate.max-open-incidents, about 2 KiB each
print(int(fixed_kb / 1024 + caps))
EOF
}
tiny="$dir/tiny.pcap"
[ -s "$tiny" ] || "$floodgen" --scenario host-sweep --count 5 --out "$tiny" >/dev/null
/usr/bin/time -f '%M' -o "$dir/tiny.rss" "$mamori" run --pcap "$tiny" --workers $workers "${rules[@]}" --eve /dev/null --no-summary 2>/dev/null
budget=$(budget_mb $workers "$(tail -1 "$dir/tiny.rss")")

capture() {  # NAME COUNT: the flood's capture, written once per size
  local pcap="$dir/$1-$2.pcap"
  [ -s "$pcap" ] || "$floodgen" --scenario "$1" --count "$2" --out "$pcap" >/dev/null
  echo "$pcap"
}
scaled() { echo $(( $1 * scale / 100 )); }

declare -a names pcaps
names+=(normal); pcaps+=("$dir/bench.pcap")
[ -s "$dir/bench.pcap" ] || xz -dc "$src" > "$dir/bench.pcap"
for spec in syn-flood:2000000 holes:200000 fragments:300000 host-sweep:65536 dns-random:200000; do
  names+=("${spec%%:*}")
  pcaps+=("$(capture "${spec%%:*}" "$(scaled "${spec##*:}")")")
done

# One run: its final stats record (EVE to a pipe: millions of flow records need no disk),
# its peak RSS in KiB and its wall time.
printf '%-11s %10s %8s %9s %8s %6s | %s\n' capture packets "kpps" "x normal" "RSS MiB" "budget" "caps hit (counters > 0)"
normal_pps=0
for i in "${!names[@]}"; do
  name=${names[$i]}
  pcap=${pcaps[$i]}
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$dir/$name.rss" "$mamori" run --pcap "$pcap" --workers $workers "${rules[@]}" \
      --eve - --no-summary 2>"$dir/$name.err" | grep '"event_type":"stats"' | tail -1 > "$dir/$name.stats"
  end=$(date +%s.%N)
  python3 - "$name" "$dir/$name.stats" "$(tail -1 "$dir/$name.rss")" "$start" "$end" "$budget" "$normal_pps" \
      > "$dir/$name.line" <<'EOF'
import json, sys
name, stats_file, rss_kb, start, end, budget, normal = sys.argv[1:]
s = json.load(open(stats_file))["stats"]
def get(path):
    v = s
    for p in path.split("."):
        v = v.get(p, {}) if isinstance(v, dict) else {}
    return v if isinstance(v, int) else 0
pkts = get("decoder.pkts")
pps = pkts / (float(end) - float(start))
caps = {
    "flow.evicted": get("flow.evicted"),
    "tcp.pool_exhausted": get("tcp.pool_exhausted"),
    "defrag.evicted": get("defrag.evicted"),
    "output.queue_waits": get("output.queue_waits"),
    "app_layer.memcap": get("app_layer.memcap_refused"),
    "app_layer.identification_cut": get("app_layer.identification_cut"),
    "detect.flow_state_exhausted": get("detect.flow_state_exhausted"),
    "correlate.evictions": sum(r.get("evictions", 0) for r in s.get("correlate", {}).get("rules", {}).values()),
    "correlate.incidents_evicted": get("correlate.incidents_evicted"),
    "correlate.memcap_hits": get("correlate.memcap_hits"),
}
hit = ", ".join(f"{k} {v}" for k, v in caps.items() if v) or "none"
rss = int(rss_kb) / 1024
ratio = pps / float(normal) if float(normal) else 1.0
print(f"{name:<11} {pkts:>10} {pps / 1000:>8.0f} {ratio:>9.2f} {rss:>8.0f} {int(budget):>6} | {hit}; "
      f"queue peak {get('output.queue_peak')}")
EOF
  cat "$dir/$name.line"
  [ "$name" = normal ] && normal_pps=$(python3 -c "import json;s=json.load(open('$dir/normal.stats'))['stats'];print(s['decoder']['pkts']/($end-$start))")
done
echo "budget: docs/operations.md \"Memory budget\", default configuration, $workers workers (MiB)"
