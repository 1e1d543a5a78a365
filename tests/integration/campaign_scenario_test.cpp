// The campaign scenario (docs/scenarios.md) as a GSOC's two sensors see it: split by site
// network with tshark, as the central's tests split it, every packet belongs to exactly one
// site; each half alone raises that site's port scan from the attacker, its beaconing to the
// C2 server both sites share, and its own near miss, and nothing of the other site; one
// sensor on the whole capture raises both sites' incidents. What is planted comes from
// tools/demogen/campaign_facts.h, which the central's tests include too.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/closed_incidents.h"
#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"
#include "tools/demogen/campaign_facts.h"

namespace mamori::test {
namespace {

namespace campaign = demogen::campaign;

using RulesAndTitles = std::multiset<std::pair<std::string, std::string>>;

std::pair<std::string, std::string> portScan(const std::string& source, const std::string& target) {
  return {"port_scan", "Port scan from " + source + " to " + target};
}

std::pair<std::string, std::string> beaconing(const std::string& source, const std::string& target, int port) {
  return {"beaconing", "Beaconing from " + source + " to " + target + " (dest_port " + std::to_string(port) + ")"};
}

// What the site's sensor alone must raise: the campaign's two incidents, and its near miss.
RulesAndTitles expectedAt(const campaign::Site& site) {
  RulesAndTitles out = {portScan(campaign::kAttacker, site.webServer),
                        beaconing(site.beaconer, campaign::kC2, campaign::kC2Port)};
  if (&site == &campaign::kSiteA) out.insert(portScan(campaign::kOtherScanner, site.webServer));
  if (&site == &campaign::kSiteB) {
    out.insert(beaconing(campaign::kBackupAgent, campaign::kBackupService, campaign::kBackupServicePort));
  }
  return out;
}

class CampaignScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run("command -v tshark >/dev/null 2>&1").exit_code != 0) GTEST_SKIP() << "tshark is not installed";
    whole_ = tempDir() + "/campaign.pcap";
    ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --scenario campaign --out '" + whole_ + "' >/dev/null").exit_code,
              0);
  }

  // The site's packets, written by tshark exactly as the central's tests split the capture.
  std::string split(const campaign::Site& site) const {
    const std::string half = tempDir() + "/" + site.name + ".pcap";
    const CommandResult r = run("tshark -r '" + whole_ + "' -Y 'ip.addr==" + site.network + "' -w '" + half +
                                "' >/dev/null 2>&1");
    EXPECT_EQ(r.exit_code, 0) << "tshark could not split out " << site.name;
    return half;
  }

  size_t packets(const std::string& pcap, const std::string& filter = "") const {
    const CommandResult r = run("tshark -r '" + pcap + "'" + (filter.empty() ? "" : " -Y '" + filter + "'") +
                                " -T fields -e frame.number 2>/dev/null | wc -l");
    EXPECT_EQ(r.exit_code, 0) << pcap;
    return std::stoul(r.out);
  }

  // Runs one sensor with the default rules over `pcap`.
  EveLog sense(const std::string& pcap, const std::string& name) const {
    const std::string eve = tempDir() + "/" + name + ".json";
    std::string output;
    EXPECT_EQ(runMamori(pcap, eve, "", &output), 0) << output;
    EveLog log = EveLog::load(eve);
    EXPECT_EQ(log.badLines(), 0u) << eve;
    return log;
  }

  std::string whole_;
};

TEST_F(CampaignScenario, SplittingBySiteNetworkPutsEveryPacketInExactlyOneSite) {
  const size_t total = packets(whole_);
  const size_t a = packets(split(campaign::kSiteA));
  const size_t b = packets(split(campaign::kSiteB));
  EXPECT_GT(a, 500u);
  EXPECT_GT(b, 500u);
  EXPECT_EQ(a + b, total);
  EXPECT_EQ(packets(whole_, std::string("ip.addr==") + campaign::kSiteA.network + " && ip.addr==" +
                                campaign::kSiteB.network),
            0u);
  // Small enough for every test that replays it.
  EXPECT_LT(total, 4000u);
}

