// `mamori run --store` writes every incident change the EVE file has into the store that
// `mamori incidents` reads (resuming open incidents is IncidentManager's restore, tested
// with it).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "alerting/incident_store.h"
#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

std::map<uint64_t, std::string> finalStates(const EveLog& log) {
  std::map<uint64_t, std::string> out;
  for (const auto* i : log.ofType("incident")) {
    out[static_cast<uint64_t>(EveLog::number(*i, "incident.id"))] = EveLog::string(*i, "incident.state");
  }
  return out;
}

TEST(IncidentStoreRun, TheStoreHoldsWhatTheEveFileSays) {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/office.pcap", db = dir + "/incidents.db";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  std::ofstream(dir + "/mamori.yaml") << "sensor:\n  name: office-1\n";
  ASSERT_EQ(runMamori(pcap, dir + "/eve.json", "--workers 2 --store '" + db + "' --config '" + dir + "/mamori.yaml'"), 0);
  const EveLog log = EveLog::load(dir + "/eve.json");
  const auto states = finalStates(log);
  ASSERT_EQ(states.size(), 6u);  // docs/demo.md
  for (const auto* i : log.ofType("incident")) EXPECT_EQ(EveLog::string(*i, "host"), "office-1");
  IncidentStore store = IncidentStore::openExisting(db);
  const std::vector<Incident> stored = store.list(IncidentFilter{});
  ASSERT_EQ(stored.size(), states.size());
  for (const Incident& inc : stored) {
    ASSERT_TRUE(states.count(inc.id)) << inc.title;
    EXPECT_EQ(std::string(incidentStateName(inc.state)), states.at(inc.id)) << inc.title;
    EXPECT_EQ(inc.sensor, "office-1") << inc.title;
    EXPECT_TRUE(inc.sensors.empty()) << "a sensor's own events name no sensor";
    EXPECT_FALSE(store.history(inc.sensor, inc.id).empty());
  }
  EXPECT_TRUE(store.loadOpen("office-1").empty());  // the capture's end closed them all
  // An operator sees whether every change was saved.
  const auto* stats = log.lastStats();
  ASSERT_NE(stats, nullptr);
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.store_failed_saves"), 0);
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.store_pruned"), 0);
}

TEST(IncidentStoreRun, ABadStorePathStopsStartUp) {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  std::string output;
  EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--store /nonexistent/dir/incidents.db", &output), 1);
  EXPECT_NE(output.find("/nonexistent/dir/incidents.db"), std::string::npos) << output;
}

}  // namespace
}  // namespace mamori::test
