#include "alerting/eve_formatter.h"
#include "applayer/sip_message_parser.h"
#include "capture/ip_proto_name.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <string>
#include <vector>

#include "tests/alerting/eve_records.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

// 2016-03-07T10:48:39.135427Z, the example of Suricata's documentation.
constexpr TimeUs kTs = 1457347719135427;
const std::string kHost = "tokyo-1";

IpAddress ip(const std::string& text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

// Parses with encoding validation, so that a line with invalid UTF-8 fails here.
rapidjson::Document parse(const std::string& line) {
  EXPECT_EQ(line.find('\n'), std::string::npos) << "an EVE line has no newline";
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.c_str(), line.size());
  EXPECT_FALSE(doc.HasParseError())
      << rapidjson::GetParseError_En(doc.GetParseError()) << " at " << doc.GetErrorOffset()
      << " in " << line;
  EXPECT_TRUE(doc.IsObject());
  return doc;
}

std::string str(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

std::vector<std::string> keys(const rapidjson::Value& obj) {
  std::vector<std::string> out;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) out.push_back(str(it->name));
  return out;
}

Alert tcpAlert() {
  Alert a;
  a.ts = kTs;
  a.flow_id = 586497171462735;
  a.src_ip = ip("192.168.2.14");
  a.dest_ip = ip("209.53.113.5");
  a.src_port = 50096;
  a.dest_port = 80;
  a.proto = 6;
  a.gid = 1;
  a.sid = 2018358;
  a.rev = 10;
  a.signature = "ET HUNTING GENERIC SUSPICIOUS POST to Dotted Quad with Fake Browser 1";
  a.category = "Potentially Bad Traffic";
  a.severity = 2;
  return a;
}

TEST(EveFormatter, TimestampIsSuricataFormatInUtc) {
  EXPECT_EQ(EveFormatter::timestamp(kTs), "2016-03-07T10:48:39.135427+0000");
  EXPECT_EQ(EveFormatter::timestamp(0), "1970-01-01T00:00:00.000000+0000");
  EXPECT_EQ(EveFormatter::timestamp(-1), "1969-12-31T23:59:59.999999+0000");
}

TEST(EveFormatter, ProtoNamesAreSuricatas) {
  EXPECT_EQ(ipProtoName(6), "TCP");
  EXPECT_EQ(ipProtoName(17), "UDP");
  EXPECT_EQ(ipProtoName(1), "ICMP");
  EXPECT_EQ(ipProtoName(58), "IPv6-ICMP");
  EXPECT_EQ(ipProtoName(47), "47");
  EXPECT_EQ(ipProtoName(0), "0");
}

TEST(EveFormatter, AlertHasSuricataFields) {
  EveFormatter f(kHost);
  auto doc = parse(f.formatAlert(tcpAlert()));
  EXPECT_EQ(keys(doc), (std::vector<std::string>{"timestamp", "host", "flow_id", "event_type", "src_ip",
                                                 "src_port", "dest_ip", "dest_port", "proto",
                                                 "direction", "alert"}));
  EXPECT_EQ(str(doc["timestamp"]), "2016-03-07T10:48:39.135427+0000");
  EXPECT_EQ(str(doc["host"]), "tokyo-1");
  ASSERT_TRUE(doc["flow_id"].IsUint64());
  EXPECT_EQ(doc["flow_id"].GetUint64(), 586497171462735u);
  EXPECT_EQ(str(doc["event_type"]), "alert");
  EXPECT_EQ(str(doc["src_ip"]), "192.168.2.14");
  EXPECT_EQ(doc["src_port"].GetInt(), 50096);
  EXPECT_EQ(str(doc["dest_ip"]), "209.53.113.5");
  EXPECT_EQ(doc["dest_port"].GetInt(), 80);
  EXPECT_EQ(str(doc["proto"]), "TCP");
  EXPECT_EQ(str(doc["direction"]), "to_server");
  const auto& alert = doc["alert"];
  EXPECT_EQ(keys(alert), (std::vector<std::string>{"action", "gid", "signature_id", "rev",
                                                   "signature", "category", "severity", "id"}));
  EXPECT_EQ(str(alert["action"]), "allowed");
  EXPECT_EQ(alert["gid"].GetInt(), 1);
  EXPECT_EQ(alert["signature_id"].GetInt(), 2018358);
  EXPECT_EQ(alert["rev"].GetInt(), 10);
  EXPECT_EQ(str(alert["signature"]),
            "ET HUNTING GENERIC SUSPICIOUS POST to Dotted Quad with Fake Browser 1");
  EXPECT_EQ(str(alert["category"]), "Potentially Bad Traffic");
  EXPECT_EQ(alert["severity"].GetInt(), 2);
  EXPECT_EQ(alert["id"].GetUint64(), tcpAlert().id());
}

