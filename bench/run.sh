#!/usr/bin/env bash
# Runs every benchmark configuration on ../shared/bench/bench.pcap.xz (unpacked once into
# the build folder) and prints figures and the ratios the issues ask for. Each line is one
# process, so peak memory is per configuration. With ET Open present it also runs a GSOC on
# this machine (issue 11: `mamori central`, sensors linked to it, key pairs from `mamori keys
# generate`, all on loopback in build/bench/gsoc) for the central's figures, and what the
# analysts' console costs the central (issue 12). Last, the flood benchmark (bench/flood.sh).
set -euo pipefail
shopt -s inherit_errexit  # a failing benchmark inside $(...) stops the script too
build=${1:-build}
replays=${REPLAYS:-10}
central_records=${CENTRAL_RECORDS:-200000}  # records each of central_bench's two sensors sends
console_records=${CONSOLE_RECORDS:-150000}  # the same, in each of the console's 27 runs
here=$(cd "$(dirname "$0")/.." && pwd)
src="$here/../shared/bench/bench.pcap.xz"
et="$here/../shared/rules/et-open"
pcap="$build/bench/bench.pcap"
mamori="$build/apps/mamori"
gsoc="$(cd "$build" && pwd)/bench/gsoc"
[ -f "$src" ] || { echo "bench: $src is missing" >&2; exit 1; }
mkdir -p "$build/bench"
[ -s "$pcap" ] || xz -dc "$src" > "$pcap"

# The processes this script starts (the central, idle sensors) end with it.
children=()
stop_children() {
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_children EXIT

# A central of the bench's own: key pairs for it, the sensors `link` (pipeline_bench linked
# to it), `push-1` and `push-2` (idle sensors rules are pushed to) and the rule author
# `author`; `mamori central` ($central_pid) on a free loopback port, read back from its log
# into $port.
start_central() {
  rm -rf "$gsoc"
  mkdir -p "$gsoc"
  for name in central link push-1 push-2 author; do
    "$mamori" keys generate --out "$gsoc/keys" --name "$name" >/dev/null
  done
  {
    printf 'central:\n  name: bench-central\n  listen: tcp://127.0.0.1:*\n  key: %s/keys/central.key\n  bus: null\n' "$gsoc"
    printf '  store: %s/central.db\n  eve: %s/central-eve.json\n  stats-interval: 0\n' "$gsoc" "$gsoc"
    printf '  rule-cache-dir: %s/central-cache\nsensors:\n' "$gsoc"
    for name in link push-1 push-2; do printf '  - name: %s\n    key: %s/keys/%s.pub\n' "$name" "$gsoc" "$name"; done
    printf 'authors:\n  - name: author\n    key: %s/keys/author.pub\n' "$gsoc"
  } > "$gsoc/central.yaml"
  "$mamori" central --config "$gsoc/central.yaml" > "$gsoc/central.log" 2>&1 &
  central_pid=$!
  children+=($central_pid)
  for _ in $(seq 200); do
    port=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\) for .*/\1/p' "$gsoc/central.log")
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "bench: the central did not start:" >&2
  cat "$gsoc/central.log" >&2
  return 1
}

# $gsoc/NAME.yaml: sensor NAME reporting RECORDS (a YAML list) to the central, with its own
# rule cache, spool and pushed-rules folders; a run ends once the central holds its records.
sensor_config() {
  mkdir -p "$gsoc/$1"
  cat > "$gsoc/$1.yaml" <<EOF
sensor:
  name: $1
detect:
  cache-dir: $gsoc/$1/cache
central:
  endpoint: tcp://127.0.0.1:$port
  server-key: $gsoc/keys/central.pub
  key: $gsoc/keys/$1.key
  spool-dir: $gsoc/$1/spool
  rules-dir: $gsoc/$1/pushed-rules
  records: $2
  drain-timeout: 300
EOF
}

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
# The flood benchmark (issue 13), with or without ET Open.
flood() {
  echo
  echo "floods (bench/flood.sh, also \`make bench-flood\`):"
  bash "$here/bench/flood.sh" "$build"
}
[ -d "$et" ] || { flood; exit 0; }
start_central

