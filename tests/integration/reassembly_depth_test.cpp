// stream.reassembly-depth bounds what each TCP direction reassembles and inspects, as
// Suricata's does, and is counted where it cuts.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

struct Reassembled {
  int64_t bytes, past_depth, tcp_flows;
};

Reassembled runWithDepth(const std::string& dir, const std::string& pcap, const std::string& depth) {
  const std::string config = dir + "/depth-" + depth + ".yaml";
  std::ofstream(config) << "stream:\n  reassembly-depth: " << depth << "\n";
  EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + config + "'"), 0);
  EveLog log = EveLog::load(dir + "/eve.json");
  const auto* stats = log.lastStats();
  if (!stats) {
    ADD_FAILURE() << "no stats record";
    return {};
  }
  return {EveLog::number(*stats, "stats.tcp.reassembled_bytes"), EveLog::number(*stats, "stats.tcp.past_depth"),
          EveLog::number(*stats, "stats.flow.tcp")};
}

TEST(ReassemblyDepth, BoundsEachDirectionAndCountsTheCut) {
  std::string dir = tempDir();
  std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  const Reassembled unlimited = runWithDepth(dir, pcap, "0");
  const Reassembled shallow = runWithDepth(dir, pcap, "1kb");
  EXPECT_EQ(unlimited.past_depth, 0);
  EXPECT_GT(shallow.past_depth, 0);
  EXPECT_LT(shallow.bytes, unlimited.bytes);
  EXPECT_LE(shallow.bytes, 2 * 1024 * shallow.tcp_flows);
}

}  // namespace
}  // namespace mamori::test