TEST(EveFormatter, AlertIdsNameOneAlertWhateverTheRun) {
  const Alert a = tcpAlert();
  Alert same = a;
  same.src_port = 1;  // not part of what identifies it
  EXPECT_EQ(same.id(), a.id());
  for (auto change : {+[](Alert& x) { ++x.flow_id; }, +[](Alert& x) { ++x.sid; }, +[](Alert& x) { ++x.gid; },
                      +[](Alert& x) { ++x.ts; }}) {
    Alert other = a;
    change(other);
    EXPECT_NE(other.id(), a.id());
  }
  EXPECT_LT(a.id(), uint64_t{1} << 53);  // exact in a JSON reader's doubles
  EXPECT_GT(a.id(), 0u);
}

TEST(EveFormatter, AlertWithIpv6VlanAndToClient) {
  Alert a = tcpAlert();
  a.src_ip = ip("2001:db8::1");
  a.dest_ip = ip("fe80::abcd:1");
  a.proto = 17;
  a.vlan[0] = 100;
  a.vlan[1] = 4094;
  a.vlan_count = 2;
  a.to_server = false;
  a.flow_id = (uint64_t{1} << 53) - 1;
  EveFormatter f(kHost);
  auto doc = parse(f.formatAlert(a));
  EXPECT_EQ(str(doc["src_ip"]), "2001:db8::1");
  EXPECT_EQ(str(doc["dest_ip"]), "fe80::abcd:1");
  EXPECT_EQ(str(doc["proto"]), "UDP");
  ASSERT_TRUE(doc["vlan"].IsArray());
  ASSERT_EQ(doc["vlan"].Size(), 2u);
  EXPECT_EQ(doc["vlan"][0].GetInt(), 100);
  EXPECT_EQ(doc["vlan"][1].GetInt(), 4094);
  EXPECT_EQ(str(doc["direction"]), "to_client");
  EXPECT_EQ(doc["flow_id"].GetUint64(), (uint64_t{1} << 53) - 1);
}

TEST(EveFormatter, AlertForPortlessProtocolHasNoPorts) {
  Alert a = tcpAlert();
  a.proto = 1;
  a.src_port = a.dest_port = 0;
  EveFormatter f(kHost);
  auto doc = parse(f.formatAlert(a));
  EXPECT_EQ(str(doc["proto"]), "ICMP");
  EXPECT_FALSE(doc.HasMember("src_port"));
  EXPECT_FALSE(doc.HasMember("dest_port"));
}

TEST(EveFormatter, EscapesEveryByteASignatureMayHold) {
  Alert a = tcpAlert();
  a.signature = std::string("quote \" backslash \\ slash / newline \n tab \t bell \x07 nul ") +
                '\0' + " del \x7f 日本語 ✓ 😀";
  a.category = "\r\n\x1b[31m";
  EveFormatter f(kHost);
  std::string line = f.formatAlert(a);
  auto doc = parse(line);
  EXPECT_EQ(str(doc["alert"]["signature"]), a.signature);
  EXPECT_EQ(str(doc["alert"]["category"]), a.category);
  for (char c : line) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control byte";
}

TEST(EveFormatter, InvalidUtf8BecomesReplacementCharacters) {
  const std::string kFffd = "\xEF\xBF\xBD";
  struct Case {
    std::string in, out;
  } cases[] = {
      {"bad \xff\xfe end", "bad " + kFffd + kFffd + " end"},
      {"truncated \xE6\x97", "truncated " + kFffd + kFffd},
      {"overlong \xC0\xAF", "overlong " + kFffd + kFffd},
      {"surrogate \xED\xA0\x80!", "surrogate " + kFffd + kFffd + kFffd + "!"},
      {"too high \xF4\x90\x80\x80", "too high " + kFffd + kFffd + kFffd + kFffd},
      {"lone continuation \x80 then ok \xE6\x97\xA5", "lone continuation " + kFffd + " then ok 日"},
      {"\xF0\x9F\x98\x80 valid four-byte", "😀 valid four-byte"},
  };
  EveFormatter f(kHost);
  for (const auto& c : cases) {
    Alert a = tcpAlert();
    a.signature = c.in;
    auto doc = parse(f.formatAlert(a));
    EXPECT_EQ(str(doc["alert"]["signature"]), c.out);
  }
}

