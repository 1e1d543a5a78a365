#pragma once
// What the `campaign` scenario (docs/scenarios.md) plants, for the generator that plants it
// and for the tests that check what each site's sensor, and a central correlating both, make
// of the capture. Header only, so that a test includes it without linking the generator.
// Addresses are dotted text, as EVE records carry them; times are seconds after the
// capture's start (2026-03-02 09:00:00 UTC).
#include <cstdint>

namespace mamori::demogen::campaign {

// One organisation's office, as its own sensor's tap sees it.
struct Site {
  const char* name;     // the sensor's name in docs/scenarios.md and the tests
  const char* network;  // every address of the site: `tshark -Y 'ip.addr==NETWORK'` splits its packets out
  const char* domain;   // its intranet is intranet.DOMAIN
  const char* webServer;  // internet-facing; the attacker port-scans it
  int scannedAt;
  const char* beaconer;  // the workstation whose implant beacons to the C2 server
};

inline constexpr Site kSiteA{"site-a", "10.1.0.0/16", "site-a.example", "10.1.10.80", 190, "10.1.10.23"};
inline constexpr Site kSiteB{"site-b", "10.2.0.0/16", "site-b.example", "10.2.10.80", 940, "10.2.10.41"};

// The campaign. Each site's sensor alone sees a port scan from the attacker and beaconing
// to the C2 server; only a central that hears both sites can tell they are one campaign
// (the attacker at two sites) and one indicator (the C2 server seen from two organisations).
inline constexpr const char* kAttacker = "203.0.113.50";
inline constexpr int kAttackerPorts = 100;  // SYN-probed at each site's web server; 80 and 443 are open
inline constexpr const char* kC2 = "198.51.100.200";
inline constexpr const char* kC2Domain = "update.campaign-c2.example";
inline constexpr uint16_t kC2Port = 443;
inline constexpr int kBeacons = 10;  // per site, a TLS session every 120 s +-6 s

// The near misses: each raises an incident at one site only, so neither is a campaign nor a
// shared indicator.
// An internet survey scanner that probes site A's web server and never site B.
inline constexpr const char* kOtherScanner = "203.0.113.120";
inline constexpr int kOtherScannerPorts = 30;
inline constexpr int kOtherScannerAt = 450;
// A backup agent at site B that checks in with its vendor's service every 90 s: beaconing
// to an address no other site contacts.
inline constexpr const char* kBackupAgent = "10.2.10.31";
inline constexpr const char* kBackupService = "198.51.100.150";
inline constexpr uint16_t kBackupServicePort = 443;
inline constexpr int kBackupCheckIns = 12;

}  // namespace mamori::demogen::campaign