# The median of a[1..n] (sorting a), for the summaries below: single runs vary by more on a
# shared machine than some of the differences they measure.
awk_median='function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }'

# The sensor linked to the central (the `central` section of its configuration) against
# the same run without: et-open/1 plain, sending alerts, incidents and stats (the default),
# and sending flow records too. Five rounds of the three (each round in another order; the
# compiled rules kept between runs), each round's linked runs compared with its plain run,
# the median round printed: runs on this shared machine vary by more than the 5% the issue
# aims at. The central runs here too: its CPU (read from /proc) comes out of the same 2
# cores as the pipeline's threads and the uplink's.
central_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$central_pid/stat"; }
printf 'sensor:\n  name: link\n' > "$gsoc/plain.yaml"
link_run() {
  local before line
  before=$(central_cpu)
  line=$(run --mode full --workers 1 --rules "$et" --config "$2" --cache-dir "$gsoc/link-cache")
  echo "${line/mode=full/mode=$1} round=$3 central_cpu_seconds=$(echo "$before $(central_cpu)" | awk '{ printf "%.2f", $2 - $1 }')"
}
link_runs=$(
  for round in 1 2 3 4 5; do
    for i in 0 1 2; do
      case $(((i + round) % 3)) in
        0) link_run et-plain "$gsoc/plain.yaml" "$round" ;;
        1) sensor_config link '[alert, incident, stats]'
           link_run et-central "$gsoc/link.yaml" "$round" ;;
        2) sensor_config link '[alert, incident, stats, flow]'
           link_run et-central-flow "$gsoc/link.yaml" "$round" ;;
      esac
    done
  done
)
echo
echo "$link_runs"
echo "$link_runs" | awk "$awk_median"'
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    m = f["mode"]; r = f["round"] + 0; rounds = r > rounds ? r : rounds
    secs[m, r] = f["seconds"] + 0; cpu[m, r] = f["cpu_seconds"] + 0; gbps[m, r] = f["gbps"] + 0
    central[m, r] = f["central_cpu_seconds"] + 0 }
  END {
    for (r = 1; r <= rounds; r++) plain[r] = gbps["et-plain", r]
    printf "central link on et-open/1, the median of %d rounds (plain %.3f Gbit/s):\n", rounds, median(plain, rounds)
    modes[1] = "et-central"; what[1] = "alerts, incidents, stats:"
    modes[2] = "et-central-flow"; what[2] = "with flow records too:"
    for (i = 1; i <= 2; i++) { m = modes[i]; low = 1e9; high = -1e9
      for (r = 1; r <= rounds; r++) {
        cost[r] = 100 * (1 - secs["et-plain", r] / secs[m, r]); own[r] = 100 * (cpu[m, r] / cpu["et-plain", r] - 1)
        took[r] = central[m, r]; low = cost[r] < low ? cost[r] : low; high = cost[r] > high ? cost[r] : high }
      printf "  %-25s cost %.1f%% (rounds: %.1f%% to %.1f%%; aim: under 5%%); the sensor process used %+.1f%% CPU, the central %.2f s of CPU\n",
             what[i], median(cost, rounds), low, high, median(own, rounds), median(took, rounds) }
    printf "  (one machine of 2 cores: the central process and the uplink thread take their CPU from the pipeline'"'"'s cores)\n"
  }'

