// Rules on what is not a flow's packet: decode-event / stream-event (the keywords, the
// shipped rule file, rules meeting the events the real decoder raises, on packets with and
// without a flow) and the pkthdr / ether / arp protocols on frames that are not IP.
#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <map>
#include <memory>
#include <string>

#include "capture/decoder.h"
#include "tests/capture/packet_builder.h"
#include "tests/detect/detect_test_support.h"

namespace mamori {
namespace {

using test::Bytes;

const std::string kHead = "alert pkthdr any any -> any any (";

std::optional<Rule> parse(const std::string& options, RuleError& error) {
  RuleParser parser;
  return parser.parseRule(kHead + options + " sid:1;)", "e.rules", 1, error);
}

TEST(EngineEventKeywordsTest, SuricataNamesLoadWithOrWithoutTheirPrefix) {
  RuleError error;
  auto rule = parse("decode-event:ipv6.exthdr_useless_fh; decode-event:decoder.ipv6.frag_overlap; "
                    "stream-event:3whs_synack_flood; stream-event:stream.pkt_broken_ack;",
                    error);
  ASSERT_TRUE(rule) << error.toString();
  EXPECT_EQ(rule->engine_events,
            (std::vector<std::string>{"decoder.ipv6.exthdr_useless_fh", "decoder.ipv6.frag_overlap",
                                      "stream.3whs_synack_flood", "stream.pkt_broken_ack"}));
  EXPECT_TRUE(rule->protocol.any_frame);
}

TEST(EngineEventKeywordsTest, UnknownNamesAreRefusedAtTheirColumn) {
  test::expectRefusals(kHead, {
      {"decode-event:ipv6.no_such_thing;", "ipv6.no_such_thing", "unknown decode-event"},
      {"stream-event:ipv6.exthdr_useless_fh;", "ipv6.exthdr_useless_fh", "unknown stream-event"},
      {"decode-event:stream.3whs_synack_flood;", "stream.3whs", "unknown decode-event"},
      {"decode-event;", "decode-event", "needs a value"},
  });
}

TEST(EngineEventKeywordsTest, EveryEventTheDecoderRaisesIsANameRulesCanUse) {
  for (size_t i = 0; i < kDecodeEventCount; ++i) {
    const std::string name = decodeEventName(static_cast<DecodeEvent>(i));
    RuleError error;
    EXPECT_TRUE(parse("decode-event:" + name + ";", error)) << name << ": " << error.toString();
  }
}

// The shipped file has one rule per event the decoder raises, with its own sid, and loads.
TEST(EngineEventKeywordsTest, TheDecoderEventsRuleFileCoversEveryEvent) {
  RuleParser parser;
  ParsedRules parsed;
  ASSERT_TRUE(parser.parseFile(std::string(MAMORI_SOURCE_DIR) + "/rules/events/decoder-events.rules", parsed));
  for (const RuleError& e : parsed.errors) ADD_FAILURE() << e.toString();
  std::map<std::string, uint32_t> sid_of;
  for (const Rule& r : parsed.rules) {
    ASSERT_EQ(r.engine_events.size(), 1u) << r.sid;
    EXPECT_TRUE(sid_of.emplace(r.engine_events[0], r.sid).second) << r.engine_events[0] << " twice";
    EXPECT_GE(r.sid, 9001000u);
    EXPECT_LT(r.sid, 9001200u);
  }
  for (size_t i = 0; i < kDecodeEventCount; ++i) {
    const std::string name = std::string("decoder.") + decodeEventName(static_cast<DecodeEvent>(i));
    EXPECT_TRUE(sid_of.count(name)) << name << " has no rule";
  }
  std::vector<RuleError> errors;
  EXPECT_NE(SignatureDatabase::build(std::move(parsed.rules), errors), nullptr);
  EXPECT_TRUE(errors.empty());
}

// Frames go through the real decoder; what a worker would do with each (a flow packet, a
// held fragment, a malformed frame) decides how it is inspected.
class EngineEventInspectionTest : public test::InspectorTest {
 protected:
  test::Sids run(const Bytes& frame) {
    frame_ = frame;
    RawPacket raw;
    raw.data = frame_.data();
    raw.caplen = raw.wirelen = static_cast<uint32_t>(frame_.size());
    raw.ts = 1'000'000;
    raw.linktype = DLT_EN10MB;
    DecodedPacket pkt;
    const DecodeResult r = decoder_.decode(raw, pkt);
    test::CollectingSink sink;
    FlowContext flow;
    if (r.status == DecodeStatus::Malformed) inspector_->inspectEvents(pkt, flow, sink);
    else inspector_->inspect(pkt, flow, sink);
    return sink.sids;
  }
  static Bytes v6(uint8_t nh, const Bytes& body) {
    return test::ethernet(0x86dd, test::ipv6("2001:db8::1", "2001:db8::2", nh, body));
  }

