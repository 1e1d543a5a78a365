#!/usr/bin/env bash
# Writes the fuzz targets' seed corpora into BUILD/fuzz/seeds/<target>/, from inputs read in
# place, nothing copied into the repository: ../shared's capture corpus and ET Open rules,
# the captures mamori-demogen generates (and the EVE records mamori writes for one of them),
# and the project's own YAML (docs' examples, the shipped correlation rules). Without
# ../shared the seeds come from the generator and the project alone; under CI that is an
# error, as for the tests.
# Usage: fuzz/seeds.sh BUILD
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="$(cd "$1" && pwd)"
shared="$(cd "$root/.." && pwd)/shared"
source "$here/sanitizer_env.sh"
work="$build/fuzz/seed-work"
seeds="$build/fuzz/seeds.tmp"
rm -rf "$work" "$seeds"
mkdir -p "$work" "$seeds"

pcaps=() rules=()
if [ -d "$shared/corpus" ]; then
  mapfile -t pcaps < <(find "$shared/corpus" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort)
  mapfile -t rules < <(find "$shared/rules/et-open" -name '*.rules' 2>/dev/null | sort)
elif [ -n "${CI:-}" ]; then
  echo "fuzz/seeds.sh: $shared/corpus is missing and CI is set" >&2
  exit 1
else
  echo "fuzz/seeds.sh: no $shared/corpus: seeds from mamori-demogen and the project only" >&2
fi
for scenario in office host-sweep brute-force dns-tunnel campaign; do
  "$build/tools/mamori-demogen" --scenario "$scenario" --out "$work/$scenario.pcap" >/dev/null
  pcaps+=("$work/$scenario.pcap")
done
# EVE records of every kind, as a sensor would send them to the central.
if ! "$build/apps/mamori" run --pcap "$work/office.pcap" --workers 1 --eve "$work/eve.json" --no-summary \
     --bus-wait-ms 0 >"$work/mamori.log" 2>&1; then
  echo "fuzz/seeds.sh: mamori failed on the demo capture:" >&2
  tail -40 "$work/mamori.log" >&2
  exit 1
fi

args=()
for p in "${pcaps[@]}"; do args+=(--pcap "$p"); done
for r in "${rules[@]}"; do args+=(--rules "$r"); done
"$build/fuzz/mamori-fuzz-seeds" --out "$seeds" --max 300 "${args[@]}" --eve "$work/eve.json"

# YAML: each ```yaml block of a document is one seed of the target that reads it.
yaml_blocks() {  # FILE TARGET
  mkdir -p "$seeds/$2"
  awk -v out="$seeds/$2/$(basename "$1" .md)" '/^```yaml/ {n++; on=1; next} /^```/ {on=0} on {print > (out "-" n)}' "$1"
}
yaml_blocks "$root/docs/configuration.md" sensor_config
yaml_blocks "$root/docs/deployment.md" sensor_config
yaml_blocks "$root/docs/correlation.md" correlation_rules
mkdir -p "$seeds/central_config" "$seeds/correlation_rules"
cp "$root/docs/central.example.yaml" "$seeds/central_config/"
find "$root/correlate/rules" -name '*.yaml' -exec cp {} "$seeds/correlation_rules/" \;
mv "$seeds" "$build/fuzz/seeds"
