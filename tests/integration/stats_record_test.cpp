// The final EVE stats record carries every counter under the names SIEM dashboards
// built for Suricata look for, plus mamori's own, with consistent values.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

TEST(StatsRecord, CarriesNamedCountersWithConsistentValues) {
  std::string dir = tempDir();
  std::string pcap = dir + "/office.pcap";
  ASSERT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  ASSERT_EQ(runMamori(pcap, dir + "/eve.json", "--workers 2"), 0);
  EveLog log = EveLog::load(dir + "/eve.json");
  const auto* stats = log.lastStats();
  ASSERT_NE(stats, nullptr);
  for (const char* name :
       {"decoder.pkts", "decoder.bytes", "decoder.decoded", "decoder.invalid", "decoder.event.ipv4.trunc_pkt",
        "flow.total", "flow.tcp", "flow.udp", "flow.active", "flow.timeout", "flow.evicted", "flow.shutdown",
        "tcp.segments", "tcp.reassembled_bytes", "tcp.reassembly_gap", "defrag.fragments", "detect.alert",
        "detect.packets_inspected", "detect.bytes_scanned", "detect.rules_loaded", "detect.rules_failed",
        "detect.rules_version", "detect.rule_reloads", "detect.rule_reloads_refused",
        "correlate.incidents_opened", "correlate.incidents_closed", "app_layer.tx.http", "app_layer.tx.dns",
        "app_layer.guessed", "app_layer.identifying"}) {
    EXPECT_GE(EveLog::number(*stats, std::string("stats.") + name), 0) << name << " missing from the stats record";
  }
  EXPECT_EQ(EveLog::number(*stats, "stats.detect.alert"), static_cast<int64_t>(log.ofType("alert").size()));
  EXPECT_EQ(EveLog::number(*stats, "stats.flow.total"), static_cast<int64_t>(log.ofType("flow").size()));
  // A flow ends once, for one reason (a TCP port reuse ends the old flow as a timeout).
  EXPECT_EQ(EveLog::number(*stats, "stats.flow.ended"), EveLog::number(*stats, "stats.flow.total"));
  EXPECT_EQ(EveLog::number(*stats, "stats.flow.shutdown") + EveLog::number(*stats, "stats.flow.timeout") +
                EveLog::number(*stats, "stats.flow.evicted"),
            EveLog::number(*stats, "stats.flow.ended"));
  EXPECT_EQ(EveLog::number(*stats, "stats.detect.packets_inspected"), EveLog::number(*stats, "stats.decoder.pkts"))
      << "every packet of the demo is IP and inspected";
  // Every rule of the default file loads.
  std::istringstream rules(readFile(sourceDir() + "/rules/default/mamori.rules"));
  int64_t written = 0;
  for (std::string line; std::getline(rules, line);) written += line.starts_with("alert ");
  EXPECT_EQ(EveLog::number(*stats, "stats.detect.rules_loaded"), written);
  // docs/demo.md: the port scan, each alerting host's story (two), the intrusion told two
  // ways, the beaconing.
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.incidents_opened"), 6);
  const auto incidents = log.ofType("incident");
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.incidents_opened"),
            std::count_if(incidents.begin(), incidents.end(),
                          [](const auto* i) { return EveLog::string(*i, "incident.state") == "open"; }));
}

}  // namespace
}  // namespace mamori::test
