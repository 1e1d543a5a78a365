// sensor.name: every EVE record a sensor writes names it as `host` (Suricata's field for the
// sensor), and so do its incidents in the store; a bad name stops start-up naming the key.
// (The metrics label: correlation_metrics_test; the default name on a live sensor:
// live_capture_test.)
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

std::string demoCapture(const std::string& dir) {
  const std::string pcap = dir + "/office.pcap";
  EXPECT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  return pcap;
}

// Records by event type, and how many of them name `host`.
std::map<std::string, std::pair<size_t, size_t>> hostsByType(const std::string& path, const std::string& host) {
  std::map<std::string, std::pair<size_t, size_t>> out;
  const EveLog log = EveLog::load(path);
  EXPECT_EQ(log.badLines(), 0u);
  for (const char* type : {"alert", "flow", "http", "dns", "tls", "ssh", "incident", "stats"}) {
    for (const auto* r : log.ofType(type)) {
      auto& [records, named] = out[type];
      ++records;
      if (EveLog::string(*r, "host") == host) ++named;
    }
  }
  return out;
}

TEST(SensorName, EveryRecordNamesTheConfiguredSensor) {
  const std::string dir = tempDir();
  const std::string pcap = demoCapture(dir);
  std::ofstream(dir + "/mamori.yaml") << "sensor:\n  name: office-1.tokyo_dc\n";
  ASSERT_EQ(runMamori(pcap, dir + "/eve.json", "--workers 2 --config '" + dir + "/mamori.yaml'"), 0);
  const auto by_type = hostsByType(dir + "/eve.json", "office-1.tokyo_dc");
  for (const char* type : {"alert", "flow", "http", "dns", "incident", "stats"}) {
    ASSERT_TRUE(by_type.count(type)) << "the demo capture gives " << type << " records";
  }
  for (const auto& [type, counts] : by_type) EXPECT_EQ(counts.second, counts.first) << type;
}

TEST(SensorName, TheHostNameIsTheDefault) {
  const std::string dir = tempDir();
  const std::string pcap = demoCapture(dir);
  ASSERT_EQ(runMamori(pcap, dir + "/eve.json", "--workers 1"), 0);
  const auto by_type = hostsByType(dir + "/eve.json", hostName());
  ASSERT_FALSE(by_type.empty());
  for (const auto& [type, counts] : by_type) EXPECT_EQ(counts.second, counts.first) << type;
}

TEST(SensorName, ABadNameStopsStartUpNamingTheKey) {
  const std::string dir = tempDir();
  const std::string pcap = demoCapture(dir);
  for (const std::string& name :
       {std::string("\"\""), std::string("tokyo 1"), std::string("tokyo/1"), std::string("\"sensor\\u00e9\""),
        std::string(65, 'a'), std::string("[a, b]")}) {
    std::ofstream(dir + "/bad.yaml") << "sensor:\n  name: " << name << "\n";
    std::string output;
    EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + dir + "/bad.yaml'", &output), 1) << name;
    EXPECT_NE(output.find("bad.yaml:2: sensor.name: "), std::string::npos) << name << ": " << output;
  }
  // 64 characters are enough.
  std::ofstream(dir + "/long.yaml") << "sensor:\n  name: " << std::string(64, 'a') << "\n";
  EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + dir + "/long.yaml'"), 0);
  std::ofstream(dir + "/typo.yaml") << "sensor:\n  nmae: x\n";
  std::string output;
  EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + dir + "/typo.yaml'", &output), 1);
  EXPECT_NE(output.find("typo.yaml:2: sensor.nmae: unknown key"), std::string::npos) << output;
}

}  // namespace
}  // namespace mamori::test
