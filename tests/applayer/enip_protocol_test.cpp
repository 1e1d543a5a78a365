#include "applayer/enip_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "applayer/enip_message_decoder.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/enip_builder.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

using namespace test::enip;
using Records = test::ProtocolRecords;

constexpr uint16_t kListIdentity = 0x63, kRegisterSession = 0x65, kSendRRData = 0x6f, kSendUnitData = 0x70;

void feed(AppProtocolParser& p, Direction dir, const Bytes& b, ProtocolSink& sink) { p.onData(dir, b.data(), b.size(), sink); }

using test::be32;

std::unique_ptr<AppProtocolParser> tcpParser() { return EnipProtocol().newParser(AppProtocol::kTcp, nullptr); }

TEST(EnipProtocol, AListIdentityRequestAndItsReplyAreOneTransaction) {
  auto p = tcpParser();
  Records r;
  feed(*p, Direction::ToServer, pdu(kListIdentity, 0, {}), r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_FALSE(r.logged[0]) << "written with its reply";
  EXPECT_EQ(r.values(0, "enip_command"), std::vector<std::string>{be32(0x63)});

  feed(*p, Direction::ToClient, pdu(kListIdentity, 0, identityItem(1, 12, "1756-ENBT/A")), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_TRUE(r.logged[1]);
  EXPECT_EQ(r.ids[1], r.ids[0]);
  EXPECT_EQ(r.values(1, "enip_command"), std::vector<std::string>{be32(0x63)});
  EXPECT_EQ(r.values(1, "enip.vendor_id"), std::vector<std::string>{be32(1)});
  EXPECT_EQ(r.values(1, "enip.device_type"), std::vector<std::string>{be32(12)});
  EXPECT_EQ(r.values(1, "enip.revision"), std::vector<std::string>{be32(0x0403)});
  EXPECT_EQ(r.values(1, "enip.serial"), std::vector<std::string>{be32(0x524d8e)});
  EXPECT_EQ(r.values(1, "enip.product_name"), std::vector<std::string>{"1756-ENBT/A"});

  const rapidjson::Document eve = r.json(1);
  ASSERT_TRUE(eve.IsObject()) << r.eve[1];
  EXPECT_STREQ(eve["request"]["command"].GetString(), "list_identity");
  EXPECT_STREQ(eve["response"]["status"].GetString(), "success");
  const auto& id = eve["response"]["identity"];
  EXPECT_STREQ(id["vendor_id"].GetString(), "Rockwell Automation/Allen-Bradley");
  EXPECT_STREQ(id["device_type"].GetString(), "Communications Adapter");
  EXPECT_STREQ(id["revision"].GetString(), "4.3");
  EXPECT_STREQ(id["product_name"].GetString(), "1756-ENBT/A");
  EXPECT_EQ(id["state"].GetUint(), 3u);
  test::expectEveObjectsMatchSchema("enip", {r.eve[1]});
  EXPECT_EQ(r.bad, 0);
}

TEST(EnipProtocol, ARegisterSessionReplyAnswersTheRequestThatHadNoSessionYet) {
  auto p = tcpParser();
  Records r;
  feed(*p, Direction::ToServer, pdu(kRegisterSession, 0, registerSession(1)), r);
  feed(*p, Direction::ToClient, pdu(kRegisterSession, 0x10020100, registerSession(1)), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_EQ(r.ids[0], r.ids[1]);
  EXPECT_EQ(r.values(0, "enip.protocol_version"), std::vector<std::string>{be32(1)});
  const rapidjson::Document eve = r.json(1);
  EXPECT_EQ(eve["request"]["register_session"]["protocol_version"].GetUint(), 1u);
  EXPECT_EQ(eve["response"]["register_session"]["options"].GetUint(), 0u);
  test::expectEveObjectsMatchSchema("enip", {r.eve[1]});
}

TEST(EnipProtocol, AMultipleServicePacketsServicesEachGiveTheirCipFields) {
  auto p = tcpParser();
  Records r;
  const Bytes get_list = cipRequest(0x03, {{0x20, 0x01}, {0x24, 0x01}}, Bytes{2, 0, 7, 0, 8, 0});
  const Bytes read = cipRequest(0x4c, {{0x20, 0x6b}, {0x24, 0x05}, {0x30, 0x0a}});
  feed(*p, Direction::ToServer,
       pdu(kSendRRData, 7, sendRRData(cipRequest(0x0a, {{0x20, 0x02}, {0x24, 0x01}}, multiple({get_list, read})))), r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_EQ(r.values(0, "cip_service").size(), 3u) << "the packet and its two services";
  EXPECT_EQ(r.values(0, "enip.cip_class"), (std::vector<std::string>{be32(2), be32(1), be32(0x6b)}));
  EXPECT_EQ(r.values(0, "enip.cip_instance"), (std::vector<std::string>{be32(1), be32(1), be32(5)}));
  EXPECT_EQ(r.values(0, "enip.cip_attribute"), (std::vector<std::string>{be32(7), be32(8), be32(10)}))
      << "the attribute list's and the path's";

  feed(*p, Direction::ToClient,
       pdu(kSendRRData, 7,
           sendRRData(cipResponse(0x0a, 0x1e, {}, multiple({cipResponse(0x03, 0), cipResponse(0x4c, 0x01, {0x00, 0x01})})))),
       r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_EQ(r.ids[1], r.ids[0]);
  EXPECT_EQ(r.values(1, "enip.cip_status"), (std::vector<std::string>{be32(0x1e), be32(0), be32(1)}));
  EXPECT_EQ(r.values(1, "enip.cip_extendedstatus"), std::vector<std::string>{be32(0x0100)});
  const rapidjson::Document eve = r.json(1);
  ASSERT_TRUE(eve.IsObject()) << r.eve[1];
  const auto& req = eve["request"]["cip"];
  EXPECT_STREQ(req["service"].GetString(), "Multiple Service Packet");
  EXPECT_STREQ(req["class_name"].GetString(), "Message Router");
  ASSERT_EQ(req["multiple"].Size(), 2u);
  EXPECT_STREQ(req["multiple"][0]["class_name"].GetString(), "Identity");
  EXPECT_STREQ(req["multiple"][1]["path"][2]["segment_type"].GetString(), "attribute");
  const auto& resp = eve["response"]["cip"];
  EXPECT_STREQ(resp["status"].GetString(), "Embedded Service Error");
  EXPECT_STREQ(resp["multiple"][1]["status"].GetString(), "Connection Failure");
  EXPECT_STREQ(resp["multiple"][1]["status_extended"].GetString(), "0001");
  test::expectEveObjectsMatchSchema("enip", {r.eve[1]});
}

TEST(EnipProtocol, SymbolicTagPathsAreOrdinaryRequests) {
  auto p = tcpParser();
  Records r;
  // Logix Read Tag: an ANSI extended symbol segment ("Tag1"), then the element count.
  const Bytes read_tag{0x4c, 0x03, 0x91, 0x04, 'T', 'a', 'g', '1', 0x01, 0x00};
  feed(*p, Direction::ToServer, pdu(kSendRRData, 7, sendRRData(read_tag)), r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_FALSE(r.events[0].any());
  EXPECT_EQ(r.values(0, "cip_service").size(), 1u);
  EXPECT_TRUE(r.values(0, "enip.cip_class").empty());
}

TEST(EnipProtocol, ConnectedResponsesPairByTheirSequenceNumber) {
  auto p = tcpParser();
  Records r;
  const Bytes read = cipRequest(0x4c, {{0x20, 0x6b}, {0x24, 0x01}});
  feed(*p, Direction::ToServer, pdu(kSendUnitData, 9, sendUnitData(0x11, 1, read)), r);
  feed(*p, Direction::ToServer, pdu(kSendUnitData, 9, sendUnitData(0x11, 2, read)), r);
  feed(*p, Direction::ToClient, pdu(kSendUnitData, 9, sendUnitData(0x22, 2, cipResponse(0x4c, 0))), r);
  ASSERT_EQ(r.dirs.size(), 4u);
  EXPECT_TRUE(r.logged[2]) << "request 1, passed over, is written unanswered";
  EXPECT_EQ(r.ids[2], r.ids[0]);
  EXPECT_TRUE(r.fields[2].empty()) << "inspected already";
  EXPECT_FALSE(r.json(2).HasMember("response"));
  EXPECT_EQ(r.ids[3], r.ids[1]) << "the reply answers request 2";
  EXPECT_TRUE(r.json(3).HasMember("request"));
}

TEST(EnipProtocol, PdusSplitAndBatchedAcrossSegmentsAreFramedByTheirLength) {
  auto p = tcpParser();
  Records r;
  const Bytes a = pdu(kListIdentity, 0, {});
  const Bytes b = pdu(kRegisterSession, 0, registerSession(1));
  const Bytes both = cat({a, b});
  feed(*p, Direction::ToServer, Bytes(both.begin(), both.begin() + 30), r);
  EXPECT_EQ(r.dirs.size(), 1u);
  feed(*p, Direction::ToServer, Bytes(both.begin() + 30, both.end()), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_EQ(r.values(1, "enip_command"), std::vector<std::string>{be32(0x65)});
  p->onEnd(r);
  EXPECT_EQ(r.dirs.size(), 4u) << "both unanswered requests are written at the end";
}

TEST(EnipProtocol, APayloadThatDoesNotParseRaisesInvalidPdu) {
  auto p = tcpParser();
  Records r;
  feed(*p, Direction::ToServer, pdu(kRegisterSession, 0, Bytes{1}), r);  // 1 byte of 4
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_TRUE(raised(r.events[0], AppLayerEvent::EnipInvalidPdu));
  // A Multiple Service Packet whose offset points past its end.
  Bytes bad = cipRequest(0x0a, {{0x20, 0x02}}, Bytes{1, 0, 0xff, 0x00});
  feed(*p, Direction::ToServer, pdu(kSendRRData, 7, sendRRData(bad)), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_TRUE(raised(r.events[1], AppLayerEvent::EnipInvalidPdu));
  EXPECT_EQ(r.bad, 0);
}

TEST(EnipProtocol, OpenRequestsAreBoundedAndTheOldestWrittenWithAnEvent) {
  auto p = tcpParser();
  Records r;
  for (size_t i = 0; i <= EnipProtocol::kMaxOpen; ++i) feed(*p, Direction::ToServer, pdu(kListIdentity, 0, {}), r);
  ASSERT_EQ(r.dirs.size(), EnipProtocol::kMaxOpen + 2);
  EXPECT_TRUE(r.logged[EnipProtocol::kMaxOpen]);
  EXPECT_TRUE(raised(r.events[EnipProtocol::kMaxOpen], AppLayerEvent::EnipTooManyTransactions));
}

TEST(EnipProtocol, DatagramsAreOnePduEachAndATruncatedOneIsMalformed) {
  auto p = EnipProtocol().newParser(AppProtocol::kUdp, nullptr);
  Records r;
  Bytes request = pdu(kListIdentity, 0, {});
  feed(*p, Direction::ToServer, request, r);
  Bytes reply = pdu(kListIdentity, 0, identityItem(47, 14, "CJ2M"));
  reply.resize(reply.size() - 5);
  feed(*p, Direction::ToClient, reply, r);
  EXPECT_EQ(r.dirs.size(), 1u);
  EXPECT_EQ(r.bad, 1);
}

TEST(EnipProtocol, AfterAGapParsingResumesAtAnEnipHeader) {
  auto p = tcpParser();
  Records r;
  p->onGap(Direction::ToServer);
  feed(*p, Direction::ToServer, Bytes(40, 0xee), r);
  EXPECT_TRUE(r.dirs.empty());
  feed(*p, Direction::ToServer, pdu(kListIdentity, 0, {}), r);
  EXPECT_EQ(r.dirs.size(), 1u);
}

TEST(EnipProtocol, TheProbeTakesKnownCommandsAndStatuses) {
  const EnipProtocol enip;
  const Bytes list = pdu(kListIdentity, 0, {});
  EXPECT_EQ(enip.probe(AppProtocol::kTcp, Direction::ToServer, list.data(), list.size()), ProbeResult::Match);
  EXPECT_EQ(enip.probe(AppProtocol::kTcp, Direction::ToServer, list.data(), 10), ProbeResult::Unsure);
  const Bytes bad_status = pdu(kListIdentity, 0, {}, 0x1234);
  EXPECT_EQ(enip.probe(AppProtocol::kTcp, Direction::ToServer, bad_status.data(), bad_status.size()), ProbeResult::NoMatch);
  const Bytes bad_register = pdu(kRegisterSession, 0, Bytes(6, 0));
  EXPECT_EQ(enip.probe(AppProtocol::kTcp, Direction::ToServer, bad_register.data(), bad_register.size()), ProbeResult::NoMatch);
  const Bytes http{'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n', 'H', 'o', 's', 't', ':', ' ', 'a', '\r'};
  EXPECT_EQ(enip.probe(AppProtocol::kTcp, Direction::ToServer, http.data(), http.size()), ProbeResult::NoMatch);
}

TEST(EnipProtocol, AMultipleServicePacketKeepsABoundedNumberOfServices) {
  std::vector<Bytes> services(EnipMessage::kMaxMultiple + 10, cipRequest(0x0e, {{0x20, 0x01}, {0x24, 0x01}, {0x30, 0x07}}));
  Bytes body;
  le16(body, static_cast<uint16_t>(services.size()));
  uint16_t offset = static_cast<uint16_t>(2 + 2 * services.size());
  for (const Bytes& s : services) {
    le16(body, offset);
    offset = static_cast<uint16_t>(offset + s.size());
  }
  for (const Bytes& s : services) body.insert(body.end(), s.begin(), s.end());
  const Bytes packet = pdu(kSendRRData, 7, sendRRData(cipRequest(0x0a, {{0x20, 0x02}, {0x24, 0x01}}, body)));
  EnipMessage m;
  ASSERT_TRUE(EnipMessageDecoder::decode(packet.data(), packet.size(), m));
  EXPECT_FALSE(m.invalid);
  EXPECT_EQ(m.multiple_count, EnipMessage::kMaxMultiple);
  EXPECT_EQ(m.multiple_total, services.size());
}

}  // namespace
}  // namespace mamori
