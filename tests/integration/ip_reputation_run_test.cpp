// iprep end to end: reputation files named by mamori.yaml (Suricata's keys, lists relative
// to default-reputation-path) reach the rules, alerts land on the listed host's packets
// only, and a configuration that lists reputation files without categories stops start-up
// naming the key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

TEST(IpReputationRun, ListedHostsAlertAndOnlyThey) {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  ASSERT_EQ(runMamori(pcap, dir + "/first.json", "--workers 1"), 0);
  const EveLog first = EveLog::load(dir + "/first.json");
  const auto flows = first.ofType("flow");
  ASSERT_FALSE(flows.empty());
  const std::string listed = EveLog::string(*flows.front(), "src_ip");

  std::filesystem::create_directories(dir + "/iprep");
  std::ofstream(dir + "/iprep/categories.txt") << "1,Watched,Hosts the SOC watches\n";
  std::ofstream(dir + "/iprep/watch.list") << listed << ",1,80\n";
  std::ofstream(dir + "/mamori.yaml") << "reputation-categories-file: iprep/categories.txt\n"
                                         "default-reputation-path: iprep\n"
                                         "reputation-files:\n  - watch.list\n";
  std::ofstream(dir + "/iprep.rules") << "alert ip any any -> any any (msg:\"watched host\"; iprep:any,Watched,>,50; sid:1;)\n";
  ASSERT_EQ(runMamori(pcap, dir + "/eve.json",
                      "--workers 1 --config '" + dir + "/mamori.yaml' --rules '" + dir + "/iprep.rules'"),
            0);
  const EveLog log = EveLog::load(dir + "/eve.json");
  const auto alerts = log.ofType("alert");
  ASSERT_FALSE(alerts.empty());
  for (const auto* a : alerts) {
    EXPECT_TRUE(EveLog::string(*a, "src_ip") == listed || EveLog::string(*a, "dest_ip") == listed);
  }

  std::ofstream(dir + "/bad.yaml") << "reputation-files:\n  - watch.list\n";
  std::string output;
  EXPECT_EQ(runMamori(pcap, dir + "/eve2.json", "--config '" + dir + "/bad.yaml'", &output), 1);
  EXPECT_NE(output.find("bad.yaml:2: reputation-files: reputation files need reputation-categories-file"),
            std::string::npos)
      << output;
}

}  // namespace
}  // namespace mamori::test
