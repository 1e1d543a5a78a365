#pragma once
// Scenario `host-sweep` (docs/scenarios.md): a compromised workstation, 192.168.10.23,
// looks for file servers in the server network 192.168.20.0/24 behind the gateway: a ping
// sweep, then a SYN sweep of port 445. Beside it, the near misses an office makes every
// day: a monitoring console pinging twenty servers and fetching eight health pages, and a
// workstation whose mapped drives on three servers that are down do not answer.
#include <cstdint>
#include <vector>

#include "tools/demogen/capture_file.h"
#include "tools/demogen/rng.h"

namespace mamori::demogen {

class HostSweepScenario {
 public:
  HostSweepScenario(CaptureFile& capture, uint64_t seed, Micros start);
  // Targets point into the scenario's own hosts.
  HostSweepScenario(const HostSweepScenario&) = delete;
  HostSweepScenario& operator=(const HostSweepScenario&) = delete;
  void generate();

 private:
  Host& server(uint8_t lastOctet) { return servers_[lastOctet - 1]; }
  void monitoring(Micros at);
  void unreachableDrives(Micros at);
  void pingSweep(Micros at);
  void smbSweep(Micros at);

  CaptureFile& capture_;
  Rng rng_;
  Micros start_;

  Host sweeper_;
  Host monitor_;
  Host user_;
  std::vector<Host> servers_;  // 192.168.20.1 to .254, present or not
};

}  // namespace mamori::demogen