  Decoder decoder_;
  Bytes frame_;
};

TEST_F(EngineEventInspectionTest, RulesOnEventsFireOnThePacketsThatCarryThem) {
  load("alert pkthdr any any -> any any (decode-event:ipv6.exthdr_useless_fh; sid:1;)\n"
       "alert pkthdr any any -> any any (decode-event:ipv6.frag_overlap; sid:2;)\n"
       "alert ipv6 any any -> any 80 (decode-event:ipv6.exthdr_useless_fh; sid:3;)\n"
       "alert pkthdr any any -> any any (decode-event:ipv6.trunc_exthdr; sid:4;)\n"
       "alert pkthdr any any -> any any (decode-event:ethernet.pkt_too_small; sid:5;)\n"
       "alert ip any any -> any any (decode-event:ethernet.pkt_too_small; sid:6;)\n"
       "alert pkthdr any any -> any any (decode-event:ipv6.unknown_next_header; decode-event:ipv6.exthdr_useless_fh; sid:7;)\n"
       "alert pkthdr any any -> any any (stream-event:3whs_synack_flood; sid:8;)\n");
  const Bytes seg = test::tcp(1234, 80, tcpflag::Syn, test::text("hello"));
  // An atomic fragment: the header tests of sid 3 hold on the TCP packet inside.
  EXPECT_EQ(run(v6(44, test::frag6(6, 0, false, 9, seg))), (test::Sids{1, 3}));
  EXPECT_EQ(run(test::ethernet(0x86dd, test::ipv6("2001:db8::1", "2001:db8::2", 6, seg))), test::Sids{});

  // A fragment held for reassembly, then the same one again: the overlap is the second's.
  const Bytes held = v6(44, test::frag6(58, 0, true, 5, test::filled(16, 'a')));
  EXPECT_EQ(run(held), test::Sids{});
  EXPECT_EQ(run(held), test::Sids{2});

  // Malformed: only the rules on events, and pkthdr meets frames that never became IP.
  EXPECT_EQ(run(v6(44, test::frag6(6, 0, false, 3, {1}))), (test::Sids{1, 4}));
  EXPECT_EQ(run(Bytes(10, 0)), test::Sids{5});
}

TEST_F(EngineEventInspectionTest, OtherRulesStillSeeFragmentsButNotMalformedPackets) {
  load("alert ipv6 any any -> any any (msg:\"any v6\"; sid:1;)\n"
       "alert ipv6 any any -> any any (content:\"aaaa\"; sid:2;)\n"
       "alert pkthdr any any -> any any (decode-event:ipv6.trunc_exthdr; sid:3;)\n");
  // A held fragment is a packet without payload: content rules cannot match it.
  EXPECT_EQ(run(v6(44, test::frag6(58, 0, true, 5, test::filled(16, 'a')))), test::Sids{1});
  // A truncated packet meets its event rule only.
  EXPECT_EQ(run(v6(44, test::frag6(6, 0, false, 3, test::text("a")))), test::Sids{3});
}

TEST_F(EngineEventInspectionTest, ArpAndEtherRulesSeeFramesThatAreNotIp) {
  load("alert arp any any -> any any (msg:\"arp\"; sid:1;)\n"
       "alert ether any any -> any any (ether.hdr; content:\"|08 06|\"; offset:12; depth:2; sid:2;)\n"
       "alert ip any any -> any any (msg:\"ip\"; sid:3;)\n"
       "alert pkthdr any any -> any any (msg:\"any\"; sid:4;)\n");
  const Bytes arp = test::ethernet(0x0806, test::filled(28, 1));
  EXPECT_EQ(run(arp), (test::Sids{1, 2, 4}));
  // An IP frame: not ARP, and its Ethernet header names IPv6.
  EXPECT_EQ(run(v6(6, test::tcp(1, 2, tcpflag::Syn, {}))), (test::Sids{3, 4}));
  // ARP behind a VLAN tag is still ARP, though its Ethernet header's type is the tag's.
  EXPECT_EQ(run(test::ethernet(0x0806, test::filled(28, 1), {5})), (test::Sids{1, 4}));
}

}  // namespace
}  // namespace mamori
