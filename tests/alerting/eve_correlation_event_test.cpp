// The central correlates its sensors' records as it reads them from EVE: each record read
// back with CorrelationEvent::fromEve must be the event the sensor made of it natively (plus
// the rest of the record), and the correlation engine must make the same matches of either.
// This is what a central's cross-sensor incidents rest on.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "alerting/eve_formatter.h"
#include "correlate/correlation_engine.h"
#include "correlate/correlation_event.h"
#include "correlate/correlation_rule_parser.h"
#include "tests/alerting/eve_records.h"

namespace mamori::test {
namespace {

const std::string kHost = "tokyo-1";

// Every field a native event may have (docs/correlation.md), besides the members.
const std::vector<std::string> kNativeFields = {
    "event_type",         "src_ip",          "dest_ip",          "src_port",          "dest_port",
    "proto",              "app_proto",       "flow_id",          "alert.signature_id", "alert.signature",
    "alert.category",     "alert.severity",  "dns.type",         "dns.rrname",        "dns.rrtype",
    "dns.rcode",          "dns.rrname.length", "dns.rrname.entropy", "dns.rrname.domain", "http.hostname",
    "http.url",           "http.method",     "http.http_user_agent", "http.status",   "tls.sni",
    "tls.version",        "tls.ja3.hash",    "tls.ja3s.hash",    "flow.state",        "flow.pkts_toserver",
    "flow.pkts_toclient", "flow.bytes_toserver", "flow.bytes_toclient"};

void expectSameEvent(const CorrelationEvent& native, const std::optional<CorrelationEvent>& read,
                     const std::string& line) {
  ASSERT_TRUE(read.has_value()) << line;
  EXPECT_EQ(read->ts, native.ts) << line;
  EXPECT_EQ(read->event_type, native.event_type) << line;
  EXPECT_EQ(read->flow_id, native.flow_id) << line;
  EXPECT_EQ(read->alert_id, native.alert_id) << line;
  EXPECT_EQ(read->src_ip, native.src_ip) << line;
  EXPECT_EQ(read->dest_ip, native.dest_ip) << line;
  EXPECT_EQ(read->src_port, native.src_port) << line;
  EXPECT_EQ(read->dest_port, native.dest_port) << line;
  EXPECT_EQ(read->proto, native.proto) << line;
  EXPECT_EQ(read->app_proto, native.app_proto) << line;
  // Each of the native event's fields, every value in order.
  std::set<std::string> names(kNativeFields.begin(), kNativeFields.end());
  for (const auto& [name, value] : native.fields) names.insert(name);
  for (const std::string& name : names) EXPECT_EQ(read->values(name), native.values(name)) << name << " of " << line;
  // And the sensor's name, which the native event does not have.
  EXPECT_EQ(read->values("host"), std::vector<std::string>{kHost}) << line;
  EXPECT_TRUE(native.values("host").empty());
}

TEST(EveCorrelationEvent, AlertsReadBackAreTheNativeEvent) {
  EveFormatter eve(kHost);
  for (const Alert& alert : {eveAlert(), eveIcmpv6Alert()}) {
    const std::string line = eve.formatAlert(alert);
    expectSameEvent(CorrelationEvent::fromAlert(alert), CorrelationEvent::fromEve(line), line);
  }
  // Metadata keys repeat out of order in the rule; each key keeps its values in rule order.
  const auto read = CorrelationEvent::fromEve(eve.formatAlert(eveAlert()));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->values("alert.metadata.mitre_technique_id"), (std::vector<std::string>{"T1190", "T1203"}));
  EXPECT_EQ(read->values("alert.metadata.former_category"), std::vector<std::string>{""});
  // The rest of the record, by its EVE names.
  EXPECT_EQ(read->values("alert.gid"), std::vector<std::string>{"1"});
  EXPECT_EQ(read->values("alert.rev"), std::vector<std::string>{"10"});
  EXPECT_EQ(read->values("alert.action"), std::vector<std::string>{"allowed"});
  EXPECT_EQ(read->values("direction"), std::vector<std::string>{"to_server"});
  EXPECT_EQ(read->values("alert.id"), std::vector<std::string>{std::to_string(eveAlert().id())});
  const auto icmp = CorrelationEvent::fromEve(eve.formatAlert(eveIcmpv6Alert()));
  ASSERT_TRUE(icmp);
  EXPECT_EQ(icmp->values("vlan"), (std::vector<std::string>{"100", "4094"}));
}

TEST(EveCorrelationEvent, FlowsReadBackAreTheNativeEvent) {
  EveFormatter eve(kHost);
  for (const FlowRecord& flow : {eveTcpFlow(), eveUdpFlow(), eveIcmpFlow()}) {
    const std::string line = eve.formatFlow(flow);
    expectSameEvent(CorrelationEvent::fromFlow(flow), CorrelationEvent::fromEve(line), line);
  }
  const auto read = CorrelationEvent::fromEve(eve.formatFlow(eveTcpFlow()));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->values("flow.reason"), std::vector<std::string>{"timeout"});
  EXPECT_EQ(read->values("tcp.rst"), std::vector<std::string>{"true"});
  EXPECT_EQ(read->values("ndpi.protocol"), std::vector<std::string>{"TLS.Google"});
  EXPECT_EQ(read->values("flow.bytes_toclient"), std::vector<std::string>{"5000000000"});
}

