#include "tools/demogen/campaign_scenario.h"

#include <stdexcept>
#include <string>

#include "tools/demogen/office_network.h"
#include "tools/demogen/port_scan.h"

namespace mamori::demogen {
namespace {

// Office hours run over the whole twenty minutes, a visit every 10-30 s at each site: the
// background the sensors see, kept sparse so the capture stays small.
constexpr Micros kDuration = 1200 * kSecond;
constexpr Micros kOfficeHoursFrom = 2 * kSecond;
constexpr Micros kOfficeHoursUntil = kDuration - 5 * kSecond;
constexpr Micros kMinVisitGap = 10 * kSecond;
constexpr Micros kMaxVisitGap = 30 * kSecond;

// The implant sleeps 120 s +-5 %; the backup agent runs on a 90 s timer.
constexpr Micros kBeaconPeriod = 120 * kSecond;
constexpr Micros kBeaconJitter = 6 * kSecond;
constexpr Micros kSiteABeaconsFrom = 40 * kSecond;
constexpr Micros kSiteBBeaconsFrom = 95 * kSecond;
constexpr Micros kCheckInPeriod = 90 * kSecond;
constexpr Micros kCheckInJitter = 1 * kSecond;
constexpr Micros kCheckInsFrom = 60 * kSecond;

const std::vector<uint8_t> kSiteAWorkstations = {11, 12, 15, 19, 23, 27, 31, 34};
const std::vector<uint8_t> kSiteBWorkstations = {14, 18, 22, 31, 36, 41, 45};
constexpr uint8_t kResolverOctet = 2;

Ipv4Address onLan(const Host& member, uint8_t lastOctet) { return Ipv4Address{(member.ip.value & ~0xffU) | lastOctet}; }

// The public web sites both offices use; the same addresses appear at both sites, none of
// them in an incident.
std::vector<Host> internetServers(Rng& rng) {
  return {
      remoteHost(rng, ipv4(198, 51, 100, 10), 11, 9 * kMillisecond),
      remoteHost(rng, ipv4(203, 0, 113, 40), 14, 21 * kMillisecond),
      remoteHost(rng, ipv4(203, 0, 113, 20), 12, 14 * kMillisecond),
      remoteHost(rng, ipv4(198, 51, 100, 44), 11, 11 * kMillisecond),
  };
}

std::vector<WebSite> internetSites(std::vector<Host>& servers) {
  return {
      {"www.example.org", "www.example.org.cdn.example.net", &servers[0], {}, true, true},
      {"news.example.com", "", &servers[1], {}, true, false},
      {"api.example.com", "", &servers[2], {}, false, true},
      {"docs.example.org", "docs.example.org.cdn.example.net", &servers[3], {}, true, true},
  };
}

}  // namespace

CampaignScenario::Office::Office(CaptureFile& capture, Rng& rng, const campaign::Site& facts,
                                 const std::vector<uint8_t>& workstationOctets, const std::vector<WebSite>& internet)
    : facts(facts),
      webServer(lanHost(rng, parseIpv4(facts.webServer), kLinuxStack)),
      sites(internet),
      browsing(capture, rng, resolver) {
  resolver = lanHost(rng, onLan(webServer, kResolverOctet), kLinuxStack);
  for (uint8_t octet : workstationOctets) workstations.push_back(lanHost(rng, onLan(webServer, octet), kWindowsStack));
  sites.push_back(WebSite{std::string("intranet.") + facts.domain, "", &webServer, {}, true, false, true});
}

Host& CampaignScenario::Office::workstation(const char* address) {
  const Ipv4Address ip = parseIpv4(address);
  for (Host& host : workstations) {
    if (host.ip.value == ip.value) return host;
  }
  throw std::logic_error(std::string(address) + " is not a workstation of " + facts.name);
}

CampaignScenario::CampaignScenario(CaptureFile& capture, uint64_t seed, Micros start)
    : capture_(capture),
      rng_(seed),
      start_(start),
      internetServers_(internetServers(rng_)),
      internetSites_(internetSites(internetServers_)),
      attacker_(remoteHost(rng_, parseIpv4(campaign::kAttacker), 17, 38 * kMillisecond)),
      otherScanner_(remoteHost(rng_, parseIpv4(campaign::kOtherScanner), 15, 27 * kMillisecond)),
      c2Server_(remoteHost(rng_, parseIpv4(campaign::kC2), 19, 55 * kMillisecond)),
      backupService_(remoteHost(rng_, parseIpv4(campaign::kBackupService), 10, 8 * kMillisecond)),
      c2Site_{campaign::kC2Domain, "", &c2Server_, {}, false, true},
      backupSite_{"checkin.backup-vendor.example", "", &backupService_, {}, false, true},
      siteA_(capture_, rng_, campaign::kSiteA, kSiteAWorkstations, internetSites_),
      siteB_(capture_, rng_, campaign::kSiteB, kSiteBWorkstations, internetSites_) {}

void CampaignScenario::generate() {
  for (Office* office : {&siteA_, &siteB_}) {
    office->browsing.officeHours(office->workstations, office->sites, start_ + kOfficeHoursFrom,
                                 start_ + kOfficeHoursUntil, kMinVisitGap, kMaxVisitGap);
  }

  checkIns(siteA_, siteA_.workstation(campaign::kSiteA.beaconer), c2Site_, start_ + kSiteABeaconsFrom,
           campaign::kBeacons, kBeaconPeriod, kBeaconJitter);
  checkIns(siteB_, siteB_.workstation(campaign::kSiteB.beaconer), c2Site_, start_ + kSiteBBeaconsFrom,
           campaign::kBeacons, kBeaconPeriod, kBeaconJitter);
  checkIns(siteB_, siteB_.workstation(campaign::kBackupAgent), backupSite_, start_ + kCheckInsFrom,
           campaign::kBackupCheckIns, kCheckInPeriod, kCheckInJitter);

  // nmap -sS --top-ports: the same tool at both sites, with the common ports in a fresh order.
  for (Office* office : {&siteA_, &siteB_}) {
    const PortScan scan{commonPorts(rng_, campaign::kAttackerPorts), {80, 443}, 10 * kMillisecond};
    synScan(capture_, rng_, attacker_, office->webServer, start_ + office->facts.scannedAt * kSecond, scan);
  }
  const PortScan survey{commonPorts(rng_, campaign::kOtherScannerPorts), {80, 443}, 50 * kMillisecond};
  synScan(capture_, rng_, otherScanner_, siteA_.webServer, start_ + campaign::kOtherScannerAt * kSecond, survey);
}

void CampaignScenario::checkIns(Office& office, Host& client, const WebSite& service, Micros at, int count,
                                Micros period, Micros jitter) {
  for (int session = 0; session < count; ++session, at += period + rng_.between(-jitter, jitter)) {
    office.browsing.browseHttps(client, service, at);
  }
}

}  // namespace mamori::demogen