FlowRecord tcpFlow() {
  FlowRecord r;
  r.flow_id = 1234567890123;
  r.start = kTs - 3500000;  // 3.5 s earlier: whole seconds 35 -> 39
  r.end = kTs;
  r.src_ip = ip("10.0.0.1");
  r.dest_ip = ip("10.0.0.2");
  r.src_port = 43210;
  r.dest_port = 443;
  r.proto = 6;
  r.pkts_toserver = 8;
  r.pkts_toclient = 6;
  r.bytes_toserver = 500;
  r.bytes_toclient = 11949;
  r.tcp_flags_ts = tcpflag::Syn | tcpflag::Ack | tcpflag::Fin | tcpflag::Psh;  // 0x1b
  r.tcp_flags_tc = tcpflag::Syn | tcpflag::Ack | tcpflag::Fin;              // 0x13
  r.tcp_state = "closed";
  r.state = "closed";
  r.reason = FlowEndReason::Timeout;
  r.alerted = true;
  return r;
}

TEST(EveFormatter, TcpFlowHasFlowAndTcpObjects) {
  EveFormatter f(kHost);
  auto doc = parse(f.formatFlow(tcpFlow()));
  EXPECT_EQ(str(doc["event_type"]), "flow");
  EXPECT_EQ(str(doc["timestamp"]), "2016-03-07T10:48:39.135427+0000") << "flow end";
  EXPECT_EQ(doc["flow_id"].GetUint64(), 1234567890123u);
  EXPECT_EQ(str(doc["proto"]), "TCP");
  EXPECT_EQ(doc["src_port"].GetInt(), 43210);
  EXPECT_EQ(doc["dest_port"].GetInt(), 443);
  EXPECT_FALSE(doc.HasMember("icmp_type"));
  EXPECT_FALSE(doc.HasMember("app_proto"));

  const auto& flow = doc["flow"];
  EXPECT_EQ(keys(flow), (std::vector<std::string>{"pkts_toserver", "pkts_toclient",
                                                  "bytes_toserver", "bytes_toclient", "start",
                                                  "end", "age", "state", "reason", "alerted"}));
  EXPECT_EQ(flow["pkts_toserver"].GetUint64(), 8u);
  EXPECT_EQ(flow["pkts_toclient"].GetUint64(), 6u);
  EXPECT_EQ(flow["bytes_toserver"].GetUint64(), 500u);
  EXPECT_EQ(flow["bytes_toclient"].GetUint64(), 11949u);
  EXPECT_EQ(str(flow["start"]), "2016-03-07T10:48:35.635427+0000");
  EXPECT_EQ(str(flow["end"]), "2016-03-07T10:48:39.135427+0000");
  ASSERT_TRUE(flow["age"].IsInt());
  EXPECT_EQ(flow["age"].GetInt(), 4);
  EXPECT_EQ(str(flow["state"]), "closed");
  EXPECT_EQ(str(flow["reason"]), "timeout");
  EXPECT_TRUE(flow["alerted"].GetBool());

  const auto& tcp = doc["tcp"];
  EXPECT_EQ(keys(tcp), (std::vector<std::string>{"tcp_flags", "tcp_flags_ts", "tcp_flags_tc",
                                                 "syn", "fin", "psh", "ack", "state"}));
  EXPECT_EQ(str(tcp["tcp_flags"]), "1b");
  EXPECT_EQ(str(tcp["tcp_flags_ts"]), "1b");
  EXPECT_EQ(str(tcp["tcp_flags_tc"]), "13");
  EXPECT_TRUE(tcp["syn"].GetBool());
  EXPECT_EQ(str(tcp["state"]), "closed");
}

TEST(EveFormatter, TcpFlagsCoverEveryBitAndHexIsTwoDigits) {
  FlowRecord r = tcpFlow();
  r.tcp_flags_ts = tcpflag::Rst;
  r.tcp_flags_tc = tcpflag::Urg | tcpflag::Ece | tcpflag::Cwr;
  r.tcp_state = nullptr;
  r.reason = FlowEndReason::Evicted;
  EveFormatter f(kHost);
  auto doc = parse(f.formatFlow(r));
  const auto& tcp = doc["tcp"];
  EXPECT_EQ(str(tcp["tcp_flags"]), "e4");
  EXPECT_EQ(str(tcp["tcp_flags_ts"]), "04");
  EXPECT_EQ(str(tcp["tcp_flags_tc"]), "e0");
  for (const char* name : {"rst", "urg", "ecn", "cwr"}) EXPECT_TRUE(tcp[name].GetBool()) << name;
  for (const char* name : {"syn", "fin", "psh", "ack", "state"}) EXPECT_FALSE(tcp.HasMember(name)) << name;
  EXPECT_EQ(str(doc["flow"]["reason"]), "forced");
}

