#include <gtest/gtest.h>

#include <fstream>

#include <string>
#include <vector>

#include "detect/packet_inspector.h"
#include "detect/signature_database.h"
#include "tests/detect/rule_set_builder.h"
#include "rules/rule_parser.h"
#include "tests/detect/detect_test_support.h"
#include "tests/support/test_support.h"

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

  // Gives the packet real header bytes: an IPv4 header with `fragment_field` (flags and
  // offset) and an 8-byte transport header whose last four bytes are `transport_tail`
  // (the ICMP identifier and sequence number), followed by the payload.
  void withHeaders(uint16_t fragment_field, uint32_t transport_tail = 0) {
    frame.assign(28, 0);
    frame[0] = 0x45;
    frame[6] = static_cast<uint8_t>(fragment_field >> 8);
    frame[7] = static_cast<uint8_t>(fragment_field);
    for (int i = 0; i < 4; ++i) frame[24 + i] = static_cast<uint8_t>(transport_tail >> (24 - 8 * i));
    frame.insert(frame.end(), payload.begin(), payload.end());
    pkt.l3 = frame.data();
    pkt.l3_len = static_cast<uint32_t>(frame.size());
    pkt.payload = frame.data() + 28;
  }
  std::vector<uint8_t> frame;
};

class PacketInspectorTest : public test::InspectorTest {
 protected:
  // One packet of flow 42; its flowbits / flowints persist between calls.
  std::vector<uint32_t> run(const TestPacket& p, bool to_server = true) {
    sink_.alerts.clear();
    FlowContext flow{42, to_server, established_, {packets_, 0}, {0, 0}, &pool_, &handle_};
    flow.app_proto = app_proto_;
    inspector_->inspect(p.pkt, flow, sink_);
    return sink_.sids();
  }

