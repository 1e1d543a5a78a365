// Rule reload under load: traffic is replayed into a live interface while SIGHUP swaps
// in a new rule set, then a broken one. Every packet is counted; every IP packet is
// inspected by exactly one rule set (the old one before the swap, the new one after);
// the broken set is refused with its error and the running set keeps alerting.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <thread>

#include "tests/integration/eve_log.h"
#include "tests/integration/veth_namespace.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

void writeRules(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(RuleReload, SighupSwapsRuleSetsWithoutLosingOrRepeatingAPacket) {
  MAMORI_REQUIRE_SHARED();
  MAMORI_REQUIRE_ROOT();
  const std::string pcap = sharedDir() + "/corpus/ndpi/teams.pcap";
  const std::string dir = tempDir();
  const std::string rules = dir + "/live.rules";
  // A rule with no content alerts on every IP packet: which sid fires tells which set
  // inspected the packet.
  writeRules(rules, "alert ip any any -> any any (msg:\"set A\"; sid:1; rev:1;)\n");

  VethNamespace ns;
  ASSERT_TRUE(ns.ok());
  const int port = 20000 + getpid() % 1000;
  int pid = ns.startSensor("--workers 2 --rules '" + rules + "' --eve '" + dir + "/eve.json'", dir + "/run.log", port);
  ASSERT_GT(pid, 0) << readFile(dir + "/run.log");

  // ~2.8 s of traffic; the new set goes in while it flows.
  std::thread replay([&] { run(ns.exec("tcpreplay -q -i veth-feed --pps 1000 '" + pcap + "' >/dev/null 2>&1")); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  writeRules(rules, "alert ip any any -> any any (msg:\"set B\"; sid:2; rev:1;)\n");
  run("kill -HUP " + std::to_string(pid));
  replay.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  // A broken set: refused, set B stays.
  writeRules(rules, "alert ip any any -> any any (msg:\"set C\"; sid:3; content:\"unterminated; rev:1;)\n");
  run("kill -HUP " + std::to_string(pid));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  auto second = run(ns.exec("tcpreplay -q -i veth-feed --pps 4000 '" + pcap + "' 2>&1"));
  ASSERT_EQ(second.exit_code, 0) << second.out;
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  auto metrics = run(ns.exec("curl -sf " + VethNamespace::metricsUrl(port)));
  VethNamespace::stopSensor(pid);

  std::string log = readFile(dir + "/run.log");
  EXPECT_NE(log.find("rules reloaded: 1 rules, version 2"), std::string::npos) << log;
  EXPECT_NE(log.find("rule reload refused"), std::string::npos) << log;
  EXPECT_NE(log.find("live.rules:1:"), std::string::npos) << "the refusal names file and line: " << log;
  const std::string sensor = "sensor=\"" + hostName() + "\"";
  EXPECT_NE(metrics.out.find("mamori_rules_version{" + sensor + "} 2"), std::string::npos) << metrics.out;
  EXPECT_NE(metrics.out.find("mamori_rule_reloads_total{" + sensor + ",result=\"refused\"} 1"), std::string::npos)
      << metrics.out;

  EveLog eve = EveLog::load(dir + "/eve.json");
  const auto* stats = eve.lastStats();
  ASSERT_NE(stats, nullptr);
  auto capinfos = run("capinfos -M -c -T -r '" + pcap + "' | tail -1 | cut -f2");
  const int64_t file_packets = std::stoll(capinfos.out);
  EXPECT_EQ(EveLog::number(*stats, "stats.decoder.pkts"), 2 * file_packets) << "every replayed packet was read";
  const int64_t inspected = EveLog::number(*stats, "stats.decoder.decoded") - EveLog::number(*stats, "stats.decoder.non_ip") -
                            EveLog::number(*stats, "stats.defrag.fragments") + EveLog::number(*stats, "stats.defrag.reassembled");

  std::map<int64_t, int64_t> by_sid;
  // Each worker switches at its next packet after the swap, so set A may still alert on
  // a packet a lagging worker had queued, but never on one that came well after set B began.
  int64_t last_a = 0, first_b = INT64_MAX;
  for (const auto* a : eve.ofType("alert")) {
    int64_t sid = EveLog::number(*a, "alert.signature_id");
    ++by_sid[sid];
    int64_t ts = EveLog::parseTime(EveLog::string(*a, "timestamp"));
    if (sid == 1) last_a = std::max(last_a, ts);
    if (sid == 2) first_b = std::min(first_b, ts);
  }
  EXPECT_GT(by_sid[1], 0) << "set A alerted before the reload";
  EXPECT_GT(by_sid[2], file_packets / 2) << "set B alerted after the reload, through both replays";
  EXPECT_EQ(by_sid[3], 0) << "the broken set never ran";
  EXPECT_EQ(by_sid[1] + by_sid[2], inspected) << "each IP packet inspected by exactly one rule set";
  EXPECT_LT(last_a, first_b + 50000) << "set A stopped when set B began";
}

}  // namespace
}  // namespace mamori::test
