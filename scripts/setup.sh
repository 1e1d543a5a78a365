#!/usr/bin/env bash
# Installs every Debian package the build, the tests, the benchmarks and the demo need.
# Idempotent: a second run installs nothing and finishes in seconds.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ninja-build
  clang libclang-rt-14-dev
  libpcap-dev libndpi-dev libndpi-bin libhyperscan-dev libpcre2-dev libhtp-dev libnghttp2-dev libssl-dev zlib1g-dev publicsuffix libmagic-dev
  libzmq3-dev cppzmq-dev prometheus-cpp-dev
  libyaml-cpp-dev libcli11-dev libfmt-dev libspdlog-dev rapidjson-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3 python3-jsonschema
  tshark wireshark-common tcpreplay iproute2 curl xz-utils jq
  libcpp-httplib-dev libsodium-dev chromium chromium-driver python3-selenium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
