// app-layer.memcap bounds what the app layer holds for flows (nDPI's state while it
// identifies them, the parsers and their buffers): flows with holes that never fill, each
// holding a TLS handshake half read, go past a small one; what it refuses is counted, the
// run still ends with every flow recorded, and everything taken is given back.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

TEST(AppMemcap, FlowsWithHolesGoPastASmallCapWhichRefusesAndCounts) {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/holes.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-floodgen --scenario holes --count 3000 --out '" + pcap + "'").exit_code, 0);
  const std::string config = dir + "/small.yaml";
  std::ofstream(config) << "app-layer:\n  memcap: 1mb\n";

  ASSERT_EQ(runMamori(pcap, dir + "/default.json", "--workers 1"), 0);
  ASSERT_EQ(runMamori(pcap, dir + "/small.json", "--workers 1 --config '" + config + "'"), 0);
  EveLog free_log = EveLog::load(dir + "/default.json"), small_log = EveLog::load(dir + "/small.json");
  const auto* free_stats = free_log.lastStats();
  const auto* small_stats = small_log.lastStats();
  ASSERT_NE(free_stats, nullptr);
  ASSERT_NE(small_stats, nullptr);

  EXPECT_EQ(EveLog::number(*free_stats, "stats.app_layer.memcap_refused"), 0);
  EXPECT_GT(EveLog::number(*free_stats, "stats.app_layer.memory_peak_bytes"), 1 << 20)
      << "3,000 half-read handshakes need more than the small cap";
  EXPECT_GT(EveLog::number(*small_stats, "stats.app_layer.memcap_refused"), 0);
  // nDPI's own allocations are charged after the fact (applayer/ndpi_allocator.h): the cap
  // can be passed by what nDPI allocates on one packet of one flow, never more.
  EXPECT_LE(EveLog::number(*small_stats, "stats.app_layer.memory_peak_bytes"), (1 << 20) + (64 << 10));
  for (const auto* stats : {free_stats, small_stats}) {
    EXPECT_EQ(EveLog::number(*stats, "stats.app_layer.memory_bytes"), 0) << "every flow gave its state back";
  }
  EXPECT_EQ(small_log.ofType("flow").size(), 3000u) << "a refusal costs a flow its app layer, not its record";
  EXPECT_EQ(free_log.ofType("flow").size(), 3000u);
}

}  // namespace
}  // namespace mamori::test
