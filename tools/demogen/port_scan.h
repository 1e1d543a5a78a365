#pragma once
// A half-open (nmap -sS) scan: one SYN per port from a fixed source port, closed ports
// answer RST/ACK, open ports SYN/ACK, which the scanner tears down with a RST instead
// of completing the handshake.
#include <cstdint>
#include <vector>

#include "tools/demogen/capture_file.h"
#include "tools/demogen/rng.h"

namespace mamori::demogen {

struct PortScan {
  std::vector<uint16_t> ports;  // in probe order
  std::vector<uint16_t> openPorts;
  Micros probeInterval = 10'000;
};

// Returns when the scan's last packet was seen.
Micros synScan(CaptureFile& capture, Rng& rng, Host& scanner, Host& target, Micros at, const PortScan& scan);

}  // namespace mamori::demogen
