#pragma once
// Half-open (nmap -sS) probing: one SYN per port or host from a fixed source port. Closed
// ports answer RST/ACK, open ports SYN/ACK, which the scanner tears down with a RST instead
// of completing the handshake; a filtered port or an absent host answers nothing, and the
// scanner sends its SYN once more before giving up.
#include <cstdint>
#include <utility>
#include <vector>

#include "tools/demogen/capture_file.h"
#include "tools/demogen/rng.h"

namespace mamori::demogen {

enum class ProbeAnswer { kOpen, kClosed, kSilent };

// Many ports of one host.
struct PortScan {
  std::vector<uint16_t> ports;  // in probe order
  std::vector<uint16_t> openPorts;
  Micros probeInterval = 10'000;
};

// One port of many hosts.
struct HostSweep {
  uint16_t port = 0;
  std::vector<std::pair<Host*, ProbeAnswer>> targets;  // in probe order
  Micros probeInterval = 10'000;
};

// nmap's most common ports first, then the low range, `count` in all, in the random order
// nmap probes them in.
std::vector<uint16_t> commonPorts(Rng& rng, size_t count);

// Each returns when its last packet was seen.
Micros synScan(CaptureFile& capture, Rng& rng, Host& scanner, Host& target, Micros at, const PortScan& scan);
Micros synSweep(CaptureFile& capture, Rng& rng, Host& scanner, Micros at, const HostSweep& sweep);

}  // namespace mamori::demogen
