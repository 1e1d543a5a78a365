#!/usr/bin/env bash
# The demo: generate a small office network's capture with an attack story in it, run
# the pipeline on it with the default rules, and show what an analyst would see.
set -euo pipefail
build=${1:-build}
out=demo/out
mkdir -p "$out"
"$build/tools/mamori-demogen" --out "$out/office.pcap"
echo "demo capture: $out/office.pcap ($(capinfos -c -M "$out/office.pcap" | awk '/Number of packets/ {print $NF}') packets)"
rm -f "$out/eve.json" "$out"/incidents.db*  # EVE files and stores are added to; the demo shows one run
"$build/apps/mamori" run --pcap "$out/office.pcap" --workers 2 --eve "$out/eve.json" --store "$out/incidents.db"
echo
echo "== incidents (final state, from $out/eve.json) =="
jq -r 'select(.event_type == "incident" and .incident.state == "closed") | .incident
       | "#\(.id)  severity \(.severity)  \(.title)  [\(.rule)]\(if .stages then "\n    stages \(.stages | join(" -> "))" else "" end)\n    hosts \(.hosts | join(", "))  ports \(.dest_ports | length)  events \(.alert_count)  ATT&CK \((.tactics // []) + (.techniques // []) | join(","))\(if (.signatures // []) != [] then "\n    signatures: \(.signatures | join(" | "))" else "" end)"' "$out/eve.json"
echo
echo "== application layer (from $out/eve.json) =="
echo "flows by app_proto:"
jq -r 'select(.event_type == "flow") | .app_proto // "unknown"' "$out/eve.json" | sort | uniq -c | sort -rn
echo "records: $(jq -r 'select(.event_type == "http" or .event_type == "dns" or .event_type == "tls") | .event_type' "$out/eve.json" | sort | uniq -c | awk '{printf "%s %s  ", $1, $2}')"
echo
echo "== the analysts' console =="
echo "make an account (the password is read from the terminal), then serve the demo's incidents:"
echo "  $build/apps/mamori ui users add analyst --role analyst --accounts $out/ui-accounts"
echo "  $build/apps/mamori ui --store $out/incidents.db --eve $out/eve.json --accounts $out/ui-accounts"
echo "and open http://127.0.0.1:8443/ in a browser on this machine (docs/console.md)."
