// Thresholds and detection_filters that count by source, destination or rule count every
// worker's matches: a scan spread over many address pairs (so over every worker) alerts
// as often with four workers as with one, and exactly as often as the rule says.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "tests/integration/eve_log.h"
#include "tests/integration/pcap_file_writer.h"
#include "tests/integration/workers_comparison.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

// Ethernet/IPv4/UDP from 10.0.<src_net>.<src_host> to 10.<dst_net>.<dst_host>, port 40000 -> 5000.
PcapFrame udpFrame(uint8_t src_net, uint8_t src_host, uint8_t dst_a, uint8_t dst_b, uint8_t dst_c,
                   const std::string& payload) {
  std::vector<uint8_t> f(14 + 20 + 8 + payload.size(), 0);
  f[12] = 0x08;
  uint8_t* ip = &f[14];
  ip[0] = 0x45;
  const auto total = static_cast<uint16_t>(20 + 8 + payload.size());
  ip[2] = total >> 8, ip[3] = total & 0xff;
  ip[8] = 64, ip[9] = 17;
  ip[12] = 10, ip[13] = 0, ip[14] = src_net, ip[15] = src_host;
  ip[16] = 10, ip[17] = dst_a, ip[18] = dst_b, ip[19] = dst_c;
  uint8_t* udp = ip + 20;
  udp[0] = 40000 >> 8, udp[1] = 40000 & 0xff, udp[2] = 5000 >> 8, udp[3] = 5000 & 0xff;
  const auto ulen = static_cast<uint16_t>(8 + payload.size());
  udp[4] = ulen >> 8, udp[5] = ulen & 0xff;
  std::copy(payload.begin(), payload.end(), udp + 8);
  return {f, 0};
}

struct Outcome {
  std::map<int64_t, int> alerts_by_sid;
  std::set<int64_t> alerted_flows;  // flow ids of the alerts
  std::set<int64_t> flows_marked;   // flow ids whose flow record says alerted
  int64_t suppressed = -1;
};

Outcome runOn(const std::string& pcap, const std::string& rules, int workers) {
  const std::string eve = tempDir() + "/eve-thresholds-" + std::to_string(workers) + ".json";
  EXPECT_EQ(runMamori(pcap, eve, "--workers " + std::to_string(workers) + " --rules '" + rules + "'"), 0);
  const EveLog log = EveLog::load(eve);
  Outcome o;
  for (const auto* a : log.ofType("alert")) {
    ++o.alerts_by_sid[EveLog::number(*a, "alert.signature_id")];
    o.alerted_flows.insert(EveLog::number(*a, "flow_id"));
  }
  for (const auto* f : log.ofType("flow")) {
    if ((*f)["flow"]["alerted"].GetBool()) o.flows_marked.insert(EveLog::number(*f, "flow_id"));
  }
  if (const auto* stats = log.lastStats()) o.suppressed = EveLog::number(*stats, "stats.detect.alerts_suppressed");
  return o;
}

TEST(ThresholdsAcrossWorkers, CountEveryWorkersMatches) {
  const std::string dir = tempDir();
  // Two scanners, 64 probes each, every probe to another host; 64 hosts flooding one server.
  std::vector<PcapFrame> frames;
  for (int i = 1; i <= 64; ++i) {
    frames.push_back(udpFrame(0, 1, 1, 0, static_cast<uint8_t>(i), "SCAN"));
    frames.push_back(udpFrame(0, 2, 2, 0, static_cast<uint8_t>(i), "SCAN"));
    frames.push_back(udpFrame(3, static_cast<uint8_t>(i), 9, 9, 9, "FLOOD"));
  }
  const std::string pcap = dir + "/scan.pcap";
  ASSERT_TRUE(writePcapFile(pcap, frames, DLT_EN10MB, 100'000));
  const std::string rules = dir + "/thresholds.rules";
  std::ofstream(rules)
      << "alert udp any any -> any any (msg:\"limit by_src\"; content:\"SCAN\"; "
         "threshold:type limit, track by_src, count 3, seconds 600; sid:1;)\n"
         "alert udp any any -> any any (msg:\"threshold by_dst\"; content:\"FLOOD\"; "
         "threshold:type threshold, track by_dst, count 10, seconds 600; sid:2;)\n"
         "alert udp any any -> any any (msg:\"detection_filter by_src\"; content:\"SCAN\"; "
         "detection_filter:track by_src, count 50, seconds 600; sid:3;)\n"
         "alert udp any any -> any any (msg:\"both by_rule\"; content:\"SCAN\"; "
         "threshold:type both, track by_rule, count 20, seconds 600; sid:4;)\n"
         "alert udp any any -> any any (msg:\"by_flow stays on its worker\"; content:\"FLOOD\"; "
         "threshold:type limit, track by_flow, count 1, seconds 600; sid:5;)\n";

  // 3 per scanner; 64 / 10 to the server; the 14 probes past 50, per scanner; once for
  // the rule; once per flooding flow.
  const std::map<int64_t, int> expected{{1, 6}, {2, 6}, {3, 28}, {4, 1}, {5, 64}};
  const int64_t matches = 128 + 64 + 128 + 128 + 64;
  for (int workers : {1, 2, 4}) {
    SCOPED_TRACE("--workers " + std::to_string(workers));
    const Outcome o = runOn(pcap, rules, workers);
    EXPECT_EQ(o.alerts_by_sid, expected);
    EXPECT_EQ(o.suppressed, matches - (6 + 6 + 28 + 1 + 64));
    // EVE flow.alerted: the flows that alerted, whichever thread decided their alerts.
    EXPECT_EQ(o.flows_marked, o.alerted_flows);
  }
  // Which matches alert does not depend on the workers either.
  expectSameWithOneAndTwoWorkers(pcap, "--rules '" + rules + "'");
}

}  // namespace
}  // namespace mamori::test
