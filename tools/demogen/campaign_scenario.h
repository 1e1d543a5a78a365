#pragma once
// Scenario `campaign` (docs/scenarios.md): two organisations' offices in one capture, site A
// on 10.1.0.0/16 and site B on 10.2.0.0/16, each with its resolver, intranet web server and
// workstations at work on the web. Every packet has an address in exactly one of the two
// networks, so splitting the capture by network gives what each site's own sensor sees. One
// attacker port-scans site A's web server and, twelve and a half minutes later, site B's;
// one workstation at each site beacons to the same C2 server. Beside them, the near misses
// that stay at one site: a second scanner that probes site A only, and a backup agent at
// site B that checks in with its vendor as regularly as an implant. campaign_facts.h names
// what is planted.
#include <cstdint>
#include <vector>

#include "tools/demogen/campaign_facts.h"
#include "tools/demogen/capture_file.h"
#include "tools/demogen/rng.h"
#include "tools/demogen/web_browsing.h"

namespace mamori::demogen {

class CampaignScenario {
 public:
  CampaignScenario(CaptureFile& capture, uint64_t seed, Micros start);
  // Offices and web sites point into the scenario's own hosts.
  CampaignScenario(const CampaignScenario&) = delete;
  CampaignScenario& operator=(const CampaignScenario&) = delete;
  void generate();

 private:
  // One organisation's LAN: the /24 of its web server, behind its own gateway .1.
  struct Office {
    Office(CaptureFile& capture, Rng& rng, const campaign::Site& facts, const std::vector<uint8_t>& workstationOctets,
           const std::vector<WebSite>& internet);
    Office(const Office&) = delete;
    Office& operator=(const Office&) = delete;
    // Throws std::logic_error when `address` is not one of the office's workstations.
    Host& workstation(const char* address);

    const campaign::Site& facts;
    Host resolver;
    Host webServer;
    std::vector<Host> workstations;
    std::vector<WebSite> sites;  // the internet's, then the intranet
    WebBrowsing browsing;
  };

  // `count` TLS sessions from `client`, `period` +- `jitter` apart.
  void checkIns(Office& office, Host& client, const WebSite& service, Micros at, int count, Micros period,
                Micros jitter);

  CaptureFile& capture_;
  Rng rng_;
  Micros start_;

  std::vector<Host> internetServers_;
  std::vector<WebSite> internetSites_;
  Host attacker_;
  Host otherScanner_;
  Host c2Server_;
  Host backupService_;
  WebSite c2Site_;
  WebSite backupSite_;
  Office siteA_;
  Office siteB_;
};

}  // namespace mamori::demogen