# Correlation against what detection feeds it: ET Open's alerts per second of one worker
# on the benchmark capture (alerts counted in one run of `mamori`, divided by the timed
# et-open/1 run's seconds per replay), and one core correlating a million synthetic alerts.
# The engine also reads every flow and app record; their rate in the same run says what
# the output thread correlated while the timed pipeline runs above kept pace.
eve="$build/bench/et-open.eve.json"
rm -f "$eve"  # EVE files are appended to
"$mamori" run --pcap "$pcap" --rules "$et" --workers 1 --eve "$eve" --no-summary 2>/dev/null
read -r alerts flows apps < <(awk '/"event_type":"alert"/ { a++ } /"event_type":"flow"/ { f++ }
  /"event_type":"(http|dns|tls)"/ { o++ } END { print a + 0, f + 0, o + 0 }' "$eve")
secs=$(echo "$results" | awk '/^mode=et-open workers=1 / { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "seconds") print kv[2] } }')
correlation=$("$build/bench/correlation_bench")
echo
echo "$correlation"
echo "$correlation" | awk -v alerts="$alerts" -v others="$((flows + apps))" -v secs="$secs" -v replays="$replays" '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
  END {
    rate = alerts * replays / secs
    printf "detection (et-open/1): %d alerts per replay, %.0f alerts/s; with flow and app records %.0f correlation events/s\n",
           alerts, rate, (alerts + others) * replays / secs
    printf "correlation: %.0f events/s on one core, %.1fx the detection alert rate (aim: 10x), %.1f KB per group\n",
           f["events_per_s"], f["events_per_s"] / rate, f["kb_per_group"]
  }'

# The central's ingest: central_bench's central fed by two sensors' uplinks, each sending
# this run's alert and flow records, with the central's cross-sensor correlation rules and
# without them (an empty rule folder), three rounds of the two, the median printed; against
# the rate one sensor makes those records (per replay, over the median plain et-open/1 run's
# seconds: single runs vary too much on a shared machine).
mkdir -p "$gsoc/no-rules"
central_bench() {
  "$build/bench/central_bench" --eve "$eve" "$@" 2>>"$gsoc/central_bench.log" ||
    { cat "$gsoc/central_bench.log" >&2; return 1; }
}
ingest=$(
  for round in 1 2 3; do
    central_bench --records "$central_records"
    central_bench --records "$central_records" --rules "$gsoc/no-rules"
  done
)
echo
echo "$ingest"
# One sensor's rate: the median of the plain et-open/1 runs of the rounds above.
plain_secs=$(echo "$link_runs" | awk "$awk_median"'
  /^mode=et-plain / { for (i = 1; i <= NF; i++) if ($i ~ /^seconds=/) s[++n] = substr($i, 9) + 0 }
  END { print median(s, n) }')
echo "$ingest" | awk -v alerts="$alerts" -v flows="$flows" -v secs="$plain_secs" -v replays="$replays" "$awk_median"'
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    c = f["correlation"]; k = ++n[c]
    rate[c, k] = f["records_per_s"] + 0; us[c, k] = f["us_per_record"] + 0; cpu[c, k] = f["central_cpu_us_per_record"] + 0
    incidents[c, k] = f["incidents"] + 0 }
  END {
    for (m = 1; m <= 2; m++) { c = m == 1 ? "on" : "off"
      for (k = 1; k <= n[c]; k++) { a[k] = rate[c, k]; b[k] = us[c, k]; d[k] = cpu[c, k]; e[k] = incidents[c, k] }
      r[c] = median(a, n[c]); u[c] = median(b, n[c]); t[c] = median(d, n[c]); inc[c] = median(e, n[c]) }
    sensor = (alerts + flows) * replays / secs
    printf "central ingest from 2 sensors, the median of %d runs each:\n", n["on"]
    printf "  correlation on:  %.0f records/s (%.2f us per record, %.2f us of the central thread, %d incidents raised), %.1fx one sensor'"'"'s alert + flow rate (%.0f/s: et-open/1, the median plain run above)\n",
           r["on"], u["on"], t["on"], inc["on"], r["on"] / sensor, sensor
    printf "  correlation off: %.0f records/s (%.2f us per record, %.2f us of the central thread): correlation costs %.0f%% of the central thread\n",
           r["off"], u["off"], t["off"], 100 * (1 - t["off"] / t["on"])
  }'

# What the analysts' console costs the central (issue 12; aim: 50 live pages under 5% of its
# ingest): central_bench's central alone, serving the console with no page open, and with 50
# pages holding its live feed open (Server-Sent Events over loopback HTTP), nine rounds of
# the three, compared within each round.
echo
central_bench --records "$console_records" --console-clients 50 --rounds 9

# Push latency: ET Open (the rules of it this version loads: `rules check` names the ones it
# does not, which are commented out of a copy, else the central refuses the set) pushed to
# two running, idle sensors (`mamori run` on a pipe holding only a pcap header), from the
# start of `mamori rules push` to its exit, which waits for both sensors' ok. Cold: no
# compiled databases anywhere (the central's and each sensor's cache folders are new);
# cached: the same rules again as a new version, their databases in every cache. This comes
# after the linked runs above: a sensor that links later is sent the central's current set.
mkdir -p "$gsoc/et-open"
cp "$et"/*.rules "$gsoc/et-open/"
{ "$mamori" rules check "$gsoc/et-open" 2>/dev/null || true; } | sed -n 's|^[^ ]*/\([^/ :]*\.rules\):\([0-9][0-9]*\):[0-9]*: .*|\1 \2|p' |
  while read -r file line; do sed -i "${line}s/^/# /" "$gsoc/et-open/$file"; done
header='\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00'
sensors=()
for s in push-1 push-2; do
  sensor_config "$s" '[alert, incident, stats]'
  mkfifo "$gsoc/$s.pcap"
done
exec 3<>"$gsoc/push-1.pcap" 4<>"$gsoc/push-2.pcap"
printf "$header" >&3
printf "$header" >&4
for s in push-1 push-2; do
  "$mamori" run --pcap "$gsoc/$s.pcap" --config "$gsoc/$s.yaml" --workers 1 --eve /dev/null --no-summary \
    >"$gsoc/$s.log" 2>&1 3>&- 4>&- &
  children+=($!)
  sensors+=($!)
done
linked_both() { grep -q "sensor 'push-1' linked" "$gsoc/central.log" && grep -q "sensor 'push-2' linked" "$gsoc/central.log"; }
for _ in $(seq 600); do
  linked_both && break
  sleep 0.1
done
linked_both || { echo "bench: the sensors did not link to the central:" >&2; cat "$gsoc"/push-?.log >&2; exit 1; }
# Seconds from `rules push` to its exit; its output in $gsoc/push-NAME.out.
push() {
  local t0 t1
  t0=$(date +%s.%N)
  "$mamori" rules push --central "tcp://127.0.0.1:$port" --server-key "$gsoc/keys/central.pub" --key "$gsoc/keys/author.key" \
    --comment "bench $1" --timeout 900 "$gsoc/et-open" > "$gsoc/push-$1.out" 2>&1 3>&- 4>&- ||
    { echo "bench: the $1 push failed:" >&2; cat "$gsoc/push-$1.out" >&2; return 1; }
  t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }'
}
# What the push took where: the central's check ("built in X s" in its log) and each
# sensor's build (in the push's output).
pushed() {
  local version central_s
  version=$(sed -n 's/^central accepted rule set \([^:]*\):.*/\1/p' "$gsoc/push-$1.out")
  central_s=$(sed -n "s/.*rule set $version from author .* built in \([0-9.]*\) s.*/\1/p" "$gsoc/central.log")
  awk -v total="$2" -v central="$central_s" -v name="$1" '
    / ok / { n = $4; builds = builds (builds == "" ? "" : " and ") $(NF - 1) " s"; longest = $(NF - 1) > longest ? $(NF - 1) : longest }
    END { printf "%s: %.2f s: the central checks it in %.2f s, then the sensors build it in %s (side by side); %.2f s for the rest (sending, swapping, reporting); %d rules\n",
                 name, total, central, builds, total - central - longest, n }' "$gsoc/push-$1.out"
}
cold=$(push cold)
cached=$(push cached)
exec 3>&- 4>&-
wait "${sensors[@]}"
echo
echo "rule push of ET Open to 2 running sensors, from \`mamori rules push\` to every sensor's ok:"
pushed cold "$cold"
pushed cached "$cached"
flood
