// The same flows, alerts and incidents with --workers 1 and --workers 2: the number of
// workers is a deployment choice and must not change what an analyst sees.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/integration/workers_comparison.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

TEST(WorkersDeterminism, DemoCaptureGivesTheSameFlowsAlertsAndIncidents) {
  std::string pcap = tempDir() + "/office.pcap";
  auto r = run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'");
  ASSERT_EQ(r.exit_code, 0);
  WorkersOutcome one = runWithWorkers(pcap, 1);
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_FALSE(one.flows.empty());
  EXPECT_FALSE(one.alerts.empty()) << "the demo is built to raise alerts";
  EXPECT_FALSE(one.incidents.empty()) << "the demo is built to raise incidents";
  expectSameWithOneAndTwoWorkers(pcap);
}

TEST(WorkersDeterminism, CorpusCapturesGiveTheSameFlows) {
  MAMORI_REQUIRE_SHARED();
  int checked = 0;
  for (const auto& pcap : corpusPcaps("ndpi")) {
    expectSameWithOneAndTwoWorkers(pcap);
    ++checked;
  }
  for (const auto& pcap : corpusPcaps("suricata-verify")) {
    // Each case carries its own rules; run them so alerts are compared too.
    auto rules = std::filesystem::path(pcap).parent_path() / "test.rules";
    expectSameWithOneAndTwoWorkers(pcap, std::filesystem::exists(rules) ? "--rules '" + rules.string() + "'" : "");
    ++checked;
  }
  std::printf("compared %d captures with 1 and 2 workers\n", checked);
}

}  // namespace
}  // namespace mamori::test
