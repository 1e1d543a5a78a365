#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detect/packet_inspector.h"
#include "detect/signature_database.h"
#include "rules/rule_parser.h"

namespace mamori {
namespace {

struct CollectingSink : AlertSink {
  std::vector<Alert> alerts;
  void onAlert(const Alert& a) override { alerts.push_back(a); }
  std::vector<uint32_t> sids() const {
    std::vector<uint32_t> out;
    for (const Alert& a : alerts) out.push_back(a.sid);
    return out;
  }
};

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

// A packet that outlives the payload string it points into only within one test.
struct TestPacket {
  std::string payload;
  DecodedPacket pkt;

  TestPacket(const char* src, uint16_t sport, const char* dst, uint16_t dport, std::string data,
             uint8_t proto = 6)
      : payload(std::move(data)) {
    pkt.ts = 1'700'000'000'000'000;
    pkt.src = ip(src);
    pkt.dst = ip(dst);
    pkt.ip_version = pkt.src.family;
    pkt.proto = proto;
    pkt.sport = sport;
    pkt.dport = dport;
    pkt.payload = reinterpret_cast<const uint8_t*>(payload.data());
    pkt.payload_len = static_cast<uint32_t>(payload.size());
  }
};

class PacketInspectorTest : public ::testing::Test {
 protected:
  void load(const std::string& rules) {
    RuleParser parser;
    ParsedRules parsed;
    parser.parseText(rules, "test.rules", parsed);
    for (const RuleError& e : parsed.errors) ADD_FAILURE() << e.toString();
    std::vector<RuleError> errors;
    db_ = SignatureDatabase::build(std::move(parsed.rules), errors);
    for (const RuleError& e : errors) ADD_FAILURE() << e.toString();
    ASSERT_NE(db_, nullptr);
    inspector_ = std::make_unique<PacketInspector>(db_);
  }

  std::vector<uint32_t> run(const TestPacket& p, bool to_server = true) {
    sink_.alerts.clear();
    inspector_->inspect(p.pkt, 42, to_server, sink_);
    return sink_.sids();
  }

  std::shared_ptr<const SignatureDatabase> db_;
  std::unique_ptr<PacketInspector> inspector_;
  CollectingSink sink_;
};

using Sids = std::vector<uint32_t>;

TEST_F(PacketInspectorTest, ContentMatchFillsAlert) {
  load("alert tcp $EXTERNAL_NET any -> $HOME_NET 80 (msg:\"evil get\"; content:\"GET /evil\"; "
       "classtype:web-application-attack; sid:100; rev:4;)");
  TestPacket p("203.0.113.9", 40000, "10.0.0.5", 80, "GET /evil HTTP/1.1\r\n");
  p.pkt.vlan[0] = 7;
  p.pkt.vlan_count = 1;
  EXPECT_EQ(run(p, true), Sids{100});
  const Alert& a = sink_.alerts.at(0);
  EXPECT_EQ(a.ts, p.pkt.ts);
  EXPECT_EQ(a.flow_id, 42u);
  EXPECT_EQ(a.src_ip, p.pkt.src);
  EXPECT_EQ(a.dest_ip, p.pkt.dst);
  EXPECT_EQ(a.src_port, 40000);
  EXPECT_EQ(a.dest_port, 80);
  EXPECT_EQ(a.proto, 6);
  EXPECT_EQ(a.vlan[0], 7);
  EXPECT_EQ(a.vlan_count, 1);
  EXPECT_TRUE(a.to_server);
  EXPECT_EQ(a.action, "allowed");
  EXPECT_EQ(a.gid, 1u);
  EXPECT_EQ(a.sid, 100u);
  EXPECT_EQ(a.rev, 4u);
  EXPECT_EQ(a.signature, "evil get");
  EXPECT_EQ(a.category, "Web Application Attack");
  EXPECT_EQ(a.severity, 1);
  EXPECT_EQ(inspector_->counters().packets_inspected, 1u);
  EXPECT_EQ(inspector_->counters().bytes_scanned, p.payload.size());
  EXPECT_EQ(inspector_->counters().candidates, 1u);
  EXPECT_EQ(inspector_->counters().alerts, 1u);

  EXPECT_EQ(run(TestPacket("203.0.113.9", 40000, "10.0.0.5", 80, "GET /good")), Sids{});
}

TEST_F(PacketInspectorTest, NocaseIsHonoured) {
  load("alert tcp any any -> any any (content:\"Evil\"; sid:1;)\n"
       "alert tcp any any -> any any (content:\"Evil\"; nocase; sid:2;)\n");
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "xxEVILxx")), Sids{2});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "xxEvilxx")), (Sids{1, 2}));
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "xxevixx")), Sids{});
}