TEST(EveFormatter, IcmpFlowHasTypeAndCodeButNoPortsOrTcp) {
  FlowRecord r;
  r.flow_id = 7;
  r.start = r.end = kTs;
  r.src_ip = ip("10.1.1.1");
  r.dest_ip = ip("8.8.8.8");
  r.proto = 1;
  r.icmp_type = 8;
  r.icmp_code = 0;
  r.pkts_toserver = 1;
  r.reason = FlowEndReason::Shutdown;
  EveFormatter f(kHost);
  auto doc = parse(f.formatFlow(r));
  EXPECT_EQ(str(doc["proto"]), "ICMP");
  EXPECT_EQ(doc["icmp_type"].GetInt(), 8);
  EXPECT_EQ(doc["icmp_code"].GetInt(), 0);
  EXPECT_FALSE(doc.HasMember("src_port"));
  EXPECT_FALSE(doc.HasMember("dest_port"));
  EXPECT_FALSE(doc.HasMember("tcp"));
  EXPECT_EQ(doc["flow"]["age"].GetInt(), 0);
  EXPECT_EQ(str(doc["flow"]["state"]), "new");
  EXPECT_EQ(str(doc["flow"]["reason"]), "shutdown");
  EXPECT_FALSE(doc["flow"]["alerted"].GetBool());

  r.proto = 58;
  r.src_ip = ip("2001:db8::1");
  r.dest_ip = ip("2001:db8::2");
  r.icmp_type = 135;
  r.vlan[0] = 7;
  r.vlan_count = 1;
  doc = parse(f.formatFlow(r));
  EXPECT_EQ(str(doc["proto"]), "IPv6-ICMP");
  EXPECT_EQ(doc["icmp_type"].GetInt(), 135);
  EXPECT_EQ(str(doc["dest_ip"]), "2001:db8::2");
  ASSERT_EQ(doc["vlan"].Size(), 1u);
  EXPECT_EQ(doc["vlan"][0].GetInt(), 7);
}

TEST(EveFormatter, UdpAndOtherFlowsHaveNoTcpObject) {
  FlowRecord r = tcpFlow();
  r.proto = 17;
  r.tcp_flags_ts = r.tcp_flags_tc = 0;
  r.tcp_state = nullptr;
  EveFormatter f(kHost);
  auto doc = parse(f.formatFlow(r));
  EXPECT_EQ(str(doc["proto"]), "UDP");
  EXPECT_EQ(doc["dest_port"].GetInt(), 443);
  EXPECT_FALSE(doc.HasMember("tcp"));

  r.proto = 47;
  doc = parse(f.formatFlow(r));
  EXPECT_EQ(str(doc["proto"]), "47");
  EXPECT_FALSE(doc.HasMember("src_port"));
}

