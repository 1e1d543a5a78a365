#!/usr/bin/env bash
# The soak: a live sensor under ET Open (or the default rules without ../shared's ET Open) fed
# the benchmark capture in a loop through a veth pair for an hour (SOAK_SECONDS), with new
# addresses on every loop (tcpreplay --unique-ip) so flows keep arriving and ageing out as on a
# tap. Prints, every minute (SOAK_EVERY), the sensor's resident memory and what it has counted,
# then its final figures. A sensor that holds shows RSS flat once its tables have filled.
# Not run by CI: it takes the machine for the hour. Needs root (a network namespace).
set -euo pipefail
shopt -s inherit_errexit
build=${1:-build}
seconds=${SOAK_SECONDS:-3600}
every=${SOAK_EVERY:-60}
pps=${SOAK_PPS:-}  # empty: top speed
here=$(cd "$(dirname "$0")/.." && pwd)
src="$here/../shared/bench/bench.pcap.xz"
et="$here/../shared/rules/et-open"
mamori="$(cd "$build" && pwd)/apps/mamori"
work="$(cd "$build" && pwd)/bench/soak"
pcap="$build/bench/bench.pcap"
ns="mamori-soak-$$"
[ -f "$src" ] || { echo "soak: $src is missing" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "soak: needs root (a network namespace and a veth pair)" >&2; exit 1; }
mkdir -p "$build/bench"
[ -s "$pcap" ] || xz -dc "$src" > "$pcap"
rm -rf "$work"
mkdir -p "$work"

sensor_pid=
replay_pid=
finish() {
  [ -n "$replay_pid" ] && kill "$replay_pid" 2>/dev/null || true
  [ -n "$sensor_pid" ] && kill -TERM "$sensor_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
}
trap finish EXIT

in_ns() { ip netns exec "$ns" "$@"; }
ip netns add "$ns"
in_ns ip link set lo up
in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
in_ns ip link add veth-cap type veth peer name veth-feed
# The capture holds frames of up to 32 KB (offloaded segments): libpcap sizes its ring by the MTU.
for dev in veth-cap veth-feed; do in_ns ip link set "$dev" mtu 65535 up; done

rules=()
[ -d "$et" ] && rules=(--rules "$et")
printf 'detect:\n  cache-dir: %s/cache\ncorrelate:\n  store: ""\n' "$work" > "$work/sensor.yaml"
# ip netns exec execs the command: $! is the sensor itself.
ip netns exec "$ns" "$mamori" run --interface veth-cap --workers 2 --config "$work/sensor.yaml" "${rules[@]}" \
  --stats-interval "$every" --eve "$work/eve.json" --metrics 127.0.0.1:9970 > "$work/sensor.log" 2>&1 &
sensor_pid=$!
for _ in $(seq 600); do
  in_ns curl -sf http://127.0.0.1:9970/metrics > /dev/null && break
  sleep 0.5
done
in_ns curl -sf http://127.0.0.1:9970/metrics > /dev/null || { echo "soak: the sensor did not start:" >&2; cat "$work/sensor.log" >&2; exit 1; }

rate=(--topspeed)
[ -n "$pps" ] && rate=(--pps "$pps")
ip netns exec "$ns" tcpreplay -q -i veth-feed "${rate[@]}" --loop 0 --unique-ip --duration "$seconds" "$pcap" > "$work/tcpreplay.log" 2>&1 &
replay_pid=$!

metric() { awk -v m="$1" '$1 ~ "^"m"({|$)" { v += $2 } END { printf "%d", v }' "$work/metrics"; }
printf '%8s %10s %14s %12s %10s %10s %10s\n' elapsed_s rss_mb packets kernel_drops flows_act flows_end alerts
start=$(date +%s)

while kill -0 "$replay_pid" 2>/dev/null; do
  sleep "$every"
  elapsed=$(( $(date +%s) - start ))
  rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$sensor_pid/status")
  in_ns curl -sf http://127.0.0.1:9970/metrics > "$work/metrics" || : > "$work/metrics"
  printf '%8d %10s %14s %12s %10s %10s %10s\n' "$elapsed" "$rss" "$(metric mamori_packets_total)" \
    "$(metric mamori_capture_kernel_drops_total)" "$(metric mamori_flows_active)" \
    "$(metric mamori_flows_ended_total)" "$(metric mamori_alerts_total)"
done
wait "$replay_pid" || true
replay_pid=
peak=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$sensor_pid/status")
kill -TERM "$sensor_pid"
wait "$sensor_pid" || { echo "soak: the sensor exited $? on SIGTERM" >&2; exit 1; }
sensor_pid=
echo "peak RSS ${peak} MB"
grep -E 'Actual|Successful' "$work/tcpreplay.log" || true
grep -E '^(packets|capture|flows|alerts|incidents|time)' "$work/sensor.log"