TEST_F(PacketInspectorTest, NegatedAndMultipleContents) {
  load("alert tcp any any -> any any (content:\"user\"; content:!\"admin\"; sid:1;)\n"
       "alert tcp any any -> any any (content:\"|de ad|\"; content:\"beef\"; sid:2;)\n");
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "user=bob")), Sids{1});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "user=admin")), Sids{});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, std::string("beef\xde\xad", 6))), Sids{2});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, std::string("\xde\xad only", 7))), Sids{});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "beef only")), Sids{});
}

TEST_F(PacketInspectorTest, WrongPortAddressOrProtocolGivesNoAlert) {
  load("alert tcp 10.0.0.0/8 any -> 192.0.2.1 [443,8443] (content:\"hello\"; sid:1;)");
  EXPECT_EQ(run(TestPacket("10.1.1.1", 5555, "192.0.2.1", 443, "hello")), Sids{1});
  EXPECT_EQ(run(TestPacket("10.1.1.1", 5555, "192.0.2.1", 80, "hello")), Sids{});
  EXPECT_EQ(run(TestPacket("11.1.1.1", 5555, "192.0.2.1", 443, "hello")), Sids{});
  EXPECT_EQ(run(TestPacket("10.1.1.1", 5555, "192.0.2.2", 443, "hello")), Sids{});
  EXPECT_EQ(run(TestPacket("10.1.1.1", 5555, "192.0.2.1", 443, "hello", 17)), Sids{});
  // The reply does not match a one-way rule.
  EXPECT_EQ(run(TestPacket("192.0.2.1", 443, "10.1.1.1", 5555, "hello")), Sids{});
}

TEST_F(PacketInspectorTest, BidirectionalRuleMatchesEitherWay) {
  load("alert udp 10.0.0.1 5000 <> 10.0.0.2 6000 (content:\"ping\"; sid:1;)");
  EXPECT_EQ(run(TestPacket("10.0.0.1", 5000, "10.0.0.2", 6000, "ping", 17)), Sids{1});
  EXPECT_EQ(run(TestPacket("10.0.0.2", 6000, "10.0.0.1", 5000, "ping", 17), false), Sids{1});
  EXPECT_FALSE(sink_.alerts.at(0).to_server);
  EXPECT_EQ(run(TestPacket("10.0.0.2", 5000, "10.0.0.1", 6000, "ping", 17)), Sids{});
}

TEST_F(PacketInspectorTest, OnlyNegatedContentNeedsPayload) {
  load("alert tcp any any -> any any (content:!\"safe\"; sid:1;)");
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "danger")), Sids{1});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "all safe")), Sids{});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "")), Sids{});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "danger", 17)), Sids{});
  EXPECT_EQ(db_->patternCount(), 0u);
}

TEST_F(PacketInspectorTest, HeaderOnlyRulesMatchWithoutPayload) {
  load("alert icmp any any -> any any (msg:\"any icmp\"; sid:1;)\n"
       "alert ip 192.0.2.66 any -> any any (msg:\"bad host\"; sid:2;)\n"
       "alert tcp any any -> any any (content:\"x\"; sid:3;)\n");
  EXPECT_EQ(run(TestPacket("192.0.2.66", 0, "10.0.0.1", 0, "", 1)), (Sids{1, 2}));
  EXPECT_EQ(run(TestPacket("2001:db8::1", 0, "2001:db8::2", 0, "", 58)), Sids{1});
  EXPECT_EQ(run(TestPacket("192.0.2.66", 1, "10.0.0.1", 2, "", 6)), Sids{2});
  EXPECT_EQ(inspector_->counters().bytes_scanned, 0u);
}