TEST(EveFormatter, IncidentHasItsStory) {
  Incident inc;
  inc.id = (uint64_t{1} << 53) - 2;
  inc.state = IncidentState::Updated;
  inc.title = "Port scan from 10.0.0.5 \"fast\"";
  inc.severity = 1;
  inc.first_seen = kTs - 60000000;
  inc.last_seen = kTs;
  inc.source = ip("10.0.0.5");
  inc.targets = {ip("10.0.0.9"), ip("2001:db8::7")};
  inc.dest_ports = {22, 80, 443};
  inc.signature_ids = {2001219, 2010935};
  inc.signatures = {"ET SCAN Potential SSH Scan", "bad \xff sig"};
  inc.flow_ids = {11, 12, (uint64_t{1} << 52)};
  inc.alert_count = 42;
  EveFormatter f(kHost);
  auto doc = parse(f.formatIncident(inc));
  EXPECT_EQ(keys(doc), (std::vector<std::string>{"timestamp", "host", "event_type", "incident"}));
  EXPECT_EQ(str(doc["timestamp"]), "2016-03-07T10:48:39.135427+0000");
  EXPECT_EQ(str(doc["event_type"]), "incident");
  const auto& i = doc["incident"];
  EXPECT_EQ(keys(i), (std::vector<std::string>{"id", "state", "title", "severity", "first_seen",
                                               "last_seen", "hosts", "source", "targets",
                                               "dest_ports", "signature_ids", "signatures",
                                               "flow_ids", "alert_ids", "alert_count"}));
  EXPECT_EQ(i["id"].GetUint64(), (uint64_t{1} << 53) - 2);
  EXPECT_EQ(str(i["state"]), "updated");
  EXPECT_EQ(str(i["title"]), inc.title);
  EXPECT_EQ(i["severity"].GetInt(), 1);
  EXPECT_EQ(str(i["first_seen"]), "2016-03-07T10:47:39.135427+0000");
  EXPECT_EQ(str(i["last_seen"]), "2016-03-07T10:48:39.135427+0000");
  ASSERT_EQ(i["hosts"].Size(), 3u);
  EXPECT_EQ(str(i["hosts"][0]), "10.0.0.5");
  EXPECT_EQ(str(i["hosts"][1]), "10.0.0.9");
  EXPECT_EQ(str(i["hosts"][2]), "2001:db8::7");
  EXPECT_EQ(str(i["source"]), "10.0.0.5");
  ASSERT_EQ(i["targets"].Size(), 2u);
  EXPECT_EQ(str(i["targets"][1]), "2001:db8::7");
  ASSERT_EQ(i["dest_ports"].Size(), 3u);
  EXPECT_EQ(i["dest_ports"][2].GetInt(), 443);
  ASSERT_EQ(i["signature_ids"].Size(), 2u);
  EXPECT_EQ(i["signature_ids"][0].GetInt(), 2001219);
  ASSERT_EQ(i["signatures"].Size(), 2u);
  EXPECT_EQ(str(i["signatures"][0]), "ET SCAN Potential SSH Scan");
  EXPECT_EQ(str(i["signatures"][1]), "bad \xEF\xBF\xBD sig");
  ASSERT_EQ(i["flow_ids"].Size(), 3u);
  EXPECT_EQ(i["flow_ids"][2].GetUint64(), uint64_t{1} << 52);
  EXPECT_EQ(i["alert_count"].GetUint64(), 42u);
}

TEST(EveFormatter, IncidentHostsListTheSourceOnce) {
  Incident inc;
  inc.source = ip("10.0.0.5");
  inc.targets = {ip("10.0.0.5"), ip("10.0.0.6")};
  EveFormatter f(kHost);
  auto doc = parse(f.formatIncident(inc));
  const auto& hosts = doc["incident"]["hosts"];
  ASSERT_EQ(hosts.Size(), 2u);
  EXPECT_EQ(str(hosts[0]), "10.0.0.5");
  EXPECT_EQ(str(hosts[1]), "10.0.0.6");
  EXPECT_EQ(str(doc["incident"]["state"]), "open");
}

TEST(EveFormatter, IncidentOfACorrelationRuleCarriesItsStoryAndAttack) {
  Incident inc;
  inc.targets = {ip("10.0.0.6")};
  inc.rule = "dns_tunnelling";
  inc.stages = {"recon", "exploit"};
  inc.domains = {"t.evil.example"};
  inc.tactics = {"TA0011"};
  inc.techniques = {"T1071.004"};
  EveFormatter f(kHost);
  auto doc = parse(f.formatIncident(inc));
  const auto& i = doc["incident"];
  EXPECT_FALSE(i.HasMember("source"));  // grouped by domain: no address to name
  ASSERT_EQ(i["hosts"].Size(), 1u);
  EXPECT_EQ(str(i["hosts"][0]), "10.0.0.6");
  EXPECT_EQ(str(i["rule"]), "dns_tunnelling");
  ASSERT_EQ(i["stages"].Size(), 2u);
  EXPECT_EQ(str(i["stages"][1]), "exploit");
  EXPECT_EQ(str(i["domains"][0]), "t.evil.example");
  EXPECT_EQ(str(i["tactics"][0]), "TA0011");
  EXPECT_EQ(str(i["techniques"][0]), "T1071.004");
  EXPECT_FALSE(i.HasMember("group_key"));  // a rule without group-by
  inc.group_key = "src_ip=10.0.0.6,dns.rrname.domain=evil.example";
  inc.alert_ids = {7, 9};
  auto grouped = parse(f.formatIncident(inc));
  EXPECT_EQ(str(grouped["incident"]["group_key"]), "src_ip=10.0.0.6,dns.rrname.domain=evil.example");
  ASSERT_EQ(grouped["incident"]["alert_ids"].Size(), 2u);
  EXPECT_EQ(grouped["incident"]["alert_ids"][1].GetUint64(), 9u);
}

