#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/correlate/correlation_test_events.h"

namespace mamori::test {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

TEST(CorrelationEvent, AlertFieldsAndRepeatedMetadata) {
  CorrelationEvent e = alertEvent(5 * kSecond, "10.0.0.1", "10.0.0.2", 2024001, "ET EXPLOIT x",
                                  {"mitre_tactic_id TA0001, mitre_technique_id T1190", "mitre_technique_id T1203"}, 443);
  EXPECT_EQ(e.event_type, "alert");
  EXPECT_THAT(e.field("src_ip"), Optional(std::string("10.0.0.1")));
  EXPECT_THAT(e.field("dest_port"), Optional(std::string("443")));
  EXPECT_THAT(e.field("proto"), Optional(std::string("TCP")));
  EXPECT_THAT(e.field("alert.signature_id"), Optional(std::string("2024001")));
  EXPECT_THAT(e.values("alert.metadata.mitre_technique_id"), ElementsAre("T1190", "T1203"));
  EXPECT_EQ(e.field("dns.rrname"), std::nullopt);
}

TEST(CorrelationEvent, DnsDerivedFields) {
  CorrelationEvent e = dnsQuery(kSecond, "10.0.0.1", "aGVsbG8gd29ybGQgdGhpcyBpcw.t.evil.co.uk");
  EXPECT_THAT(e.field("dns.type"), Optional(std::string("query")));
  EXPECT_THAT(e.field("dns.rrtype"), Optional(std::string("A")));
  EXPECT_THAT(e.field("dns.rrname.length"), Optional(std::string("39")));
  EXPECT_THAT(e.field("dns.rrname.domain"), Optional(std::string("evil.co.uk")));
  const double entropy = std::stod(*e.field("dns.rrname.entropy"));
  EXPECT_GT(entropy, 3.5);
  EXPECT_LT(entropy, 4.8);  // log2 of 26 distinct characters at most
  EXPECT_NEAR(CorrelationEvent::labelEntropy("www.example.com"), 0.0, 1e-9);  // "www": one symbol
  EXPECT_NEAR(CorrelationEvent::labelEntropy("abcd.example.com"), 2.0, 1e-9);
  EXPECT_NEAR(CorrelationEvent::labelEntropy("AbCd"), CorrelationEvent::labelEntropy("abcd"), 1e-9);
}

TEST(CorrelationEvent, FlowAndHttpFields) {
  CorrelationEvent f = flowEvent(9 * kSecond, "10.0.0.1", "10.0.0.9", 22, {.pkts_toserver = 7});
  EXPECT_EQ(f.ts, 9 * kSecond);  // a flow counts at its end
  EXPECT_THAT(f.field("flow.pkts_toserver"), Optional(std::string("7")));
  CorrelationEvent h = httpEvent(kSecond, "10.0.0.1", "10.0.0.9", 401);
  EXPECT_THAT(h.field("http.status"), Optional(std::string("401")));
  EXPECT_THAT(h.field("http.hostname"), Optional(std::string("intranet.example")));
  EXPECT_THAT(h.field("app_proto"), Optional(std::string("http")));
}

bool selects(const std::string& detection, const CorrelationEvent& e) {
  CorrelationRuleSet set = parseRules("name: b\ndetection:\n" + detection);
  RegexMatchData data(set.max_regex_captures);
  CorrelationEvent::FieldValues values;
  return set.base[0].matches(e, data, values);
}

TEST(BaseRule, ModifiersListsAndMaps) {
  CorrelationEvent e = alertEvent(kSecond, "10.1.2.3", "192.0.2.7", 2010935, "ET SCAN Suspicious inbound to MSSQL port 1433",
                                  {"mitre_tactic_id TA0043"}, 1433);
  EXPECT_TRUE(selects("  s: {alert.signature|contains: 'inbound TO mssql'}\n  condition: s\n", e));  // case-insensitive
  EXPECT_TRUE(selects("  s: {alert.signature|startswith: et scan}\n  condition: s\n", e));
  EXPECT_TRUE(selects("  s: {alert.signature|endswith: port 1433}\n  condition: s\n", e));
  EXPECT_TRUE(selects("  s: {alert.signature|re: 'port \\d{4}$'}\n  condition: s\n", e));
  EXPECT_FALSE(selects("  s: {alert.signature|re: '^port'}\n  condition: s\n", e));
  EXPECT_TRUE(selects("  s: {src_ip|cidr: [172.16.0.0/12, 10.0.0.0/8]}\n  condition: s\n", e));
  EXPECT_FALSE(selects("  s: {dest_ip|cidr: 10.0.0.0/8}\n  condition: s\n", e));
  EXPECT_TRUE(selects("  s: {dest_port|gte: 1433, alert.severity|lt: 2}\n  condition: s\n", e));
  EXPECT_FALSE(selects("  s: {dest_port|gt: 1433}\n  condition: s\n", e));
  EXPECT_TRUE(selects("  s: {alert.metadata.mitre_tactic_id: [TA0001, TA0043]}\n  condition: s\n", e));
  EXPECT_FALSE(selects("  s: {alert.signature|contains|all: [scan, ssh]}\n  condition: s\n", e));
  // A map is all of its fields; a list of maps any of them.
  EXPECT_FALSE(selects("  s: {event_type: alert, dest_port: 22}\n  condition: s\n", e));
  EXPECT_TRUE(selects("  s:\n    - {event_type: alert, dest_port: 22}\n    - {dest_port: 1433}\n  condition: s\n", e));
  EXPECT_TRUE(selects("  s: {dns.rrname: null}\n  condition: s\n", e));
}

TEST(BaseRule, ConditionExpressions) {
  CorrelationEvent e = flowEvent(kSecond, "10.0.0.1", "10.0.0.2", 22);
  const std::string sels = "  sel_a: {event_type: flow}\n  sel_b: {dest_port: 80}\n  filter: {src_ip: 10.0.0.1}\n";
  EXPECT_FALSE(selects(sels + "  condition: sel_a and not filter\n", e));
  EXPECT_TRUE(selects(sels + "  condition: sel_b or (sel_a and filter)\n", e));
  EXPECT_TRUE(selects(sels + "  condition: 1 of sel_*\n", e));
  EXPECT_FALSE(selects(sels + "  condition: all of sel_*\n", e));
  EXPECT_FALSE(selects(sels + "  condition: all of them\n", e));
  EXPECT_TRUE(selects(sels + "  condition: not sel_b and filter\n", e));
}

}  // namespace
}  // namespace mamori::test
