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


// An incident a sensor raised, as its EVE record reads (EveFormatter::formatIncident).
const std::string kIncident =
    R"json({"timestamp":"2023-11-14T22:15:20.000000+0000","host":"osaka-2","event_type":"incident","incident":{)json"
    R"json("id":9007199254740991,"state":"updated","title":"Brute force to 10.0.0.22 (dest_port 22)","severity":2,)json"
    R"json("first_seen":"2023-11-14T22:13:20.000000+0000","last_seen":"2023-11-14T22:15:20.000000+0000",)json"
    R"json("hosts":["203.0.113.66","10.0.0.22","2001:db8::5"],"source":"203.0.113.66","targets":["10.0.0.22","2001:db8::5"],)json"
    R"json("dest_ports":[22],"signature_ids":[],"signatures":[],"flow_ids":[7,8],"alert_ids":[],"alert_count":12,)json"
    R"json("rule":"brute_force_connections","group_key":"src_ip=203.0.113.66,dest_port=22,note=a\\,b",)json"
    R"json("tactics":["TA0006"],"sensors":["edge-a","edge-b"]}})json";

TEST(CorrelationEvent, FromEveReadsAnIncidentRecord) {
  const auto e = CorrelationEvent::fromEve(kIncident);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event_type, "incident");
  EXPECT_EQ(e->ts, 1'700'000'120 * kSecond);
  EXPECT_THAT(e->field("src_ip"), Optional(std::string("203.0.113.66"))) << "the incident's source";
  EXPECT_EQ(e->field("dest_ip"), std::nullopt);
  EXPECT_EQ(e->field("proto"), std::nullopt) << "an incident is no traffic: no proto, no ports";
  EXPECT_EQ(e->field("src_port"), std::nullopt);
  EXPECT_THAT(e->values("host"), ElementsAre("osaka-2"));
  EXPECT_THAT(e->values("incident.rule"), ElementsAre("brute_force_connections"));
  EXPECT_THAT(e->values("incident.source"), ElementsAre("203.0.113.66"));
  EXPECT_THAT(e->values("incident.hosts"), ElementsAre("203.0.113.66", "10.0.0.22", "2001:db8::5"));
  EXPECT_THAT(e->values("incident.sensors"), ElementsAre("edge-a", "edge-b"));
  EXPECT_THAT(e->values("incident.id"), ElementsAre("9007199254740991"));
  EXPECT_THAT(e->values("incident.severity"), ElementsAre("2"));
  EXPECT_TRUE(e->values("incident.signature_ids").empty());
  // The group, field by field, its escapes undone.
  EXPECT_THAT(e->values("incident.group.src_ip"), ElementsAre("203.0.113.66"));
  EXPECT_THAT(e->values("incident.group.dest_port"), ElementsAre("22"));
  EXPECT_THAT(e->values("incident.group.note"), ElementsAre("a,b"));
}

TEST(CorrelationEvent, FromEveRefusesWhatTheEngineMustNotSee) {
  const std::string flow =
      R"({"timestamp":"2016-03-07T10:48:39.135427+0000","host":"s","flow_id":5,"event_type":"flow","src_ip":"10.0.0.1",)"
      R"("src_port":1,"dest_ip":"10.0.0.2","dest_port":2,"proto":"TCP","flow":{"pkts_toserver":1}})";
  ASSERT_TRUE(CorrelationEvent::fromEve(flow));
  auto with = [&](const std::string& from, const std::string& to) {
    std::string line = flow;
    const size_t at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return line.replace(at, from.size(), to);
  };
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "empty"},
      {"null", "not an object"},
      {"[" + flow + "]", "an array"},
      {flow.substr(0, 40), "cut short"},
      {flow + "\n" + flow, "two records"},
      {with("\"event_type\":\"flow\",", ""), "no event type"},
      {with("\"flow\",", "\"ssh\","), "a type the sensor does not correlate"},
      {with("\"flow\",", "\"stats\","), "stats"},
      {with("\"flow\",", "\"correlation\","), "a type records never have"},
      {with("\"flow\",", "7,"), "event type not text"},
      {with("\"2016-03-07T10:48:39.135427+0000\"", "\"2016-02-30T10:48:39.135427+0000\""), "no such day"},
      {with("\"2016-03-07T10:48:39.135427+0000\"", "1457347719"), "timestamp as a number"},
      {with("\"timestamp\":\"2016-03-07T10:48:39.135427+0000\",", ""), "no timestamp"},
      {with("\"10.0.0.1\"", "\"10.0.0.256\""), "bad address"},
      {with("\"dest_port\":2", "\"dest_port\":65536"), "port out of range"},
      {with("\"dest_port\":2", "\"dest_port\":-2"), "negative port"},
      {with("\"dest_port\":2", "\"dest_port\":\"2\""), "port as text"},
      {with("\"TCP\"", "\"tcp\""), "proto not as EVE spells it"},
      {with("\"TCP\"", "\"006\""), "proto number with zeros"},
      {with("\"flow_id\":5", "\"flow_id\":-5"), "negative flow id"},
      {with("\"host\":\"s\"", "\"host\":\"\xc3\x28\""), "invalid UTF-8"},
  };
  for (const auto& [line, why] : bad) EXPECT_EQ(CorrelationEvent::fromEve(line), std::nullopt) << why << ": " << line;
  EXPECT_EQ(CorrelationEvent::fromEve(with("\"TCP\"", "\"47\""))->proto, 47) << "an unnamed protocol by number";
}

