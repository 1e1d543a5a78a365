// app-layer.http.response-body-limit bounds the HTTP body rules inspect, as Suricata's
// libhtp response-body-limit does: an operator trades depth for speed with it.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

// A response of 3,204 body bytes (suricata-verify's http-raw-header capture).
std::set<int64_t> sidsWithLimit(const std::string& dir, const std::string& limit) {
  const std::string pcap = sharedDir() + "/corpus/suricata-verify/http-raw-header/input.pcap";
  const std::string rules = dir + "/body.rules";
  std::ofstream(rules) << "alert http any any -> any any (flow:to_client; file.data; bsize:3204; sid:1;)\n"
                          "alert http any any -> any any (flow:to_client; file.data; bsize:1024; sid:2;)\n";
  std::string config = dir + "/limit.yaml";
  std::ofstream(config) << "app-layer:\n  http:\n    response-body-limit: " << limit << "\n";
  EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--rules '" + rules + "' --config '" + config + "'"), 0);
  std::set<int64_t> sids;
  const EveLog log = EveLog::load(dir + "/eve.json");
  for (const auto* a : log.ofType("alert")) sids.insert(EveLog::number(*a, "alert.signature_id"));
  return sids;
}

TEST(HttpBodyLimit, ResponseBodyIsInspectedUpToTheLimit) {
  MAMORI_REQUIRE_SHARED();
  const std::string dir = tempDir();
  EXPECT_EQ(sidsWithLimit(dir, "4kb"), (std::set<int64_t>{1}));
  EXPECT_EQ(sidsWithLimit(dir, "1kb"), (std::set<int64_t>{2}));
}

TEST(HttpBodyLimit, ABadLimitNamesItsKey) {
  const std::string dir = tempDir();
  const std::string config = dir + "/bad.yaml";
  std::ofstream(config) << "app-layer:\n  http:\n    request-body-limit: lots\n";
  std::string output;
  EXPECT_EQ(runMamori("/dev/null", dir + "/eve.json", "--config '" + config + "'", &output), 1);
  EXPECT_NE(output.find("app-layer.http.request-body-limit"), std::string::npos) << output;
}

}  // namespace
}  // namespace mamori::test