TEST(EveFormatter, StatsNestDottedNamesInFirstSeenOrder) {
  EveFormatter f(kHost);
  auto doc = parse(f.formatStats(kTs, 3600,
                                 {{"decoder.pkts", 100},
                                  {"flow.tcp", 7},
                                  {"decoder.event.ipv4.trunc_pkt", 2},
                                  {"decoder.bytes", 64000},
                                  {"decoder.event.ipv6.zero_len_padding", 1},
                                  {"decoder.event.ipv4.opt_pad_required", 3},
                                  {"capture.kernel_drops", 0}}));
  EXPECT_EQ(str(doc["timestamp"]), "2016-03-07T10:48:39.135427+0000");
  EXPECT_EQ(str(doc["event_type"]), "stats");
  const auto& stats = doc["stats"];
  EXPECT_EQ(keys(stats), (std::vector<std::string>{"uptime", "decoder", "flow", "capture"}));
  EXPECT_EQ(stats["uptime"].GetInt(), 3600);
  const auto& decoder = stats["decoder"];
  EXPECT_EQ(keys(decoder), (std::vector<std::string>{"pkts", "event", "bytes"}));
  EXPECT_EQ(decoder["pkts"].GetUint64(), 100u);
  EXPECT_EQ(decoder["bytes"].GetUint64(), 64000u);
  EXPECT_EQ(keys(decoder["event"]), (std::vector<std::string>{"ipv4", "ipv6"}));
  EXPECT_EQ(keys(decoder["event"]["ipv4"]),
            (std::vector<std::string>{"trunc_pkt", "opt_pad_required"}));
  EXPECT_EQ(decoder["event"]["ipv4"]["trunc_pkt"].GetUint64(), 2u);
  EXPECT_EQ(decoder["event"]["ipv6"]["zero_len_padding"].GetUint64(), 1u);
  EXPECT_EQ(stats["flow"]["tcp"].GetUint64(), 7u);
  EXPECT_EQ(stats["capture"]["kernel_drops"].GetUint64(), 0u);
}

TEST(EveFormatter, StatsRejectNamesJsonCannotHold) {
  EveFormatter f(kHost);
  using C = std::vector<std::pair<std::string, uint64_t>>;
  EXPECT_THROW(f.formatStats(kTs, 1, C{{"a.b", 1}, {"a.b", 2}}), std::invalid_argument);
  EXPECT_THROW(f.formatStats(kTs, 1, C{{"a", 1}, {"a.b", 2}}), std::invalid_argument);
  EXPECT_THROW(f.formatStats(kTs, 1, C{{"a.b", 1}, {"a", 2}}), std::invalid_argument);
  EXPECT_THROW(f.formatStats(kTs, 1, C{{"a..b", 1}}), std::invalid_argument);
  EXPECT_THROW(f.formatStats(kTs, 1, C{{"", 1}}), std::invalid_argument);
  EXPECT_THROW(f.formatStats(kTs, 1, C{{"uptime", 1}}), std::invalid_argument);
  // The formatter stays usable after a refused call.
  auto doc = parse(f.formatStats(kTs, 1, C{{"a.b", 1}}));
  EXPECT_EQ(doc["stats"]["a"]["b"].GetUint64(), 1u);
}

TEST(EveFormatter, FormatterIsReusableAcrossRecordTypes) {
  EveFormatter f(kHost);
  std::string a1 = f.formatAlert(tcpAlert());
  f.formatFlow(tcpFlow());
  f.formatStats(kTs, 1, {{"x.y", 1}});
  EXPECT_EQ(f.formatAlert(tcpAlert()), a1);
}