TEST(CorrelationEvent, FromEveIsBoundedInDepthAndFields) {
  auto record = [](const std::string& extra) {
    return R"({"timestamp":"2016-03-07T10:48:39.135427+0000","event_type":"alert",)" + extra + "}";
  };
  // "x": {"a": {"a": ... {"a": "deep"}}}, `objects` objects deep.
  auto nested = [](size_t objects) {
    std::string text = "\"x\":";
    for (size_t i = 1; i < objects; ++i) text += "{\"a\":";
    text += "{\"a\":\"deep\"}";
    return text + std::string(objects - 1, '}');
  };
  // Seven objects down, the value is the eighth level: read. One more: not.
  std::string seven = "x";
  for (int i = 0; i < 7; ++i) seven += ".a";
  const auto kept = CorrelationEvent::fromEve(record(nested(7)));
  ASSERT_TRUE(kept);
  EXPECT_THAT(kept->values(seven), ElementsAre("deep"));
  const auto cut = CorrelationEvent::fromEve(record(nested(8)));
  ASSERT_TRUE(cut);
  EXPECT_TRUE(cut->fields.empty());
  // Nesting far beyond any stack: parsed without recursion, not read.
  const auto deep = CorrelationEvent::fromEve(record("\"x\":" + std::string(500'000, '[') + std::string(500'000, ']')));
  ASSERT_TRUE(deep);
  EXPECT_TRUE(deep->fields.empty());
  // Fields stop at the cap, the group's too.
  std::string many = "\"x\":[";
  for (int i = 0; i < 5000; ++i) many += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  const auto capped = CorrelationEvent::fromEve(record(many + "]"));
  ASSERT_TRUE(capped);
  EXPECT_EQ(capped->fields.size(), CorrelationEvent::kMaxEveFields);
  EXPECT_EQ(capped->values("x").back(), std::to_string(CorrelationEvent::kMaxEveFields - 1));
}

TEST(CorrelationEvent, KnownFieldsIncludeWhatRecordsReadFromEveCarry) {
  for (const char* name : {"host", "incident.rule", "incident.sensors", "incident.group.src_ip", "incident.anything",
                           "flow.reason", "tcp.syn", "alert.gid", "alert.metadata.deployment", "dns.answers.rdata",
                           "http.method", "tls.ja3.string", "vlan"}) {
    EXPECT_TRUE(CorrelationEvent::knownField(name)) << name;
  }
  for (const char* name : {"alert.signatur", "incident.", "incident", "http.http_method", "ssh.client.software_version",
                           "stats.decoder.pkts", "timestamp", "hosts", ""}) {
    EXPECT_FALSE(CorrelationEvent::knownField(name)) << name;
  }
  EXPECT_TRUE(selects("  s: {event_type: incident, host: osaka-2, incident.sensors: edge-b}\n  condition: s\n",
                      *CorrelationEvent::fromEve(kIncident)));
  EXPECT_FALSE(selects("  s: {incident.sensors: edge-c}\n  condition: s\n", *CorrelationEvent::fromEve(kIncident)));
}

}  // namespace
}  // namespace mamori::test
