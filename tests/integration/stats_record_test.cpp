// The final EVE stats record carries every counter under the names SIEM dashboards
// built for Suricata look for, plus mamori's own, with consistent values.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "correlate/correlation_rule_parser.h"

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

// mamori on the demo capture, with `extra` arguments; the EVE log it wrote.
EveLog runOnDemo(const std::string& extra = "") {
  const std::string dir = tempDir();
  const std::string pcap = dir + "/office.pcap";
  EXPECT_EQ(run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'").exit_code, 0);
  EXPECT_EQ(runMamori(pcap, dir + "/eve.json", "--workers 2 " + extra), 0);
  return EveLog::load(dir + "/eve.json");
}

TEST(StatsRecord, CarriesNamedCountersWithConsistentValues) {
  const EveLog log = runOnDemo();
  const auto* stats = log.lastStats();
  ASSERT_NE(stats, nullptr);
  for (const char* name :
       {"decoder.pkts", "decoder.bytes", "decoder.decoded", "decoder.invalid", "decoder.event.ipv4.trunc_pkt",
        "flow.total", "flow.tcp", "flow.udp", "flow.active", "flow.timeout", "flow.evicted", "flow.shutdown",
        "tcp.segments", "tcp.reassembled_bytes", "tcp.reassembly_gap", "defrag.fragments", "detect.alert",
        "detect.packets_inspected", "detect.bytes_scanned", "detect.rules_loaded", "detect.rules_failed",
        "detect.rules_version", "detect.rule_reloads", "detect.rule_reloads_refused",
        "correlate.incidents_opened", "correlate.incidents_closed", "app_layer.tx.http", "app_layer.tx.dns",
        "app_layer.guessed", "app_layer.identifying", "app_layer.identification_cut"}) {
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
  // Every rule of the default files loads.
  int64_t written = 0;
  for (const auto& file : std::filesystem::directory_iterator(sourceDir() + "/rules/default")) {
    if (file.path().extension() != ".rules") continue;
    std::istringstream rules(readFile(file.path().string()));
    for (std::string line; std::getline(rules, line);) written += line.starts_with("alert ");
  }
  EXPECT_EQ(EveLog::number(*stats, "stats.detect.rules_loaded"), written);
  // docs/demo.md: the port scan, each alerting host's story (two), the intrusion told two
  // ways, the beaconing.
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.incidents_opened"), 6);
  const auto incidents = log.ofType("incident");
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.incidents_opened"),
            std::count_if(incidents.begin(), incidents.end(),
                          [](const auto* i) { return EveLog::string(*i, "incident.state") == "open"; }));
}

// The correlation rules that shipped, by name: each has its counters in the record.
std::vector<std::string> defaultCorrelationRules() {
  CorrelationRuleParser parser;
  parser.addPath(sourceDir() + "/correlate/rules");
  std::vector<std::string> names;
  for (const auto& rule : parser.finish().correlations) names.push_back(rule.name);
  return names;
}

int64_t ruleCounter(const rapidjson::Value& stats, const std::string& rule, const std::string& counter) {
  return EveLog::number(stats, "stats.correlate.rules." + rule + "." + counter);
}

TEST(StatsRecord, CountsEachCorrelationRuleAndTheIncidentsItsMatchesMade) {
  const EveLog log = runOnDemo();
  const auto* stats = log.lastStats();
  ASSERT_NE(stats, nullptr);

  const auto rules = defaultCorrelationRules();
  ASSERT_GE(rules.size(), 6u);
  int64_t matches = 0;
  for (const std::string& rule : rules) {
    for (const char* counter : {"events", "matches", "evictions", "dropped_events"}) {
      EXPECT_GE(ruleCounter(*stats, rule, counter), 0) << rule << "." << counter << " missing";
    }
    EXPECT_LE(ruleCounter(*stats, rule, "matches"), ruleCounter(*stats, rule, "events")) << rule;
    // The default caps are far above what the demo needs.
    EXPECT_EQ(ruleCounter(*stats, rule, "evictions"), 0) << rule;
    EXPECT_EQ(ruleCounter(*stats, rule, "dropped_events"), 0) << rule;
    matches += ruleCounter(*stats, rule, "matches");
  }
  // docs/demo.md: 200 probe flows, 23 alerts (every one an event of alerts_by_host),
  // 8 beacon flows.
  EXPECT_GE(ruleCounter(*stats, "port_scan", "events"), 200);
  EXPECT_GE(ruleCounter(*stats, "port_scan", "matches"), 1);
  EXPECT_EQ(ruleCounter(*stats, "alerts_by_host", "events"), EveLog::number(*stats, "stats.detect.alert"));
  EXPECT_GE(ruleCounter(*stats, "beaconing", "matches"), 1);
  EXPECT_EQ(ruleCounter(*stats, "dns_tunnelling", "matches"), 0);

  // Every incident change comes from a match: an opening from its first, an update from
  // the evidence of one or more since the last change.
  const int64_t opened = EveLog::number(*stats, "stats.correlate.incidents_opened");
  const int64_t updated = EveLog::number(*stats, "stats.correlate.incidents_updated");
  EXPECT_EQ(opened, 6);
  EXPECT_LE(opened + updated, matches);
  const auto incidents = log.ofType("incident");
  EXPECT_EQ(updated, std::count_if(incidents.begin(), incidents.end(),
                                   [](const auto* i) { return EveLog::string(*i, "incident.state") == "updated"; }));
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.incidents_closed"), opened);
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.incidents_open"), 0);
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.incidents_restored"), 0);
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.incidents_evicted"), 0);
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.groups"), 0) << "the end of input forgets every group";
}

// Bounded state: with caps far too small for the demo, groups and events are dropped and
// counted, and a rule whose threshold no group can hold any more stays silent.
TEST(StatsRecord, CorrelationCapsFromTheConfigurationCountTheirEvictions) {
  const std::string config = tempDir() + "/tiny.yaml";
  std::ofstream(config) << "correlate:\n  max-groups-per-rule: 1\n  max-events-per-group: 5\n"
                           "  max-open-incidents: 1\n";
  const EveLog log = runOnDemo("--config '" + config + "'");
  const auto* stats = log.lastStats();
  ASSERT_NE(stats, nullptr);

  // ~130 benign connections from thirty workstations to a dozen servers: beaconing's
  // (src_ip, dest_ip, dest_port) groups push each other out.
  EXPECT_GT(ruleCounter(*stats, "beaconing", "evictions"), 0);
  // The scan's 200 probes in one group, five kept: never 20 distinct ports at once.
  EXPECT_GT(ruleCounter(*stats, "port_scan", "dropped_events"), 0);
  EXPECT_EQ(ruleCounter(*stats, "port_scan", "matches"), 0);
  // Incidents overlap in time (the scan's and the attacker's alerts, then from 09:02:29 the
  // web server's alerts and the intrusion): with room for one open incident, the older one
  // is closed to make room.
  EXPECT_GT(EveLog::number(*stats, "stats.correlate.incidents_evicted"), 0);

  // Without the configuration, the same capture evicts nothing.
  const EveLog defaults = runOnDemo();
  ASSERT_NE(defaults.lastStats(), nullptr);
  EXPECT_EQ(ruleCounter(*defaults.lastStats(), "beaconing", "evictions"), 0);
  EXPECT_GT(ruleCounter(*defaults.lastStats(), "port_scan", "matches"), 0);
}

// correlate.memcap holds every rule's groups together: far too small for the demo, rules
// give up groups and events (counted), and at the end every byte is given back.
TEST(StatsRecord, CorrelationMemcapFromTheConfigurationIsCounted) {
  const std::string config = tempDir() + "/memcap.yaml";
  std::ofstream(config) << "correlate:\n  memcap: 16kb\n";
  const EveLog log = runOnDemo("--config '" + config + "'");
  const auto* stats = log.lastStats();
  ASSERT_NE(stats, nullptr);
  const int64_t hits = EveLog::number(*stats, "stats.correlate.memcap_hits");
  EXPECT_GT(hits, 0);
  // Each is also one rule's eviction or dropped event.
  int64_t given_up = 0;
  for (const auto& rule : (*stats)["stats"]["correlate"]["rules"].GetObject()) {
    given_up += rule.value["evictions"].GetInt64() + rule.value["dropped_events"].GetInt64();
  }
  EXPECT_LE(hits, given_up);
  EXPECT_EQ(EveLog::number(*stats, "stats.correlate.memory_bytes"), 0) << "the end of input gives every group back";

  const EveLog defaults = runOnDemo();
  ASSERT_NE(defaults.lastStats(), nullptr);
  EXPECT_EQ(EveLog::number(*defaults.lastStats(), "stats.correlate.memcap_hits"), 0);
}

}  // namespace
}  // namespace mamori::test