TEST(EveFormatter, EveryRecordCarriesTheSensorNameAsHostRightAfterTheTimestamp) {
  EveFormatter f(kHost);
  Incident inc;
  inc.sensor = "another-name";  // the record's host is the formatter's
  const std::vector<std::string> lines = {
      f.formatAlert(test::eveAlert()), f.formatFlow(test::eveTcpFlow()),   f.formatApp(test::eveHttp(true)),
      f.formatApp(test::eveDns(true)), f.formatApp(test::eveTls()),        f.formatApp(test::eveSsh()),
      f.formatIncident(inc),           f.formatStats(kTs, 1, {{"a.b", 1}})};
  for (const std::string& line : lines) {
    auto doc = parse(line);
    const std::vector<std::string> names = keys(doc);
    ASSERT_GE(names.size(), 3u) << line;
    EXPECT_EQ(names[0], "timestamp") << line;
    EXPECT_EQ(names[1], "host") << line;
    EXPECT_EQ(str(doc["host"]), "tokyo-1") << line;
  }
  EXPECT_EQ(f.host(), "tokyo-1");
  // Without a name (a version-1 store's incidents named none), no host at all.
  EveFormatter unnamed("");
  EXPECT_FALSE(parse(unnamed.formatIncident(inc)).HasMember("host"));
  EXPECT_FALSE(parse(unnamed.formatAlert(tcpAlert())).HasMember("host"));
  // A name is text like any other: escaped, invalid UTF-8 replaced.
  EXPECT_EQ(str(parse(EveFormatter("a\"b\xff").formatAlert(tcpAlert()))["host"]), "a\"b\xEF\xBF\xBD");
}

TEST(EveFormatter, AlertMetadataIsAnObjectOfArraysAsSuricataWritesIt) {
  EveFormatter f(kHost);
  auto doc = parse(f.formatAlert(test::eveAlert()));
  const auto& alert = doc["alert"];
  EXPECT_EQ(keys(alert), (std::vector<std::string>{"action", "gid", "signature_id", "rev", "signature", "category",
                                                   "severity", "metadata", "id"}));
  const auto& metadata = alert["metadata"];
  // Keys in the order they first appear; each key's values in rule order.
  EXPECT_EQ(keys(metadata), (std::vector<std::string>{"mitre_tactic_id", "mitre_technique_id", "deployment",
                                                      "created_at", "former_category"}));
  auto values = [&](const char* key) {
    std::vector<std::string> out;
    for (const auto& v : metadata[key].GetArray()) out.push_back(str(v));
    return out;
  };
  EXPECT_EQ(values("mitre_tactic_id"), (std::vector<std::string>{"TA0001"}));
  EXPECT_EQ(values("mitre_technique_id"), (std::vector<std::string>{"T1190", "T1203"}));
  EXPECT_EQ(values("deployment"), (std::vector<std::string>{"Perimeter"}));
  EXPECT_EQ(values("former_category"), (std::vector<std::string>{""})) << "a key without a value";
  // A rule without metadata: none.
  EXPECT_FALSE(parse(f.formatAlert(tcpAlert()))["alert"].HasMember("metadata"));
}

// The shape Suricata's own EVE schema gives alert.metadata and host: checked against the
// schema itself, so a change on either side shows.
TEST(EveFormatter, AlertMetadataAndHostFollowSuricatasSchema) {
  MAMORI_REQUIRE_SHARED();
  rapidjson::Document schema;
  const std::string text = test::readFile(test::sharedDir() + "/schema/suricata-eve-schema.json");
  schema.Parse(text.c_str());
  ASSERT_FALSE(schema.HasParseError());
  const auto& properties = schema["properties"];
  EXPECT_EQ(str(properties["host"]["type"]), "string");
  const auto& shape = properties["alert"]["properties"]["metadata"];
  ASSERT_EQ(str(shape["type"]), "object");
  EXPECT_TRUE(shape["additionalProperties"].GetBool()) << "keys beyond the schema's are allowed";

  EveFormatter f(kHost);
  auto doc = parse(f.formatAlert(test::eveAlert()));
  EXPECT_TRUE(doc["host"].IsString());
  const auto& metadata = doc["alert"]["metadata"];
  size_t checked = 0;
  for (auto it = metadata.MemberBegin(); it != metadata.MemberEnd(); ++it) {
    const std::string name = str(it->name);
    if (!shape["properties"].HasMember(name.c_str())) continue;
    const auto& key = shape["properties"][name.c_str()];
    ASSERT_EQ(str(key["type"]), "array") << name;
    ASSERT_TRUE(it->value.IsArray()) << name;
    EXPECT_GE(it->value.Size(), key["minItems"].GetUint()) << name;
    for (const auto& v : it->value.GetArray()) EXPECT_TRUE(v.IsString()) << name;
    EXPECT_EQ(str(key["items"]["type"]), "string") << name;
    ++checked;
  }
  EXPECT_EQ(checked, 3u) << "deployment, created_at and former_category are in the schema";
}