TEST_F(CampaignScenario, EachSiteAloneRaisesTheAttackersScanTheSharedC2AndItsOwnNearMiss) {
  std::vector<std::string> scanStarts;
  for (const campaign::Site* site : {&campaign::kSiteA, &campaign::kSiteB}) {
    SCOPED_TRACE(site->name);
    const std::string half = split(*site);
    const EveLog log = sense(half, site->name);
    // The sensor read the whole half tshark wrote.
    ASSERT_NE(log.lastStats(), nullptr);
    EXPECT_EQ(EveLog::number(*log.lastStats(), "stats.decoder.pkts"), static_cast<int64_t>(packets(half)));

    const std::vector<ClosedIncident> incidents = closedIncidents(log);
    EXPECT_EQ(rulesAndTitles(incidents), expectedAt(*site)) << describe(incidents);

    const ClosedIncident* scan = findByTitle(incidents, portScan(campaign::kAttacker, site->webServer).second);
    ASSERT_NE(scan, nullptr) << describe(incidents);
    EXPECT_EQ(scan->source, campaign::kAttacker);
    EXPECT_EQ(scan->targets, std::vector<std::string>{site->webServer});
    EXPECT_EQ(scan->alert_count, campaign::kAttackerPorts);
    scanStarts.push_back(scan->first_seen);

    const ClosedIncident* beacon =
        findByTitle(incidents, beaconing(site->beaconer, campaign::kC2, campaign::kC2Port).second);
    ASSERT_NE(beacon, nullptr) << describe(incidents);
    EXPECT_EQ(beacon->source, site->beaconer);
    EXPECT_EQ(beacon->targets, std::vector<std::string>{campaign::kC2});
    EXPECT_EQ(beacon->dest_ports, std::vector<int64_t>{campaign::kC2Port});
    EXPECT_EQ(beacon->alert_count, campaign::kBeacons);

    // The near misses, each at its one site.
    if (site == &campaign::kSiteA) {
      const ClosedIncident* survey =
          findByTitle(incidents, portScan(campaign::kOtherScanner, site->webServer).second);
      ASSERT_NE(survey, nullptr) << describe(incidents);
      EXPECT_EQ(survey->alert_count, campaign::kOtherScannerPorts);
    } else {
      const ClosedIncident* agent = findByTitle(
          incidents, beaconing(campaign::kBackupAgent, campaign::kBackupService, campaign::kBackupServicePort).second);
      ASSERT_NE(agent, nullptr) << describe(incidents);
      EXPECT_EQ(agent->alert_count, campaign::kBackupCheckIns);
      EXPECT_EQ(agent->targets, std::vector<std::string>{campaign::kBackupService});
    }
  }

  // The attacker reaches site B twelve and a half minutes after site A: within an hour, and
  // well apart from the first scan even for a single sensor's five-minute port_scan window.
  ASSERT_EQ(scanStarts.size(), 2u);
  const int64_t gap = EveLog::parseTime(scanStarts[1]) - EveLog::parseTime(scanStarts[0]);
  EXPECT_GT(gap, 5 * 60 * 1'000'000LL);
  EXPECT_LT(gap, 60 * 60 * 1'000'000LL);
  EXPECT_NEAR(static_cast<double>(gap) / 1e6, campaign::kSiteB.scannedAt - campaign::kSiteA.scannedAt, 1.0);
}

TEST_F(CampaignScenario, OneSensorOnBothSitesRaisesEverySitesIncidents) {
  const EveLog log = sense(whole_, "both");
  ASSERT_NE(log.lastStats(), nullptr);
  EXPECT_EQ(EveLog::number(*log.lastStats(), "stats.decoder.pkts"), static_cast<int64_t>(packets(whole_)));
  const std::vector<ClosedIncident> incidents = closedIncidents(log);
  RulesAndTitles expected = expectedAt(campaign::kSiteA);
  for (const auto& incident : expectedAt(campaign::kSiteB)) expected.insert(incident);
  EXPECT_EQ(rulesAndTitles(incidents), expected) << describe(incidents);
}

}  // namespace
}  // namespace mamori::test
