// `mamori run --correlation PATH`: a rule author's correlation file beside the default
// ones. A broken file stops start-up naming its file, line and reason before any packet is
// read; a good one can build on the default rules, chaining their matches.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

class CorrelationRulesRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tempDir();
    pcap_ = dir_ + "/office.pcap";
    ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap_ + "' >/dev/null").exit_code, 0);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  std::string dir_, pcap_;
};

TEST_F(CorrelationRulesRun, ABrokenFileStopsStartUpWithFileLineAndReason) {
  const std::string path = write("broken.yaml",
                                 "title: Too many\n"
                                 "name: too_many\n"
                                 "correlation:\n"
                                 "  type: event_count\n"
                                 "  rules: [tcp_probe]\n"
                                 "  group-by: [src_ip]\n"
                                 "  timespan: 5m\n"
                                 "  condition:\n"
                                 "    gt: 10\n"
                                 "    lt: 5\n");
  std::string output;
  EXPECT_EQ(runMamori(pcap_, dir_ + "/eve.json", "--correlation '" + path + "'", &output), 1);
  EXPECT_NE(output.find(path + ":9: correlation.condition: can never hold"), std::string::npos) << output;
  EXPECT_TRUE(EveLog::load(dir_ + "/eve.json").ofType("flow").empty()) << "no packet is read";
}

TEST_F(CorrelationRulesRun, AFileCanChainTheDefaultRules) {
  // The port scan's matches (a default correlation) followed by an exploit alert (a default
  // base rule) against the scanned host.
  const std::string path = write("scan_then_exploit.yaml",
                                 "title: Scanned, then attacked\n"
                                 "name: scan_then_exploit\n"
                                 "level: high\n"
                                 "correlation:\n"
                                 "  type: temporal_ordered\n"
                                 "  rules: [port_scan, stage_exploit]\n"
                                 "  group-by: [victim]\n"
                                 "  aliases:\n"
                                 "    victim:\n"
                                 "      port_scan: dest_ip\n"
                                 "      stage_exploit: dest_ip\n"
                                 "  timespan: 1h\n");
  ASSERT_EQ(runMamori(pcap_, dir_ + "/eve.json", "--correlation '" + path + "'"), 0);
  const EveLog log = EveLog::load(dir_ + "/eve.json");
  std::map<int64_t, const rapidjson::Value*> latest;
  for (const auto* i : log.ofType("incident")) {
    if (EveLog::string(*i, "incident.rule") == "scan_then_exploit") latest[EveLog::number(*i, "incident.id")] = i;
  }
  ASSERT_EQ(latest.size(), 1u);
  const rapidjson::Value& incident = *latest.begin()->second;
  EXPECT_EQ(EveLog::string(incident, "incident.title"), "Scanned, then attacked on 192.168.10.80");
  EXPECT_EQ(EveLog::strings(incident, "incident.stages"), (std::vector<std::string>{"port_scan", "stage_exploit"}));
  EXPECT_EQ(EveLog::number(incident, "incident.severity"), 2);  // high
  // The default rules still make their six (docs/demo.md).
  std::map<int64_t, std::string> rules;
  for (const auto* i : log.ofType("incident")) rules[EveLog::number(*i, "incident.id")] = EveLog::string(*i, "incident.rule");
  EXPECT_EQ(rules.size(), 7u);
}

}  // namespace
}  // namespace mamori::test
