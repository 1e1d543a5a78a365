#include "tests/integration/workers_comparison.h"

#include <gtest/gtest.h>

#include <utility>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {

WorkersOutcome runWithWorkers(const std::string& pcap, int workers, const std::string& extra) {
  std::string eve = tempDir() + "/eve-" + std::to_string(workers) + ".json";
  WorkersOutcome o;
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

void expectSameWithOneAndTwoWorkers(const std::string& pcap, const std::string& extra) {
  WorkersOutcome one = runWithWorkers(pcap, 1, extra);
  WorkersOutcome two = runWithWorkers(pcap, 2, extra);
  EXPECT_EQ(one.exit_code, two.exit_code) << pcap;
  EXPECT_EQ(one.flows, two.flows) << pcap;
  EXPECT_EQ(one.app_records, two.app_records) << pcap;
  EXPECT_EQ(one.alerts, two.alerts) << pcap;
  EXPECT_EQ(one.incidents, two.incidents) << pcap;
}

}  // namespace mamori::test
