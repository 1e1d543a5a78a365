// Bad values in mamori.yaml stop start-up with a message naming the file, line and key, never
// an abort or a hang: sizes are read as written up to 1tb (one too large is refused, not
// wrapped to something small), and nDPI's data files must be plain files of at most 64mb. The
// configuration and correlation rule files themselves are read only when plain files of at most
// 16 MiB, and YAML nested past the reader's depth is an error at its line.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

TEST(ConfigLimits, ASizeTooLargeStopsStartUpNamingTheFileLineAndKey) {
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

TEST(ConfigLimits, AnNdpiDataFileThatIsNotAPlainFileOrIsHugeStopsStartUp) {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  ASSERT_EQ(run("truncate -s 65M '" + dir + "/huge.txt'").exit_code, 0);  // sparse: no disk used
  ASSERT_EQ(run("mkfifo '" + dir + "/fifo'").exit_code, 0);
  const std::pair<std::string, std::string> cases[] = {
      {"/dev/zero", "'/dev/zero' is not a readable regular file"},
      {dir + "/fifo", "'" + dir + "/fifo' is not a readable regular file"},
      {dir + "/missing.txt", "'" + dir + "/missing.txt' is not a readable regular file"},
      {dir + "/huge.txt", "'" + dir + "/huge.txt' is larger than 64mb"}};
  for (const auto& [file, why] : cases) {
    std::ofstream(dir + "/ndpi.yaml") << "app-layer:\n  ndpi:\n    categories-file: " << file << "\n";
    std::string output;
    EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--config '" + dir + "/ndpi.yaml'", &output), 1) << file;
    EXPECT_NE(output.find("ndpi.yaml:3: app-layer.ndpi.categories-file: " + why), std::string::npos)
        << file << ": " << output;
  }
}

TEST(ConfigLimits, ConfigurationAndCorrelationFilesThatNeverEndAreHugeOrTooDeepStopStartUp) {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  ASSERT_EQ(run("truncate -s 17M '" + dir + "/huge.yaml'").exit_code, 0);  // sparse: no disk used
  ASSERT_EQ(run("mkfifo '" + dir + "/fifo.yaml'").exit_code, 0);
  std::ofstream(dir + "/deep.yaml") << "flow:\n  memcap: " << std::string(100000, '[');
  const std::pair<std::string, std::string> cases[] = {
      {"/dev/zero", "/dev/zero: KIND: not a regular file"},
      {dir + "/fifo.yaml", dir + "/fifo.yaml: KIND: not a regular file"},
      {dir + "/missing.yaml", dir + "/missing.yaml: KIND: cannot read file"},
      {dir + "/huge.yaml", dir + "/huge.yaml: KIND: larger than 16 MiB (not read)"},
      {dir + "/deep.yaml", dir + "/deep.yaml:2: nested deeper than"}};
  for (const auto& [option, kind] : {std::pair<std::string, std::string>{"--config", "configuration file"},
                                     {"--correlation", "correlation rule file"}}) {
    for (auto [file, why] : cases) {
      if (auto at = why.find("KIND"); at != std::string::npos) why.replace(at, 4, kind);
      std::string output;
      EXPECT_EQ(runMamori(pcap, dir + "/eve.json", option + " '" + file + "'", &output), 1) << option << " " << file;
      EXPECT_NE(output.find(why), std::string::npos) << option << " " << file << ": " << output;
    }
  }
}

}  // namespace
}  // namespace mamori::test