TEST(EveCorrelationEvent, AppRecordsReadBackAreTheNativeEvent) {
  EveFormatter eve(kHost);
  for (const AppRecord& record : {eveHttp(true), eveHttp(false), eveDns(false), eveDns(true), eveTls()}) {
    const std::string line = eve.formatApp(record);
    const auto native = CorrelationEvent::fromApp(record);
    ASSERT_TRUE(native) << line;
    expectSameEvent(*native, CorrelationEvent::fromEve(line), line);
  }
  const auto answer = CorrelationEvent::fromEve(eve.formatApp(eveDns(true)));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->values("dns.answers.rdata"), (std::vector<std::string>{"\"payload\"", "192.0.2.1"}));
  EXPECT_EQ(answer->values("dns.answers.ttl"), (std::vector<std::string>{"60", "4294967295"}));
  EXPECT_EQ(answer->values("dns.rcode"), std::vector<std::string>{"14"});
  const auto http = CorrelationEvent::fromEve(eve.formatApp(eveHttp(true)));
  ASSERT_TRUE(http);
  EXPECT_EQ(http->values("http.method"), std::vector<std::string>{"POST"}) << "EVE's http_method, by the event's name";
  EXPECT_TRUE(http->values("http.http_method").empty());
  EXPECT_EQ(http->values("tx_id"), std::vector<std::string>{"3"});

  // The sensor does not correlate SSH records, nor stats: neither does the central.
  EXPECT_FALSE(CorrelationEvent::fromApp(eveSsh()));
  EXPECT_FALSE(CorrelationEvent::fromEve(eve.formatApp(eveSsh())));
  EXPECT_FALSE(CorrelationEvent::fromEve(eve.formatStats(kEveTs, 1, {{"decoder.pkts", 1}})));
}

// An attack the default rules see several ways: a port scan, login attempts, refused HTTP
// logins, brute-force alerts with ATT&CK metadata, DNS tunnelling.
struct Records {
  std::vector<Alert> alerts;
  std::vector<FlowRecord> flows;
  std::vector<AppRecord> apps;
};

Records attack() {
  Records r;
  const TimeUs t0 = kEveTs;
  constexpr TimeUs kSecond = 1'000'000;
  for (int i = 0; i < 40; ++i) {
    const TimeUs ts = t0 + i * kSecond;
    FlowRecord probe = eveUdpFlow();
    probe.proto = 6;
    probe.state = "new";
    probe.flow_id = 1000 + static_cast<uint64_t>(i);
    probe.start = probe.end = ts;
    probe.src_ip = eveIp("203.0.113.66");
    probe.dest_ip = eveIp("10.0.0.5");
    probe.src_port = 40000;
    probe.dest_port = static_cast<uint16_t>(1 + i);
    probe.vlan_count = 0;
    r.flows.push_back(probe);

    FlowRecord login = eveTcpFlow();
    login.flow_id = 2000 + static_cast<uint64_t>(i);
    login.start = ts - kSecond / 2;
    login.end = ts + kSecond / 2;
    login.src_ip = eveIp("203.0.113.66");
    login.dest_ip = eveIp("10.0.0.22");
    login.dest_port = 22;
    login.pkts_toserver = 6;
    login.bytes_toserver = 900;
    r.flows.push_back(login);

    AppRecord refused = eveHttp(true);
    refused.ts = ts + 1;
    refused.flow_id = 3000 + static_cast<uint64_t>(i);
    refused.src_ip = eveIp("203.0.113.66");
    std::get<HttpTransaction>(refused.body).status = 401;
    r.apps.push_back(refused);

    AppRecord dns = eveDns(false);
    dns.ts = ts + 2;
    dns.flow_id = 4000 + static_cast<uint64_t>(i);
    std::get<DnsMessage>(dns.body).queries.front().rrname =
        "x" + std::to_string(i * 7919) + "q9zk" + std::to_string(i * 104729) + "w.t.evil.example";
    r.apps.push_back(dns);

    Alert alert = eveAlert();
    alert.ts = ts + 3;
    alert.flow_id = 2000 + static_cast<uint64_t>(i);
    alert.src_ip = eveIp("203.0.113.66");
    alert.dest_ip = eveIp("10.0.0.22");
    alert.signature = "ET SCAN SSH brute force login attempt";
    r.alerts.push_back(alert);
  }
  return r;
}