// Until app-layer detection exists, an app-layer rule runs on its transport's payloads.
TEST_F(PacketInspectorTest, AppLayerRuleNeedsPayloadOfItsTransport) {
  load("alert dns any any -> any any (msg:\"dns\"; sid:1;)\n"
       "alert http any any -> any any (content:\"GET\"; sid:2;)\n");
  EXPECT_EQ(run(TestPacket("1.1.1.1", 5353, "2.2.2.2", 53, "", 17)), Sids{});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 5353, "2.2.2.2", 53, "q", 17)), Sids{1});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 5353, "2.2.2.2", 80, "GET /", 6)), (Sids{1, 2}));
  EXPECT_EQ(run(TestPacket("1.1.1.1", 5353, "2.2.2.2", 80, "GET /", 17)), Sids{1});
}

TEST_F(PacketInspectorTest, OneAlertPerRuleAndLongestContentIsFastPattern) {
  load("alert tcp any any -> any any (content:\"ab\"; content:\"abcdef\"; sid:1;)");
  EXPECT_EQ(db_->signature(0).fast_pattern, 1);
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "abcdef abcdef abcdef")), Sids{1});
}

TEST_F(PacketInspectorTest, AlertsComeInRuleOrder) {
  load("alert tcp any any -> any any (content:\"zzz\"; sid:30;)\n"
       "alert tcp any any -> any any (content:\"aaa\"; sid:10;)\n"
       "alert tcp any any -> any any (sid:20;)\n");
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "aaa zzz")), (Sids{30, 10, 20}));
}

TEST_F(PacketInspectorTest, BinaryAndMetacharacterLiterals) {
  load("alert tcp any any -> any any (content:\"|00 ff 2e 2a|(a+)?[x]\"; sid:1;)");
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, std::string("..\0\xff.*(a+)?[x]..", 16))), Sids{1});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, std::string("..\0\xff.*aaa[x]", 12))), Sids{});
}

TEST_F(PacketInspectorTest, PassRuleSilencesThePacket) {
  load("pass tcp 10.0.0.9 any -> any any (content:\"x\"; sid:1;)\n"
       "alert tcp any any -> any any (content:\"x\"; sid:2;)\n");
  EXPECT_EQ(run(TestPacket("10.0.0.9", 1, "2.2.2.2", 2, "x")), Sids{});
  EXPECT_EQ(run(TestPacket("10.0.0.8", 1, "2.2.2.2", 2, "x")), Sids{2});
}

TEST_F(PacketInspectorTest, PriorityOverridesClasstypeSeverity) {
  load("alert tcp any any -> any any (classtype:trojan-activity; priority:3; content:\"x\"; sid:1;)");
  run(TestPacket("1.1.1.1", 1, "2.2.2.2", 2, "x"));
  ASSERT_EQ(sink_.alerts.size(), 1u);
  EXPECT_EQ(sink_.alerts[0].severity, 3);
  EXPECT_EQ(sink_.alerts[0].category, "A Network Trojan was detected");
}

TEST_F(PacketInspectorTest, NonIpPacketsAreSkipped) {
  load("alert ip any any -> any any (sid:1;)");
  DecodedPacket arp;
  inspector_->inspect(arp, 0, true, sink_);
  EXPECT_TRUE(sink_.alerts.empty());
  EXPECT_EQ(inspector_->counters().packets_inspected, 0u);
}

TEST(SignatureDatabaseTest, EmptyRuleSetInspectsNothing) {
  std::vector<RuleError> errors;
  auto db = SignatureDatabase::build({}, errors);
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(db->patterns(), nullptr);
  PacketInspector inspector(db);
  CollectingSink sink;
  TestPacket p("1.1.1.1", 1, "2.2.2.2", 2, "payload");
  inspector.inspect(p.pkt, 1, true, sink);
  EXPECT_TRUE(sink.alerts.empty());
}

TEST(SignatureDatabaseTest, SharedBetweenInspectors) {
  RuleParser parser;
  ParsedRules parsed;
  parser.parseText("alert tcp any any -> any any (content:\"shared\"; sid:1;)", "t", parsed);
  std::vector<RuleError> errors;
  std::shared_ptr<const SignatureDatabase> db = SignatureDatabase::build(std::move(parsed.rules), errors);
  PacketInspector a(db), b(db);
  CollectingSink sa, sb;
  TestPacket p("1.1.1.1", 1, "2.2.2.2", 2, "a shared thing");
  a.inspect(p.pkt, 1, true, sa);
  b.inspect(p.pkt, 1, true, sb);
  EXPECT_EQ(sa.alerts.size(), 1u);
  EXPECT_EQ(sb.alerts.size(), 1u);
}

}  // namespace
}  // namespace mamori
