// Malformed application data reaches the parsers through the whole pipeline: it is
// counted in the stats record, the run finishes normally, and the well-formed messages
// around it are still logged.
#include <gtest/gtest.h>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

TEST(AppLayerBadInput, MalformedDnsIsCountedAndTheRestLogged) {
  MAMORI_REQUIRE_SHARED();
  const std::string dir = tempDir();
  // nDPI's capture of DNS names longer than the protocol allows.
  ASSERT_EQ(runMamori(sharedDir() + "/corpus/ndpi/malformed_dns.pcap", dir + "/eve.json"), 0);
  EveLog log = EveLog::load(dir + "/eve.json");
  const auto* stats = log.lastStats();
  ASSERT_NE(stats, nullptr);
  EXPECT_GT(EveLog::number(*stats, "stats.app_layer.error.dns"), 0);
  EXPECT_EQ(EveLog::number(*stats, "stats.app_layer.tx.dns"), static_cast<int64_t>(log.ofType("dns").size()));
  EXPECT_GT(log.ofType("dns").size(), 0u);
  EXPECT_EQ(log.badLines(), 0u);
}

}  // namespace
}  // namespace mamori::test
