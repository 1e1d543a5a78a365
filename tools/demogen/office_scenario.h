#pragma once
// The demo's story on one office tap: ten minutes of ordinary traffic from 192.168.10.0/24,
// and one intrusion through its stages: an external attacker scans the internal web server,
// probes its services, exploits it, and the web server, now running an implant, beacons to
// its C2 server. docs/demo.md tells the story and lists the alerts and incidents it is
// built to raise; keep the two in step.
#include <cstdint>
#include <vector>

#include "tools/demogen/capture_file.h"
#include "tools/demogen/rng.h"
#include "tools/demogen/web_browsing.h"

namespace mamori::demogen {

// 2026-03-02 09:00:00 UTC: a Monday morning.
inline constexpr Micros kDemoStart = 1'772'442'000LL * 1'000'000;

class OfficeScenario {
 public:
  OfficeScenario(CaptureFile& capture, uint64_t seed, Micros start);
  // Sites point into the scenario's own hosts.
  OfficeScenario(const OfficeScenario&) = delete;
  OfficeScenario& operator=(const OfficeScenario&) = delete;
  // Writes the whole ten minutes into the capture.
  void generate();

 private:
  void portScan(Micros at);
  void serviceProbes(Micros at);
  void exploitAttempts(Micros at);
  void implantDownload(Micros at);
  void c2Beacons(Micros at);

  CaptureFile& capture_;
  Rng rng_;
  Micros start_;

  Host resolver_;
  WebBrowsing browsing_;
  Host webServer_;
  std::vector<Host> workstations_;
  std::vector<Host> internetServers_;
  Host ntpServer_;
  Host attacker_;
  Host c2Server_;
  std::vector<WebSite> sites_;  // the internet's, then the intranet
};

}  // namespace mamori::demogen