class Recording : public CorrelationMatchSink {
 public:
  void onMatch(const CorrelationMatch& match) override { matches.push_back(match); }
  std::vector<CorrelationMatch> matches;
};

CorrelationRuleSet defaultRules() {
  CorrelationRuleParser parser;
  parser.addPath(std::string(MAMORI_SOURCE_DIR) + "/correlate/rules");
  return parser.finish();
}

TEST(EveCorrelationEvent, TheEngineMatchesRecordsReadBackAsItMatchesTheNativeEvents) {
  Recording native_sink, read_sink;
  CorrelationEngine native(defaultRules(), {}, native_sink), read(defaultRules(), {}, read_sink);
  EveFormatter eve(kHost);
  const Records records = attack();
  // In packet-time order, as the sensor feeds them.
  std::vector<std::pair<CorrelationEvent, std::string>> events;
  for (const Alert& a : records.alerts) events.emplace_back(CorrelationEvent::fromAlert(a), eve.formatAlert(a));
  for (const FlowRecord& f : records.flows) events.emplace_back(CorrelationEvent::fromFlow(f), eve.formatFlow(f));
  for (const AppRecord& r : records.apps) events.emplace_back(*CorrelationEvent::fromApp(r), eve.formatApp(r));
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.first.ts < b.first.ts; });
  for (const auto& [event, line] : events) {
    native.onEvent(event);
    const auto back = CorrelationEvent::fromEve(line);
    ASSERT_TRUE(back) << line;
    read.onEvent(*back);
  }
  native.flush();
  read.flush();

  std::set<std::string> rules;
  for (const auto& m : native_sink.matches) rules.insert(m.rule);
  EXPECT_GE(rules.size(), 4u) << "the attack is seen several ways";
  ASSERT_EQ(read_sink.matches.size(), native_sink.matches.size());
  for (size_t i = 0; i < native_sink.matches.size(); ++i) {
    const CorrelationMatch& n = native_sink.matches[i];
    const CorrelationMatch& r = read_sink.matches[i];
    const std::string what = n.rule + " #" + std::to_string(i);
    EXPECT_EQ(r.rule, n.rule) << what;
    EXPECT_EQ(r.title, n.title) << what;
    EXPECT_EQ(r.severity, n.severity) << what;
    EXPECT_EQ(r.group, n.group) << what;
    EXPECT_EQ(r.first_seen, n.first_seen) << what;
    EXPECT_EQ(r.last_seen, n.last_seen) << what;
    EXPECT_EQ(r.events, n.events) << what;
    EXPECT_EQ(r.new_events, n.new_events) << what;
    EXPECT_EQ(r.stages, n.stages) << what;
    EXPECT_EQ(r.tactics, n.tactics) << what;
    EXPECT_EQ(r.techniques, n.techniques) << what;
    EXPECT_EQ(r.hosts, n.hosts) << what;
    EXPECT_EQ(r.dest_ports, n.dest_ports) << what;
    EXPECT_EQ(r.domains, n.domains) << what;
    EXPECT_EQ(r.signature_ids, n.signature_ids) << what;
    EXPECT_EQ(r.signatures, n.signatures) << what;
    EXPECT_EQ(r.flow_ids, n.flow_ids) << what;
    EXPECT_EQ(r.alert_ids, n.alert_ids) << what;
    // The one difference: the records name the sensor that wrote them.
    EXPECT_TRUE(n.sensors.empty()) << what;
    EXPECT_EQ(r.sensors, std::vector<std::string>{kHost}) << what;
  }
}

}  // namespace
}  // namespace mamori::test