TEST(EveFormatter, IncidentNamesTheSensorsOfItsEvidence) {
  EveFormatter f("central");
  Incident inc;
  inc.sensor = "central";
  EXPECT_FALSE(parse(f.formatIncident(inc))["incident"].HasMember("sensors")) << "a sensor's own incident";
  inc.sensors = {"osaka-2", "tokyo-1"};
  auto doc = parse(f.formatIncident(inc));
  const auto& sensors = doc["incident"]["sensors"];
  ASSERT_EQ(sensors.Size(), 2u);
  EXPECT_EQ(str(sensors[0]), "osaka-2");
  EXPECT_EQ(str(sensors[1]), "tokyo-1");
  EXPECT_EQ(str(doc["host"]), "central");
}

}  // namespace
}  // namespace mamori

namespace mamori {
namespace {

// An HTTP/2 stream's http record carries http.http2 as Suricata writes it: the stream id, and
// the RST_STREAM error code a side ended it with, by name; members the schema gives.
TEST(EveFormatter, Http2StreamHasItsHttp2Object) {
  AppRecord r = test::eveHttp(true);
  auto& tx = std::get<HttpTransaction>(r.body);
  tx.http2_stream = 5;
  tx.protocol = "HTTP/2";
  tx.http2_request_error = 8;
  EveFormatter f("tokyo-1");
  rapidjson::Document doc;
  const std::string line = f.formatApp(r);
  doc.Parse(line.c_str());
  ASSERT_FALSE(doc.HasParseError()) << line;
  const auto& h2 = doc["http"]["http2"];
  EXPECT_EQ(h2["stream_id"].GetUint(), 5u);
  EXPECT_EQ(std::string(h2["request"]["error_code"].GetString()), "CANCEL");
  EXPECT_FALSE(h2.HasMember("response"));
  EXPECT_EQ(std::string(doc["http"]["protocol"].GetString()), "HTTP/2");
  tx.http2_stream = 0;
  rapidjson::Document http1;
  http1.Parse(f.formatApp(r).c_str());
  EXPECT_FALSE(http1["http"].HasMember("http2"));  // HTTP/1 has none
  MAMORI_REQUIRE_SHARED();
  rapidjson::Document schema;
  const std::string text = test::readFile(test::sharedDir() + "/schema/suricata-eve-schema.json");
  schema.Parse(text.c_str());
  const auto& allowed = schema["properties"]["http"]["properties"]["http2"]["properties"];
  for (const auto& m : h2.GetObject()) EXPECT_TRUE(allowed.HasMember(m.name)) << m.name.GetString();
}

// A protocol plug-in's record is written under its own event_type, with its tx_id and the
// object its parser made, unchanged; the SIP parser's object has only members Suricata's
// schema gives `sip`.
TEST(EveFormatter, PluginRecordIsWrittenUnderItsOwnEventType) {
  AppRecord r = test::eveAppRecord(AppEvent::Protocol, 17, 5060);
  ProtocolTransaction tx;
  SipMessageParser parser;
  ASSERT_EQ(parser.parse("SIP/2.0 180 Ringing \"\xff\"\r\n\r\n", true, tx).status, SipMessageParser::Status::Complete);
  tx.tx_id = 3;
  r.body = tx;
  EXPECT_EQ(EveFormatter::appKind(r), EventKind::App);
  EveFormatter f("tokyo-1");
  rapidjson::Document doc;
  const std::string line = f.formatApp(r);
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.c_str());
  ASSERT_FALSE(doc.HasParseError()) << line;
  EXPECT_EQ(std::string(doc["event_type"].GetString()), "sip");
  EXPECT_EQ(doc["tx_id"].GetUint64(), 3u);
  EXPECT_EQ(std::string(doc["sip"]["reason"].GetString()), "Ringing \"\xEF\xBF\xBD\"");
  MAMORI_REQUIRE_SHARED();
  rapidjson::Document schema;
  const std::string text = test::readFile(test::sharedDir() + "/schema/suricata-eve-schema.json");
  schema.Parse(text.c_str());
  ASSERT_FALSE(schema.HasParseError());
  const auto& allowed = schema["properties"]["sip"]["properties"];
  for (const auto& m : doc["sip"].GetObject()) EXPECT_TRUE(allowed.HasMember(m.name)) << m.name.GetString();
}

}  // namespace
}  // namespace mamori
