// The frame keyword (Suricata 7): `frame:<proto>.<name>` makes the payload keywords after it
// inspect one app-layer frame (applayer/app_frame.h) as a buffer of its own, in the Frame
// phase, each frame once; the frames a rule set inspects are known to the parsers
// (SignatureDatabase::inspectsFrame); bad frame names and frames in rules that cannot have
// them are refused at their column.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "applayer/app_frame.h"
#include "detect/packet_inspector.h"
#include "rules/protocol_buffers.h"
#include "tests/detect/detect_test_support.h"

namespace mamori {
namespace {

using test::BadCase;
using test::CollectingSink;
using test::Sids;

class AppFrameRulesTest : public test::InspectorTest {
 protected:
  Sids inspect(uint8_t type, bool to_server, const std::string& bytes, uint8_t ip_proto = 6) {
    const AppBuffer frame{appFrameBuffer(type), reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                          to_server ? BufferSide::ToServer : BufferSide::ToClient};
    DecodedPacket pkt = test::clientServerPacket(to_server, 53);
    pkt.proto = ip_proto;
    FlowContext flow{7, to_server, true, {3, 3}, {100, 100}, &pool_, &handle_};
    flow.app_proto = type == app_frame::kDnsPdu ? "dns" : "http2";
    sink_.sids.clear();
    inspector_->inspectApp(pkt, flow, AppPhase::Frame, std::span<const AppBuffer>(&frame, 1), sink_);
    std::sort(sink_.sids.begin(), sink_.sids.end());
    return sink_.sids;
  }

  uint32_t handle_ = 0;
  CollectingSink sink_;
};

// A DNS query's message: id, flags 0x0120, one question for suricata.io.
const std::string kQuery("\x12\x34\x01\x20\x00\x01\x00\x00\x00\x00\x00\x00\x08suricata\x02io\x00\x00\x01\x00\x01", 29);

TEST_F(AppFrameRulesTest, ContentAfterFrameInspectsThatFrameTypeOnly) {
  load("alert udp any any -> any any (frame:dns.pdu; content:\"|01 20 00 01|\"; offset:2; content:\"suricata\"; "
       "offset:13; flow:to_server; sid:1;)\n"
       "alert dns any any -> any any (frame:pdu; content:\"suricata\"; sid:2;)\n"  // short form: the rule's protocol
       "alert tcp any any -> any any (frame:dns.pdu; content:\"|01 20 00 01|\"; offset:3; sid:3;)\n"
       "alert http2 any any -> any any (frame:http2.hdr; content:\"|00 00 04 08 00|\"; sid:4;)\n"
       "alert http2 any any -> any any (frame:http2.data; content:\"|3f ff 00 01|\"; bsize:4; sid:5;)\n"
       "alert http any any -> any any (frame:http2.pdu; content:\"|08 00 00 00 00 00 3f|\"; flow:to_client; sid:6;)\n");
  EXPECT_EQ(inspect(app_frame::kDnsPdu, true, kQuery, 17), (Sids{1, 2}));
  EXPECT_EQ(inspect(app_frame::kDnsPdu, false, kQuery, 17), (Sids{2})) << "flow:to_server";
  const std::string window("\x00\x00\x04\x08\x00\x00\x00\x00\x00\x3f\xff\x00\x01", 13);
  EXPECT_EQ(inspect(app_frame::kHttp2Hdr, true, window.substr(0, 9)), (Sids{4}));
  EXPECT_EQ(inspect(app_frame::kHttp2Data, true, window.substr(9)), (Sids{5}));
  EXPECT_EQ(inspect(app_frame::kHttp2Pdu, true, window), Sids{}) << "flow:to_client";
  EXPECT_EQ(inspect(app_frame::kHttp2Pdu, false, window), (Sids{6}));
  EXPECT_EQ(inspect(app_frame::kHttp2Data, true, window.substr(9) + "x"), Sids{}) << "bsize:4";
}

TEST_F(AppFrameRulesTest, TheRuleSetSaysWhichFramesItInspects) {
  load("alert dns any any -> any any (frame:dns.pdu; content:\"a\"; sid:1;)\n"
       "alert http2 any any -> any any (frame:http2.data; bsize:>0; sid:2;)\n");
  EXPECT_TRUE(db_->inspectsFrame(app_frame::kDnsPdu));
  EXPECT_TRUE(db_->inspectsFrame(app_frame::kHttp2Data));
  EXPECT_FALSE(db_->inspectsFrame(app_frame::kHttp2Hdr));
  EXPECT_FALSE(db_->inspectsFrame(app_frame::kHttp2Pdu));
}

TEST_F(AppFrameRulesTest, UnknownFramesAndFramesWhereNoneCanBeAreRefusedAtTheirColumn) {
  test::expectRefusals("alert tcp any any -> any any (",
                       {
                           {"frame:dns.header; content:\"a\";", "dns.header", "unknown frame 'dns.header'"},
                           {"frame:pdu; content:\"a\";", "pdu", "needs its protocol"},
                           {"content:\"a\"; frame:dns.pdu; content:\"b\";", "frame", "with payload keywords"},
                       });
  test::expectRefusals("alert dns any any -> any any (",
                       {{"frame:http2.pdu; content:\"a\";", "http2.pdu", "the rule's protocol is dns"}});
  test::expectRefusals("alert icmp any any -> any any (", {{"frame:dns.pdu; content:\"a\";", "frame", "tcp and udp"}});
}

}  // namespace
}  // namespace mamori
