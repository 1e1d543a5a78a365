// The correlate.* keys of mamori.yaml: bad values stop start-up naming their key, and the
// incident inactivity a sensor is given is the one its incidents close by. (The caps'
// effect is in stats_record_test: CorrelationCapsFromTheConfigurationCountTheirEvictions.)
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

TEST(CorrelationConfig, BadValuesStopStartUpNamingTheirKey) {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  const struct {
    const char* yaml;
    const char* key;
    const char* why;
  } cases[] = {
      {"max-groups-per-rule: 0", "correlate.max-groups-per-rule", "must be a whole number from 1 to 10000000"},
      {"max-groups-per-rule: [1]", "correlate.max-groups-per-rule", "expected a whole number"},
      {"max-events-per-group: many", "correlate.max-events-per-group", "expected a whole number"},
      {"max-events-per-group: -3", "correlate.max-events-per-group", "must be a whole number from 1 to 1000000"},
      {"max-open-incidents: 20000000", "correlate.max-open-incidents", "must be a whole number from 1 to 10000000"},
      {"memcap: lots", "correlate.memcap", "expected a size like 64mb"},
      {"incident-inactivity: soon", "correlate.incident-inactivity", "expected a number of seconds"},
      {"store-retention-days: -1", "correlate.store-retention-days", "must be a whole number of days"},
      {"store-retention-days: forever", "correlate.store-retention-days", "must be a whole number of days"},
      // The old name of incident-inactivity; a sensor must not run believing it set.
      {"window: 900", "correlate.window", "unknown key"},
  };
  for (const auto& c : cases) {
    std::ofstream(dir + "/bad.yaml") << "correlate:\n  " << c.yaml << "\n";
    std::string output;
    EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + dir + "/bad.yaml'", &output), 1) << c.yaml;
    EXPECT_NE(output.find(std::string("bad.yaml:2: ") + c.key + ": "), std::string::npos) << c.yaml << ": " << output;
    EXPECT_NE(output.find(c.why), std::string::npos) << c.yaml << ": " << output;
  }
}

// The ids of the incidents titled `title`.
std::set<int64_t> incidentIds(const EveLog& log, const std::string& title) {
  std::set<int64_t> ids;
  for (const auto* i : log.ofType("incident")) {
    if (EveLog::string(*i, "incident.title") == title) ids.insert(EveLog::number(*i, "incident.id"));
  }
  return ids;
}

TEST(CorrelationConfig, IncidentInactivityIsWhatClosesAQuietIncident) {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  const std::string server = "Alerts from 192.168.10.80";

  // The default (15 minutes) keeps the web server's minute-apart beacons in one incident.
  ASSERT_EQ(runMamori(pcap, dir + "/default.json", "--workers 2"), 0);
  EXPECT_EQ(incidentIds(EveLog::load(dir + "/default.json"), server).size(), 1u);

  // 30 s: the incident closes between two beacons, and later evidence opens another.
  std::ofstream(dir + "/short.yaml") << "correlate:\n  incident-inactivity: 30\n";
  ASSERT_EQ(runMamori(pcap, dir + "/short.json", "--workers 2 --config '" + dir + "/short.yaml'"), 0);
  const EveLog log = EveLog::load(dir + "/short.json");
  const auto ids = incidentIds(log, server);
  EXPECT_GE(ids.size(), 2u);
  for (int64_t id : ids) {
    std::string last;
    for (const auto* i : log.ofType("incident")) {
      if (EveLog::number(*i, "incident.id") == id) last = EveLog::string(*i, "incident.state");
    }
    EXPECT_EQ(last, "closed") << id;
  }
}

}  // namespace
}  // namespace mamori::test