  uint32_t handle_ = 0;
  bool established_ = true;
  uint64_t packets_ = 1;
  const char* app_proto_ = "";
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

// An app-layer protocol in the header (alert tls ...) needs the flow identified as that
// protocol, and still a payload of its transport.
TEST_F(PacketInspectorTest, AppLayerRuleNeedsItsProtocolAndPayloadOfItsTransport) {
  load("alert dns any any -> any any (msg:\"dns\"; sid:1;)\n"
       "alert http any any -> any any (content:\"GET\"; sid:2;)\n"
       "alert tls any any -> any any (msg:\"tls\"; sid:3;)\n"
       "alert tcp any any -> any any (app-layer-protocol:tls; sid:4;)\n"
       "alert tcp any any -> any any (app-layer-protocol:!tls; sid:5;)\n");
  TestPacket get("1.1.1.1", 5353, "2.2.2.2", 80, "GET /", 6);
  EXPECT_EQ(run(get), Sids{});  // nothing identified yet
  app_proto_ = "http";
  EXPECT_EQ(run(get), (Sids{2, 5}));
  app_proto_ = "http2";
  EXPECT_EQ(run(get), (Sids{2, 5}));
  app_proto_ = "tls";
  EXPECT_EQ(run(get), (Sids{3, 4}));
  EXPECT_EQ(run(TestPacket("1.1.1.1", 5353, "2.2.2.2", 443, "", 6)), Sids{4});
  app_proto_ = "dns";
  EXPECT_EQ(run(TestPacket("1.1.1.1", 5353, "2.2.2.2", 53, "", 17)), Sids{});
  EXPECT_EQ(run(TestPacket("1.1.1.1", 5353, "2.2.2.2", 53, "q", 17)), (Sids{1}));
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
  inspector_->inspect(arp, FlowContext{0, true}, sink_);
  EXPECT_TRUE(sink_.alerts.empty());
  EXPECT_EQ(inspector_->counters().packets_inspected, 0u);
}

TEST(SignatureDatabaseTest, EmptyRuleSetInspectsNothing) {
  std::vector<RuleError> errors;
  auto db = SignatureDatabase::build({}, errors);
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(db->groups(false).databases().empty());
  EXPECT_TRUE(db->groups(true).databases().empty());
  PacketInspector inspector(db);
  CollectingSink sink;
  TestPacket p("1.1.1.1", 1, "2.2.2.2", 2, "payload");
  inspector.inspect(p.pkt, FlowContext{1, true}, sink);
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
  a.inspect(p.pkt, FlowContext{1, true}, sa);
  b.inspect(p.pkt, FlowContext{1, true}, sb);
  EXPECT_EQ(sa.alerts.size(), 1u);
  EXPECT_EQ(sb.alerts.size(), 1u);
}

// Several stream_size tests in one rule must all hold (ET Open tests both sides at once).
TEST_F(PacketInspectorTest, StreamSizeOnBothSides) {
  load("alert tcp any any -> any any (content:\"x\"; stream_size:client,=,1; stream_size:server,=,10; sid:1;)");
  auto on = [&](uint64_t client, uint64_t server) {
    sink_.alerts.clear();
    FlowContext flow{42, false, true, {1, 1}, {0, 0}, &pool_, &handle_};
    flow.stream_size[0] = client;
    flow.stream_size[1] = server;
    inspector_->inspect(TestPacket("10.0.0.2", 80, "10.0.0.1", 40000, "x").pkt, flow, sink_);
    return sink_.sids();
  };
  EXPECT_EQ(on(1, 10), Sids{1});
  EXPECT_EQ(on(1, 9), Sids{});
  EXPECT_EQ(on(2, 10), Sids{});
}

// flow.age: whole seconds from the flow's first packet to this one.
TEST_F(PacketInspectorTest, FlowAgeInWholeSeconds) {
  load("alert tcp any any -> any any (content:\"x\"; flow.age:>=10; sid:1;)\n"
       "alert tcp any any -> any any (content:\"x\"; flow.age:0; sid:2;)\n");
  auto at = [&](int64_t micros_after_start) {
    sink_.alerts.clear();
    TestPacket p("10.0.0.1", 40000, "10.0.0.2", 80, "x");
    FlowContext flow{42, true, true, {1, 0}, {0, 0}, &pool_, &handle_};
    flow.start = p.pkt.ts;
    p.pkt.ts += micros_after_start;
    inspector_->inspect(p.pkt, flow, sink_);
    return sink_.sids();
  };
  EXPECT_EQ(at(999'999), Sids{2});
  EXPECT_EQ(at(9'999'999), Sids{});
  EXPECT_EQ(at(10'000'000), Sids{1});
}

// ---- the payload chain, with Suricata's semantics ----

class DetectionEngineTest : public PacketInspectorTest {
 protected:
  Sids on(std::string payload, bool to_server = true) {
    return run(TestPacket("10.0.0.1", 40000, "10.0.0.2", 80, std::move(payload)), to_server);
  }
};

TEST_F(DetectionEngineTest, RelativeContentRetriesTheEarlierOneAtItsNextOccurrence) {
  load("alert tcp any any -> any any (content:\"a\"; content:\"b\"; distance:0; within:1; sid:1;)");
  EXPECT_EQ(on("a x ab"), Sids{1});
  EXPECT_EQ(on("a x a x"), Sids{});
  EXPECT_EQ(on("ba"), Sids{});
}

TEST_F(DetectionEngineTest, DepthCountsFromOffset) {
  load("alert tcp any any -> any any (content:\"GET\"; depth:3; sid:1;)\n"
       "alert tcp any any -> any any (content:\"x\"; offset:2; depth:1; sid:2;)\n");
  EXPECT_EQ(on("GET /"), Sids{1});
  EXPECT_EQ(on(" GET /"), Sids{});
  EXPECT_EQ(on("abx"), Sids{2});
  EXPECT_EQ(on("axbx"), Sids{});
}

TEST_F(DetectionEngineTest, StartsWithAndEndsWith) {
  load("alert tcp any any -> any any (content:\"ab\"; startswith; sid:1;)\n"
       "alert tcp any any -> any any (content:\"yz\"; endswith; sid:2;)\n");
  EXPECT_EQ(on("abc"), Sids{1});
  EXPECT_EQ(on("cab"), Sids{});
  EXPECT_EQ(on("yzayz"), Sids{2});
  EXPECT_EQ(on("yzx"), Sids{});
}

TEST_F(DetectionEngineTest, NegatedRelativeContentRetriesToo) {
  load("alert tcp any any -> any any (content:\"user\"; content:!\"root\"; distance:1; within:4; sid:1;)");
  EXPECT_EQ(on("user root"), Sids{});
  EXPECT_EQ(on("user admin"), Sids{1});
  EXPECT_EQ(on("user root user bob"), Sids{1});
}

TEST_F(DetectionEngineTest, NocaseAndNegativeDistance) {
  load("alert tcp any any -> any any (content:\"WORLD\"; nocase; content:\"hello\"; distance:-11; within:5; sid:1;)");
  EXPECT_EQ(on("hello world"), Sids{1});
  EXPECT_EQ(on("hellx world"), Sids{});
}

TEST_F(DetectionEngineTest, RelativePcreAnchorsAfterThePreviousMatch) {
  load("alert tcp any any -> any any (content:\"id=\"; pcre:\"/^[0-9]{3}\\b/R\"; sid:1;)\n"
       "alert tcp any any -> any any (content:\"get\"; pcre:!\"/evil/i\"; sid:2;)\n");
  EXPECT_EQ(on("id=123 "), Sids{1});
  EXPECT_EQ(on("id=12a id=456 "), Sids{1});
  EXPECT_EQ(on("id=12a"), Sids{});
  EXPECT_EQ(on("get good"), Sids{2});
  EXPECT_EQ(on("get EVIL"), Sids{});
}

TEST_F(DetectionEngineTest, ByteKeywords) {
  load("alert tcp any any -> any any (byte_jump:2,0; content:\"xyz\"; within:3; sid:1;)\n"
       "alert tcp any any -> any any (byte_test:2,=,4,0; sid:2;)\n"
       "alert tcp any any -> any any (byte_test:2,>,4,0; sid:3;)\n"
       "alert tcp any any -> any any (byte_extract:2,0,len; content:\"xyz\"; distance:len; within:3; sid:4;)\n"
       "alert tcp any any -> any any (byte_math:bytes 2, offset 0, oper +, rvalue 2, result six; "
       "isdataat:six; isdataat:!9; sid:5;)\n"
       "alert tcp any any -> any any (byte_test:2,!&,0xfff0,0; byte_test:1,=,0x41,0,relative,bitmask 0xff; sid:6;)\n");
  EXPECT_EQ(on(std::string("\x00\x04" "ABCDxyz", 9)), (Sids{1, 2, 4, 5}));
  EXPECT_EQ(on(std::string("\x00\x05" "ABCDxyz", 9)), (Sids{3, 5}));
}

// The byte count of byte_math, byte_test and byte_jump may come from an earlier
// variable (Suricata 7); a count no raw read may have does not match.
TEST_F(DetectionEngineTest, ByteCountFromVariable) {
  load("alert tcp any any -> any any (byte_extract:1,0,n; byte_math:bytes n, offset 1, oper +, rvalue 1, result r; "
       "byte_test:1,=,r,0,relative; sid:1;)\n"
       "alert tcp any any -> any any (byte_extract:1,0,n; byte_test:n,=,0x0102,1; sid:2;)\n"
       "alert tcp any any -> any any (byte_extract:1,0,n; byte_jump:n,1; content:\"z\"; within:1; sid:3;)\n");
  // n = 2: byte_math reads 01 02 (258) + 1 = 259, which no one byte equals; byte_test
  // reads 0x0102; byte_jump jumps 0x0102 bytes, past the end.
  EXPECT_EQ(on(std::string("\x02\x01\x02z", 4)), (Sids{2}));
  // n = 1: byte_math 0x01 + 1 = 2, the byte after it is 2; byte_jump jumps 1 from 2 to 'z'.
  EXPECT_EQ(on(std::string("\x01\x01\x02z", 4)), (Sids{1, 3}));
  EXPECT_EQ(on(std::string("\x01\x01\x01z\x00", 5)), (Sids{3}));
  // n = 9 or 0: no raw number has that many bytes.
  EXPECT_EQ(on(std::string("\x09\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a", 11)), Sids{});
  EXPECT_EQ(on(std::string("\x00\x01\x02z", 4)), Sids{});
}

// byte_test of 0 bytes with string reads the rest of the buffer as a number, as ET Open
// uses it on http.content_len.
TEST_F(DetectionEngineTest, ByteTestOfZeroBytesReadsTheRest) {
  load("alert tcp any any -> any any (byte_test:0,=,0,0,string,dec; sid:1;)\n"
       "alert tcp any any -> any any (content:\"len=\"; byte_test:0,>,99999,0,relative,string,dec; sid:2;)\n");
  EXPECT_EQ(on("0"), Sids{1});
  EXPECT_EQ(on("len=123456"), Sids{2});
  EXPECT_EQ(on("len=99999"), Sids{});
  EXPECT_EQ(on("len=99999999999999999999999"), Sids{});  // past 64 bits: no number, as strtoull's ERANGE
  EXPECT_EQ(on("len="), Sids{});
}

// byte_math masks its result: ((0x0f + 0x11) & 0xf0) >> 4 is 2, where masking what it
// read first would give 0 + 0x11.
TEST_F(DetectionEngineTest, ByteMathBitmaskAppliesToTheResult) {
  load("alert tcp any any -> any any (byte_math:bytes 1, offset 0, oper +, rvalue 0x11, result r, bitmask 0xf0; "
       "byte_test:1,=,r,1; sid:1;)\n");
  EXPECT_EQ(on(std::string("\x0f\x02", 2)), Sids{1});
  EXPECT_EQ(on(std::string("\x0f\x11", 2)), Sids{});
}

TEST_F(DetectionEngineTest, ByteKeywordsReadText) {
  load("alert tcp any any -> any any (content:\"len=\"; byte_test:4,=,12,0,relative,string,dec; sid:1;)\n"
       "alert tcp any any -> any any (content:\"len=\"; byte_jump:4,0,relative,string,hex; content:\"!\"; within:1; sid:2;)\n");
  EXPECT_EQ(on("len=0012;ab!"), Sids{1});
  EXPECT_EQ(on("len=0002ab!"), Sids{2});
  EXPECT_EQ(on("len=zz"), Sids{});
}

TEST_F(DetectionEngineTest, IsDataAt) {
  load("alert tcp any any -> any any (content:\"ab\"; isdataat:2,relative; sid:1;)\n"
       "alert tcp any any -> any any (content:\"ab\"; isdataat:!1,relative; sid:2;)\n");
  EXPECT_EQ(on("abcd"), Sids{1});
  EXPECT_EQ(on("abc"), Sids{});
  EXPECT_EQ(on("xab"), Sids{2});
}

// The checks on X.690's example A.3 (a 136-byte constructed object holding 0x85 bytes) and
// on hand-made BIT STRINGs and REALs, with Suricata's own test vectors.
TEST_F(DetectionEngineTest, Asn1Checks) {
  const std::string a3(
      "\x60\x81\x85\x61\x10\x1A\x04John\x1A\x01P\x1A\x05Smith\xA0\x0A\x1A\x08" "Director\x42\x01\x33\xA1\x0A\x43\x08"
      "19710917\xA2\x12\x61\x10\x1A\x04Mary\x1A\x01T\x1A\x05Smith\xA3\x42\x31\x1F\x61\x11\x1A\x05Ralph\x1A\x01T\x1A\x05"
      "Smith\xA0\x0A\x43\x08" "19571111\x31\x1F\x61\x11\x1A\x05Susan\x1A\x01" "B\x1A\x05Jones\xA0\x0A\x43\x08" "19590717",
      136);
  load("alert tcp any any -> any any (asn1:oversize_length 132, absolute_offset 0; sid:1;)\n"
       "alert tcp any any -> any any (asn1:oversize_length 133, absolute_offset 0; sid:2;)\n"
       "alert tcp any any -> any any (asn1:bitstring_overflow; sid:3;)\n"
       "alert tcp any any -> any any (asn1:double_overflow; sid:4;)\n"
       "alert tcp any any -> any any (content:\"HDR\"; asn1:oversize_length 2, relative_offset 1; sid:5;)\n");
  EXPECT_EQ(on(a3), Sids{1});
  // Cut short, the object is not decoded at all.
  EXPECT_EQ(on(a3.substr(0, 100)), Sids{});
  EXPECT_EQ(on(std::string("\x03\x01\xff", 3)), Sids{3});
  EXPECT_EQ(on(std::string("\x03\x01\x07", 3)), Sids{});
  // Inside a constructed object, after a valid first one.
  EXPECT_EQ(on(std::string("\x02\x01\x05\x30\x03\x03\x01\xff", 8)), Sids{3});
  std::string real(261, '\x05');
  real[0] = '\x09', real[1] = '\x82', real[2] = '\x01', real[3] = '\x01';
  EXPECT_EQ(on(real), (Sids{1, 2, 4}));  // 257 bytes is over both oversize_lengths too
  real[3] = '\x00';
  EXPECT_EQ(on(real.substr(0, 260)), (Sids{1, 2}));
  // Relative to the end of HDR, one byte on: the OCTET STRING of 3 bytes.
  EXPECT_EQ(on(std::string("HDR-\x04\x03xyz", 9)), Sids{5});
  EXPECT_EQ(on(std::string("HDR\x04\x03xyz", 8)), Sids{});
  // More than 30 objects: nothing matches; 30 are decoded.
  std::string nulls;
  for (int i = 0; i < 30; ++i) nulls += std::string("\x05\x00", 2);
  EXPECT_EQ(on(std::string("\x03\x01\xff", 3) + nulls), Sids{});
  EXPECT_EQ(on(std::string("\x03\x01\xff", 3) + nulls.substr(2)), Sids{3});
}

// iprep on the configured reputation files: the most specific network listing an address
// in a category gives its score there.
TEST_F(DetectionEngineTest, Iprep) {
  const std::string dir = test::tempDir();
  std::ofstream(dir + "/categories.txt") << "1,BadHosts,Known bad hosts\n2,Google,Google servers\n";
  std::ofstream(dir + "/rep.list") << "# address,category,score\n10.0.0.0/24,1,20\n10.0.0.1,1,90\n"
                                      "203.0.113.7,2,50\n2001:db8::/32,1,60\n";
  RuleVariables vars;
  vars.setReputationFiles({dir + "/categories.txt", {dir + "/rep.list"}});
  load("alert tcp any any -> any any (iprep:src,BadHosts,>,50; sid:1;)\n"
       "alert tcp any any -> any any (iprep:any,BadHosts,<,30; sid:2;)\n"
       "alert tcp any any -> any any (iprep:both,BadHosts,isset; sid:3;)\n"
       "alert tcp any any -> any any (iprep:dst,Google,=,50; sid:4;)\n"
       "alert tcp any any -> any any (iprep:dst,BadHosts,isnotset; sid:5;)\n",
       vars);
  auto from = [&](const char* src, const char* dst) { return run(TestPacket(src, 40000, dst, 80, "x")); };
  EXPECT_EQ(from("10.0.0.1", "203.0.113.7"), (Sids{1, 4, 5}));  // the host entry (90) over its /24
  EXPECT_EQ(from("10.0.0.2", "203.0.113.7"), (Sids{2, 4, 5}));  // the /24 (20)
  EXPECT_EQ(from("10.0.0.2", "10.0.0.1"), (Sids{2, 3}));
  EXPECT_EQ(from("192.0.2.1", "198.51.100.1"), (Sids{5}));
  EXPECT_EQ(from("2001:db8::5", "2001:db9::5"), (Sids{1, 5}));
  EXPECT_EQ(from("2001:db8::5", "2001:db8:1::5"), (Sids{1, 3}));
}

TEST_F(DetectionEngineTest, IprepRefusals) {
  const std::string dir = test::tempDir();
  std::ofstream(dir + "/categories.txt") << "1,BadHosts,Known bad hosts\n";
  std::ofstream(dir + "/bad.list") << "10.0.0.1,1,20\n10.0.0.x,1,5\n";
  std::ofstream(dir + "/unknown.list") << "10.0.0.1,7,20\n";
  const std::pair<ReputationFiles, std::pair<std::string, std::string>> cases[] = {
      {{}, {"iprep:src,BadHosts,>,5;", "needs reputation-categories-file"}},
      {{dir + "/categories.txt", {dir + "/bad.list"}}, {"iprep:src,BadHosts,>,5;", "bad.list:2: not an IP address"}},
      {{dir + "/categories.txt", {dir + "/unknown.list"}}, {"iprep:src,BadHosts,>,5;", "unknown.list:1: category 7"}},
      {{dir + "/categories.txt", {}}, {"iprep:src,Nope,>,5;", "unknown iprep category 'Nope'"}},
      {{dir + "/categories.txt", {}}, {"iprep:up,BadHosts,>,5;", "invalid iprep side"}},
      {{dir + "/categories.txt", {}}, {"iprep:src,BadHosts,>,128;", "invalid iprep score"}},
      {{dir + "/categories.txt", {}}, {"iprep:src,BadHosts,isset,3;", "take no score"}},
  };
  for (const auto& [files, rule] : cases) {
    RuleVariables vars;
    vars.setReputationFiles(files);
    RuleParser parser(vars, ClassificationTable::suricataDefaults());
    RuleError error;
    EXPECT_FALSE(parser.parseRule("alert ip any any -> any any (" + rule.first + " sid:1;)", "k.rules", 1, error));
    EXPECT_NE(error.reason.find(rule.second), std::string::npos) << rule.first << " -> " << error.reason;
  }
}

TEST_F(DetectionEngineTest, FastPatternChoiceDoesNotChangeWhatMatches) {
  load("alert tcp any any -> any any (content:\"a-longer-string\"; content:\"ab\"; fast_pattern; sid:1;)\n"
       "alert tcp any any -> any any (content:\"abcdef\"; fast_pattern:2,2; sid:2;)\n"
       "alert tcp any any -> any any (content:\"zz\"; fast_pattern:only; sid:3;)\n"
       "alert tcp any any -> any any (content:!\"nope\"; sid:4;)\n");
  EXPECT_EQ(on("a-longer-string ab"), (Sids{1, 4}));
  EXPECT_EQ(on("ab only"), Sids{4});
  EXPECT_EQ(on("abcdef"), (Sids{2, 4}));
  EXPECT_EQ(on("cd"), Sids{4});
  EXPECT_EQ(on("zz nope"), Sids{3});
}

// ---- header keywords ----

TEST_F(DetectionEngineTest, TcpHeaderKeywords) {
  load("alert tcp any any -> any any (flags:S; sid:1;)\n"
       "alert tcp any any -> any any (flags:A+; seq:100; ack:7; window:>1000; sid:2;)\n"
       "alert ip any any -> any any (ttl:<5; ip_proto:6; sid:3;)\n"
       "alert tcp any any -> any any (dsize:3; sid:4;)\n"
       "alert ip any any -> any any (sameip; sid:5;)\n");
  TestPacket syn("10.0.0.1", 1, "10.0.0.2", 2, "");
  syn.pkt.tcp_flags = tcpflag::Syn;
  syn.pkt.ttl = 64;
  EXPECT_EQ(run(syn), Sids{1});
  TestPacket data("10.0.0.1", 1, "10.0.0.2", 2, "abc");
  data.pkt.tcp_flags = tcpflag::Ack | tcpflag::Psh;
  data.pkt.tcp_seq = 100;
  data.pkt.tcp_ack = 7;
  data.pkt.tcp_window = 2000;
  data.pkt.ttl = 3;
  EXPECT_EQ(run(data), (Sids{2, 3, 4}));
  TestPacket self("10.0.0.1", 1, "10.0.0.1", 2, "x", 17);
  self.pkt.ttl = 64;
  EXPECT_EQ(run(self), Sids{5});
}

TEST_F(DetectionEngineTest, IcmpAndFragmentKeywords) {
  load("alert icmp any any -> any any (itype:8; icode:0; icmp_id:513; icmp_seq:3; sid:1;)\n"
       "alert icmp any any -> any any (itype:>8; sid:2;)\n"
       "alert ip any any -> any any (fragbits:D; sid:3;)\n"
       "alert ip any any -> any any (fragbits:+M; fragoffset:>0; sid:4;)\n");
  TestPacket echo("10.0.0.1", 0, "10.0.0.2", 0, "ping", 1);
  echo.pkt.icmp_type = 8;
  echo.pkt.icmp_id = 513;
  echo.withHeaders(0x4000, 0x02010003);  // don't fragment; id 513, seq 3
  EXPECT_EQ(run(echo), (Sids{1, 3}));
  TestPacket fragment("10.0.0.1", 0, "10.0.0.2", 0, "frag", 17);
  fragment.withHeaders(0x2000 | 185);  // more fragments, offset 185
  EXPECT_EQ(run(fragment), Sids{4});
  TestPacket unreachable("10.0.0.1", 0, "10.0.0.2", 0, "", 1);
  unreachable.pkt.icmp_type = 11;
  EXPECT_EQ(run(unreachable), Sids{2});
}

// An IPv6 packet whose ICMPv6 header is 8 bytes, `second_word` after type, code and checksum.
TestPacket icmpv6Packet(uint8_t type, uint8_t code, uint32_t second_word) {
  TestPacket p("2001:db8::1", 0, "2001:db8::2", 0, "", 58);
  p.pkt.icmp_type = type;
  p.pkt.icmp_code = code;
  p.frame.assign(48, 0);
  p.frame[0] = 0x60;
  p.frame[6] = 58;  // next header
  p.frame[40] = type;
  p.frame[41] = code;
  for (int i = 0; i < 4; ++i) p.frame[44 + i] = static_cast<uint8_t>(second_word >> (24 - 8 * i));
  p.pkt.l3 = p.frame.data();
  p.pkt.l3_len = static_cast<uint32_t>(p.frame.size());
  p.pkt.payload = p.frame.data() + 48;
  return p;
}

TEST_F(DetectionEngineTest, Icmpv6MtuOnPacketTooBigOnly) {
  load("alert ipv6 any any -> any any (icmpv6.mtu:<1280; sid:1;)\n"
       "alert ip any any -> any any (icmpv6.mtu:1280-1501; sid:2;)\n");
  EXPECT_EQ(run(icmpv6Packet(2, 0, 1200)), Sids{1});
  EXPECT_EQ(run(icmpv6Packet(2, 0, 1500)), Sids{2});
  // The same word in an echo request is its identifier and sequence, not an MTU; a
  // Packet Too Big with another code has none Suricata reads.
  EXPECT_EQ(run(icmpv6Packet(128, 0, 1200)), Sids{});
  EXPECT_EQ(run(icmpv6Packet(2, 1, 1200)), Sids{});
  TestPacket truncated = icmpv6Packet(2, 0, 1200);
  truncated.pkt.payload = truncated.frame.data() + 44;  // the header cut short
  EXPECT_EQ(run(truncated), Sids{});
}

// An IPv4 SYN whose TCP header carries `options` (padded to whole words).
TestPacket synWithOptions(std::vector<uint8_t> options) {
  TestPacket p("10.0.0.1", 40000, "10.0.0.2", 80, "");
  while (options.size() % 4) options.push_back(0);
  p.frame.assign(40, 0);
  p.frame[0] = 0x45;
  p.frame[9] = 6;
  p.frame[20 + 12] = static_cast<uint8_t>((20 + options.size()) / 4 << 4);
  p.frame.insert(p.frame.end(), options.begin(), options.end());
  p.pkt.ip_version = 4;
  p.pkt.tcp_flags = tcpflag::Syn;
  p.pkt.l3 = p.frame.data();
  p.pkt.l3_len = static_cast<uint32_t>(p.frame.size());
  p.pkt.payload = p.frame.data() + p.frame.size();
  return p;
}

TEST_F(DetectionEngineTest, TcpMssOption) {
  load("alert tcp any any -> any any (tcp.mss:<536; sid:1;)\n"
       "alert tcp any any -> any any (tcp.mss:1460; sid:2;)\n");
  // NOP, NOP, window scale, then MSS 1460.
  EXPECT_EQ(run(synWithOptions({1, 1, 3, 3, 7, 2, 4, 0x05, 0xb4})), Sids{2});
  EXPECT_EQ(run(synWithOptions({2, 4, 0x01, 0x00})), Sids{1});  // 256
  EXPECT_EQ(run(synWithOptions({3, 3, 7})), Sids{});             // no MSS option
  EXPECT_EQ(run(synWithOptions({0, 2, 4, 0x01, 0x00})), Sids{});  // after the end of the options
  EXPECT_EQ(run(synWithOptions({8, 40, 2, 4, 0x01, 0x00})), Sids{});  // an option longer than the header
}

TEST_F(DetectionEngineTest, HeaderBuffers) {
  load("alert ip any any -> any any (ipv4.hdr; content:\"|40 00|\"; offset:6; depth:2; sid:1;)\n"
       "alert icmp any any -> any any (icmpv4.hdr; content:\"|00 03|\"; offset:6; depth:2; pkt_data; content:\"ping\"; sid:2;)\n"
       "alert udp any any -> any any (udp.hdr; content:\"x\"; sid:3;)\n");
  TestPacket echo("10.0.0.1", 0, "10.0.0.2", 0, "ping", 1);
  echo.pkt.icmp_type = 8;
  echo.withHeaders(0x4000, 0x02010003);
  EXPECT_EQ(run(echo), (Sids{1, 2}));
  TestPacket bare("10.0.0.1", 0, "10.0.0.2", 0, "ping", 1);  // no header bytes known
  EXPECT_EQ(run(bare), Sids{});
}

TEST_F(DetectionEngineTest, AddressListRulesAreFoundByAddress) {
  load("alert ip $HOME_NET any -> [198.51.100.7,203.0.113.0/24] any (sid:1;)\n"
       "alert ip [198.51.100.0/30,2001:db8::1] any -> any any (sid:2;)\n"
       "alert ip [198.51.100.7] any <> [198.51.100.7] any (sid:3;)\n"
       "alert tcp [203.0.113.9] any -> any 80 (flags:S; sid:4;)\n");
  EXPECT_EQ(run(TestPacket("10.0.0.1", 1, "198.51.100.7", 2, "")), Sids{1});
  EXPECT_EQ(run(TestPacket("10.0.0.1", 1, "203.0.113.200", 2, "")), Sids{1});
  EXPECT_EQ(run(TestPacket("10.0.0.1", 1, "198.51.100.8", 2, "")), Sids{});
  EXPECT_EQ(run(TestPacket("198.51.100.2", 1, "8.8.8.8", 2, "")), Sids{2});
  EXPECT_EQ(run(TestPacket("2001:db8::1", 1, "2001:db8::2", 2, "")), Sids{2});
  EXPECT_EQ(run(TestPacket("198.51.100.7", 1, "198.51.100.7", 2, "")), Sids{3});  // once, though listed twice
  TestPacket syn("203.0.113.9", 1, "10.0.0.1", 80, "");
  syn.pkt.tcp_flags = tcpflag::Syn;
  EXPECT_EQ(run(syn), Sids{4});
}

// ---- flow state ----

TEST_F(DetectionEngineTest, FlowDirectionAndEstablished) {
  load("alert tcp any any -> any any (flow:to_server,established; content:\"q\"; sid:1;)\n"
       "alert tcp any any -> any any (flow:from_server; content:\"q\"; sid:2;)\n"
       "alert tcp any any -> any any (flow:not_established; content:\"q\"; sid:3;)\n"
       "alert tcp any any -> any any (flow.pkts:toserver,>=3; content:\"q\"; sid:4;)\n");
  EXPECT_EQ(on("q", true), Sids{1});
  EXPECT_EQ(on("q", false), Sids{2});
  established_ = false;
  packets_ = 3;
  EXPECT_EQ(on("q", true), (Sids{3, 4}));
}

TEST_F(DetectionEngineTest, FlowbitsCarryStateAcrossPacketsAndSettersRunFirst) {
  load("alert tcp any any -> any any (content:\"PASS\"; flowbits:isset,other|login; sid:2;)\n"
       "alert tcp any any -> any any (content:\"USER\"; flowbits:set,login; flowbits:noalert; sid:1;)\n"
       "alert tcp any any -> any any (content:\"QUIT\"; flowbits:unset,login; sid:3;)\n"
       "alert tcp any any -> any any (content:\"PASS\"; flowbits:isnotset,login; sid:4;)\n"
       "alert tcp any any -> any any (content:\"T\"; flowbits:toggle,t; noalert; sid:5;)\n"
       "alert tcp any any -> any any (content:\"?\"; flowbits:isset,t&login; sid:6;)\n");
  EXPECT_EQ(on("PASS"), Sids{4});
  EXPECT_EQ(on("USER PASS"), Sids{2});  // the setter runs first although loaded second
  EXPECT_EQ(on("PASS"), Sids{2});
  EXPECT_EQ(on("T ?"), Sids{6});
  EXPECT_EQ(on("T ?"), Sids{});
  EXPECT_EQ(on("QUIT"), Sids{3});
  EXPECT_EQ(on("PASS"), Sids{4});
  EXPECT_EQ(pool_.inUse(), 1u);
}

TEST(FlowStatePoolTest, RecordsAreBoundedReusedAndNeverMisread) {
  FlowStatePool pool(1);
  pool.configure(70, 1, 8);
  uint32_t a = 0, b = 0;
  uint64_t* record = pool.obtain(a, 1);
  ASSERT_NE(record, nullptr);
  pool.setBit(record, 69, true);
  EXPECT_TRUE(FlowStatePool::bit(pool.find(a, 1), 69));
  EXPECT_EQ(pool.obtain(b, 2), nullptr);  // full: counted, not grown
  EXPECT_EQ(pool.exhausted(), 1u);
  EXPECT_EQ(pool.find(a, 2), nullptr);    // another flow's handle never reads this record
  pool.release(a, 1);
  EXPECT_EQ(a, 0u);
  uint64_t* reused = pool.obtain(b, 2);
  ASSERT_NE(reused, nullptr);
  EXPECT_FALSE(FlowStatePool::bit(reused, 69));  // handed out zeroed
  pool.configure(1, 0, 0);                        // a new rule set forgets everything
  EXPECT_EQ(pool.find(b, 2), nullptr);
}

TEST_F(DetectionEngineTest, FlowintCountsInRuleOrder) {
  load("alert tcp any any -> any any (content:\"x\"; flowint:n,+,1; flowint:n,>,2; sid:1;)\n"
       "alert tcp any any -> any any (content:\"reset\"; flowint:n,=,0; noalert; sid:2;)\n"
       "alert tcp any any -> any any (content:\"y\"; flowint:n,notset; sid:3;)\n");
  EXPECT_EQ(on("y"), Sids{3});
  EXPECT_EQ(on("x"), Sids{});
  EXPECT_EQ(on("x"), Sids{});
  EXPECT_EQ(on("x"), Sids{1});
  EXPECT_EQ(on("x y"), Sids{1});
  EXPECT_EQ(on("reset"), Sids{});
  EXPECT_EQ(on("x"), Sids{});
}

TEST_F(DetectionEngineTest, ThresholdsAndDetectionFilter) {
  load("alert tcp any any -> any any (content:\"L\"; threshold:type limit, track by_src, count 2, seconds 60; sid:1;)\n"
       "alert tcp any any -> any any (content:\"T\"; threshold:type threshold, track by_dst, count 2, seconds 60; sid:2;)\n"
       "alert tcp any any -> any any (content:\"B\"; threshold:type both, track by_rule, count 3, seconds 60; sid:3;)\n"
       "alert tcp any any -> any any (content:\"D\"; detection_filter:track by_src, count 2, seconds 60; sid:4;)\n");
  std::vector<Sids> seen;
  for (int i = 0; i < 5; ++i) seen.push_back(on("LTBD"));
  EXPECT_EQ(seen, (std::vector<Sids>{{1}, {1, 2}, {3, 4}, {2, 4}, {4}}));
  // A new window starts the count again.
  TestPacket later("10.0.0.1", 40000, "10.0.0.2", 80, "L");
  later.pkt.ts += 61'000'000;
  EXPECT_EQ(run(later), Sids{1});
  // by_src: another source has its own count.
  EXPECT_EQ(run(TestPacket("10.0.0.9", 40000, "10.0.0.2", 80, "D")), Sids{});
}

// One worker of several (SpanningDownstream) sees only its share of the address pairs: it
// leaves the thresholds tracked by_src / by_dst / by_rule to the receiver of every worker's
// alerts, passing each match on with them, and decides by_both / by_flow itself.
TEST_F(DetectionEngineTest, ThresholdsSpanningAddressPairsAreLeftToTheReceiver) {
  load("alert tcp any any -> any any (content:\"S\"; threshold:type limit, track by_src, count 1, seconds 60; sid:1;)\n"
       "alert tcp any any -> any any (content:\"P\"; threshold:type limit, track by_both, count 1, seconds 60; sid:2;)\n"
       "alert tcp any any -> any any (content:\"M\"; threshold:type limit, track by_flow, count 1, seconds 60; "
       "detection_filter:track by_rule, count 1, seconds 60; sid:3;)\n"
       "alert tcp any any -> any any (content:\"N\"; sid:4;)\n");
  inspector_ = std::make_unique<PacketInspector>(db_, PacketInspector::Thresholds::SpanningDownstream);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(on("SPMN"), i == 0 ? (Sids{1, 2, 3, 4}) : (Sids{1, 3, 4})) << i;
    for (const Alert& a : sink_.alerts) {
      // A rule with one spanning track leaves all of its thresholds to the receiver.
      const bool left = a.sid == 1 || a.sid == 3;
      ASSERT_EQ(a.undecided_thresholds != nullptr, left) << a.sid;
      if (left) EXPECT_EQ(a.undecided_thresholds->key, uint64_t{1} << 32 | a.sid);
    }
  }
  EXPECT_EQ(inspector_->counters().alerts, 4u) << "only the alerts decided here";
  EXPECT_EQ(inspector_->counters().alerts_suppressed, 2u) << "sid 2's second and third match";
}

// detection_filter unique_on (Suricata 9): alerts once more distinct ports than `count`
// were seen in the window, each port counted once.
TEST_F(DetectionEngineTest, DetectionFilterCountsDistinctPorts) {
  load("alert tcp any any -> any any (content:\"S\"; detection_filter:track by_src, count 2, seconds 60, unique_on src_port; sid:1;)\n"
       "alert tcp any any -> any any (content:\"D\"; detection_filter:track by_dst, count 1, seconds 60, unique_on dst_port; sid:2;)\n");
  auto from = [&](uint16_t sport, uint16_t dport, const char* data, int64_t seconds = 0) {
    TestPacket p("10.0.0.1", sport, "10.0.0.2", dport, data);
    p.pkt.ts += seconds * 1'000'000;
    return run(p);
  };
  EXPECT_EQ(from(2000, 80, "S"), Sids{});
  EXPECT_EQ(from(2000, 80, "S"), Sids{});  // the same port again: still one
  EXPECT_EQ(from(2001, 80, "S"), Sids{});
  EXPECT_EQ(from(2002, 80, "S"), Sids{1});  // a third distinct port
  EXPECT_EQ(from(2000, 80, "S"), Sids{1});  // past the count, every match alerts
  EXPECT_EQ(from(2003, 80, "S", 61), Sids{});  // a new window counts afresh

  EXPECT_EQ(from(5000, 22, "D"), Sids{});
  EXPECT_EQ(from(5001, 22, "D"), Sids{});  // another source port, the same destination port
  EXPECT_EQ(from(5002, 23, "D"), Sids{2});
}

// xbits live across flows: on a host (set tracking ip_dst, tested tracking ip_src is the
// same host) or on an address pair either way round, until they expire.
TEST_F(DetectionEngineTest, XbitsAcrossFlows) {
  load("alert tcp any any -> any any (content:\"mark\"; xbits:set,seen,track ip_dst,expire 10; noalert; sid:1;)\n"
       "alert tcp any any -> any any (content:\"back\"; xbits:isset,seen,track ip_src; sid:2;)\n"
       "alert tcp any any -> any any (content:\"pair\"; xbits:set,p,track ip_pair; noalert; sid:3;)\n"
       "alert tcp any any -> any any (content:\"reply\"; xbits:isset,p,track ip_pair; sid:4;)\n"
       "alert tcp any any -> any any (content:\"clear\"; xbits:unset,seen,track ip_dst; noalert; sid:5;)\n");
  auto send = [&](const char* src, const char* dst, const char* data, int64_t seconds, uint64_t flow_id) {
    TestPacket p(src, 40000, dst, 80, data);
    p.pkt.ts += seconds * 1'000'000;
    sink_.alerts.clear();
    FlowContext flow{flow_id, true, true, {1, 0}, {0, 0}, &pool_, &handle_};
    inspector_->inspect(p.pkt, flow, sink_);
    return sink_.sids();
  };
  EXPECT_EQ(send("10.0.0.2", "10.0.0.9", "back", 0, 1), Sids{});
  EXPECT_EQ(send("10.0.0.1", "10.0.0.9", "mark", 0, 2), Sids{});  // 10.0.0.9 marked
  EXPECT_EQ(send("10.0.0.9", "10.0.0.7", "back", 5, 3), Sids{2});  // another flow, the host as source
  EXPECT_EQ(send("10.0.0.8", "10.0.0.7", "back", 5, 4), Sids{});
  EXPECT_EQ(send("10.0.0.9", "10.0.0.7", "back", 11, 5), Sids{});  // expired after 10 s
  EXPECT_EQ(send("10.0.0.1", "10.0.0.9", "mark", 20, 6), Sids{});
  EXPECT_EQ(send("10.0.0.1", "10.0.0.9", "clear", 21, 7), Sids{});
  EXPECT_EQ(send("10.0.0.9", "10.0.0.7", "back", 22, 8), Sids{});  // unset

  EXPECT_EQ(send("10.0.0.1", "10.0.0.2", "pair", 30, 9), Sids{});
  EXPECT_EQ(send("10.0.0.2", "10.0.0.1", "reply", 31, 10), Sids{4});  // the pair either way round
  EXPECT_EQ(send("10.0.0.2", "10.0.0.3", "reply", 31, 11), Sids{});
}

// threshold type backoff (Suricata 8): per flow, on the count-th match and then each
// time the matches reach count * multiplier^k, however far apart in time.
TEST_F(DetectionEngineTest, ThresholdBackoffPerFlow) {
  load("alert tcp any any -> any any (content:\"A\"; threshold:type backoff, track by_flow, count 1, multiplier 10; sid:1;)\n"
       "alert tcp any any -> any any (content:\"B\"; threshold:type backoff, track by_flow, count 2, multiplier 3; sid:2;)\n");
  std::vector<size_t> first, second;
  for (size_t n = 1; n <= 120; ++n) {
    TestPacket p("10.0.0.1", 40000, "10.0.0.2", 80, "AB");
    p.pkt.ts += static_cast<int64_t>(n) * 3'600'000'000;  // an hour apart: no window resets it
    for (uint32_t sid : run(p)) (sid == 1 ? first : second).push_back(n);
  }
  EXPECT_EQ(first, (std::vector<size_t>{1, 10, 100}));
  EXPECT_EQ(second, (std::vector<size_t>{2, 6, 18, 54}));
}

}  // namespace
}  // namespace mamori
