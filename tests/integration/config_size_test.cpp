// Sizes in mamori.yaml: read as written up to 1tb; one too large for the counters it sets, or
// for 64 bits, stops start-up with a message naming the file, line and key, never an abort
// and never a size wrapped to something small.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

TEST(ConfigSize, ASizeTooLargeStopsStartUpNamingTheFileLineAndKey) {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  for (const std::string& size : {std::string("17179869184gb"), std::string("99999999999999999999999999"),
                                  std::string("1025gb"), std::string("2tb")}) {
    std::ofstream(dir + "/big.yaml") << "flow:\n  memcap: " << size << "\n";
    std::string output;
    EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + dir + "/big.yaml'", &output), 1) << size;
    EXPECT_NE(output.find("big.yaml:2: flow.memcap: '" + size + "' is more than the largest size, 1tb"),
              std::string::npos)
        << size << ": " << output;
  }
  std::ofstream(dir + "/unit.yaml") << "flow:\n  memcap: 64 parsecs\n";
  std::string output;
  EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + dir + "/unit.yaml'", &output), 1);
  EXPECT_NE(output.find("unit.yaml:2: flow.memcap: unknown size unit 'parsecs'"), std::string::npos) << output;
  // The largest, on a setting a capture file does not use; and units in capitals.
  std::ofstream(dir + "/fine.yaml") << "capture:\n  buffer-size: 1tb\nstream:\n  memcap: 64MB\n";
  EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + dir + "/fine.yaml'"), 0);
}

}  // namespace
}  // namespace mamori::test
