// The same flows, alerts and incidents with --workers 1 and --workers 2: the number of
// workers is a deployment choice and must not change what an analyst sees.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <tuple>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

struct Outcome {
  int exit_code = -1;
  std::multiset<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, std::string, std::string>> flows;
  std::multiset<std::tuple<int64_t, std::string, std::string, std::string>> app_records;
  std::multiset<std::tuple<int64_t, int64_t, std::string, std::string>> alerts;
  std::multiset<std::tuple<int64_t, std::string, int64_t, std::string, std::string, int64_t>> incidents;
};

Outcome runWith(const std::string& pcap, int workers, const std::string& extra = "") {
  std::string eve = tempDir() + "/eve-" + std::to_string(workers) + ".json";
  Outcome o;
  o.exit_code = runMamori(pcap, eve, "--workers " + std::to_string(workers) + " " + extra);
  EveLog log = EveLog::load(eve);
  for (const auto* f : log.ofType("flow")) {
    o.flows.emplace(EveLog::number(*f, "flow_id"), EveLog::number(*f, "flow.pkts_toserver"),
                    EveLog::number(*f, "flow.pkts_toclient"), EveLog::number(*f, "flow.bytes_toserver"),
                    EveLog::number(*f, "flow.bytes_toclient"), EveLog::string(*f, "flow.reason"),
                    EveLog::string(*f, "ndpi.protocol"));
  }
  for (const auto& [type, field] : {std::pair{"http", "http.url"}, std::pair{"dns", "dns.rrname"}, std::pair{"tls", "tls.sni"}}) {
    for (const auto* r : log.ofType(type)) {
      o.app_records.emplace(EveLog::number(*r, "flow_id"), type, EveLog::string(*r, "timestamp"), EveLog::string(*r, field));
    }
  }
  for (const auto* a : log.ofType("alert")) {
    o.alerts.emplace(EveLog::number(*a, "flow_id"), EveLog::number(*a, "alert.signature_id"),
                     EveLog::string(*a, "timestamp"), EveLog::string(*a, "src_ip"));
  }
  for (const auto* i : log.ofType("incident")) {
    if (EveLog::string(*i, "incident.state") != "closed") continue;
    o.incidents.emplace(EveLog::number(*i, "incident.id"), EveLog::string(*i, "incident.title"),
                        EveLog::number(*i, "incident.alert_count"), EveLog::string(*i, "incident.first_seen"),
                        EveLog::string(*i, "incident.last_seen"), EveLog::number(*i, "incident.severity"));
  }
  return o;
}

void expectSame(const std::string& pcap, const std::string& extra = "") {
  Outcome one = runWith(pcap, 1, extra);
  Outcome two = runWith(pcap, 2, extra);
  EXPECT_EQ(one.exit_code, two.exit_code) << pcap;
  EXPECT_EQ(one.flows, two.flows) << pcap;
  EXPECT_EQ(one.app_records, two.app_records) << pcap;
  EXPECT_EQ(one.alerts, two.alerts) << pcap;
  EXPECT_EQ(one.incidents, two.incidents) << pcap;
}

TEST(WorkersDeterminism, DemoCaptureGivesTheSameFlowsAlertsAndIncidents) {
  std::string pcap = tempDir() + "/office.pcap";
  auto r = run(binaryDir() + "/tools/mamori-demogen --out '" + pcap + "'");
  ASSERT_EQ(r.exit_code, 0);
  Outcome one = runWith(pcap, 1);
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_FALSE(one.flows.empty());
  EXPECT_FALSE(one.alerts.empty()) << "the demo is built to raise alerts";
  EXPECT_FALSE(one.incidents.empty()) << "the demo is built to raise incidents";
  expectSame(pcap);
}

TEST(WorkersDeterminism, CorpusCapturesGiveTheSameFlows) {
  MAMORI_REQUIRE_SHARED();
  int checked = 0;
  for (const auto& pcap : corpusPcaps("ndpi")) {
    expectSame(pcap);
    ++checked;
  }
  for (const auto& pcap : corpusPcaps("suricata-verify")) {
    // Each case carries its own rules; run them so alerts are compared too.
    auto rules = std::filesystem::path(pcap).parent_path() / "test.rules";
    expectSame(pcap, std::filesystem::exists(rules) ? "--rules '" + rules.string() + "'" : "");
    ++checked;
  }
  std::printf("compared %d captures with 1 and 2 workers\n", checked);
}

}  // namespace
}  // namespace mamori::test
